"use client";
// One metric panel's chart, legend and value table. Its own module so that
// recharts (and d3) load on demand, after the page (service-dashboard.tsx
// imports it with next/dynamic).
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useTheme } from "@/components/ui/use-theme";
import type { ChartData } from "@/lib/observability/service-metrics";
import { ChartLegend, ChartSummary, markerDot } from "./chart-parts";
import { AXIS, PANEL_BACKGROUND, seriesStyle } from "./chart-style";

const time = (t: number, range: string) =>
  new Date(t).toLocaleString(
    undefined,
    range === "7d" ? { month: "short", day: "numeric", hour: "2-digit" } : { hour: "2-digit", minute: "2-digit" },
  );

export function MetricChart({
  data,
  range,
  title,
  rangeLabel,
}: {
  data: ChartData;
  range: string;
  title: string;
  rangeLabel: string;
}) {
  const theme = useTheme();
  const styles = data.series.map((_, i) => seriesStyle(i, theme));
  const axis = AXIS[theme];
  return (
    <>
      <div className="h-48">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart
            data={data.points}
            margin={{ top: 4, right: 8, bottom: 0, left: -12 }}
            role="img"
            aria-label={`${title} chart, ${rangeLabel}; the values follow in a table`}
          >
            <CartesianGrid strokeDasharray="3 3" stroke={axis.grid} strokeOpacity={0.4} />
            <XAxis
              dataKey="t"
              type="number"
              domain={["dataMin", "dataMax"]}
              tickFormatter={(t) => time(t, range)}
              tick={{ fontSize: 10, fill: axis.text }}
              stroke={axis.grid}
            />
            <YAxis tick={{ fontSize: 10, fill: axis.text }} width={48} stroke={axis.grid} />
            <Tooltip
              isAnimationActive={false}
              contentStyle={{ background: PANEL_BACKGROUND[theme], borderColor: axis.grid, fontSize: 12 }}
              labelStyle={{ color: axis.text }}
              labelFormatter={(t) => new Date(Number(t)).toLocaleString()}
              formatter={(v) => (typeof v === "number" ? v.toFixed(2) : "—")}
            />
            {data.series.map((s, i) => (
              <Line
                key={s}
                dataKey={s}
                stroke={styles[i].color}
                strokeDasharray={styles[i].dash || undefined}
                dot={markerDot(data.points, s, i, styles[i])}
                activeDot={{ r: 3 }}
                strokeWidth={1.5}
                connectNulls={false}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
      <ChartLegend series={data.series} styles={styles} />
      <ChartSummary title={title} rangeLabel={rangeLabel} data={data} />
    </>
  );
}
