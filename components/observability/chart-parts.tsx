"use client";

// The parts of a metrics chart that make it readable without colour and without sight: a legend
// that shows each series' dash and marker, sparse markers on the lines (and on any point standing
// alone between gaps, which a line cannot draw), and a visually hidden table of the latest values.
import { Symbols, type DotItemDotProps } from "recharts";
import type { ChartData } from "@/lib/observability/service-metrics";
import type { SeriesStyle } from "./chart-style";

/** About this many markers per line, whatever the number of points. */
const MARKERS_PER_LINE = 8;

type Row = ChartData["points"][number];

/** A `dot` renderer for one series: its marker on every few points and on isolated points. */
export function markerDot(points: Row[], series: string, seriesIndex: number, style: SeriesStyle) {
  const every = Math.max(1, Math.ceil(points.length / MARKERS_PER_LINE));
  const Marker = ({ cx, cy, index }: DotItemDotProps) => {
    const value = points[index]?.[series];
    const isolated = value != null && points[index - 1]?.[series] == null && points[index + 1]?.[series] == null;
    const onBeat = (index + seriesIndex) % every === 0;
    if (value == null || cx == null || cy == null || !(isolated || onBeat)) return <g key={`${series}-${index}`} />;
    return (
      <Symbols
        key={`${series}-${index}`}
        type={style.marker}
        cx={cx}
        cy={cy}
        size={36}
        fill={style.color}
        stroke={style.color}
      />
    );
  };
  return Marker;
}

/** One legend entry per series: a sample of its line, dash and marker, and its name. */
export function ChartLegend({ series, styles }: { series: string[]; styles: SeriesStyle[] }) {
  return (
    <ul className="mt-1 flex flex-wrap gap-x-3 gap-y-1 text-[11px] text-zinc-700 dark:text-zinc-300">
      {series.map((name, i) => (
        <li key={name} className="recharts-legend-item flex items-center gap-1">
          <svg width="28" height="10" viewBox="0 0 28 10" aria-hidden>
            <line
              x1="0"
              y1="5"
              x2="28"
              y2="5"
              stroke={styles[i].color}
              strokeWidth="1.5"
              strokeDasharray={styles[i].dash || undefined}
            />
            <Symbols type={styles[i].marker} cx={14} cy={5} size={36} fill={styles[i].color} stroke={styles[i].color} />
          </svg>
          <span className="font-mono">{name}</span>
        </li>
      ))}
    </ul>
  );
}

const format = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2));

/** The text alternative: each series' latest value, when it was, and its highest in the range. */
export function ChartSummary({ title, rangeLabel, data }: { title: string; rangeLabel: string; data: ChartData }) {
  return (
    <table className="sr-only">
      <caption>
        {title}, {rangeLabel}
        {data.unit ? ` (${data.unit})` : ""}: latest and highest value of each series
      </caption>
      <thead>
        <tr>
          <th scope="col">Series</th>
          <th scope="col">Latest</th>
          <th scope="col">At</th>
          <th scope="col">Highest in range</th>
        </tr>
      </thead>
      <tbody>
        {data.series.map((name) => {
          const values = data.points.filter((p) => p[name] != null);
          const latest = values[values.length - 1];
          const highest = values.reduce<number | null>((max, p) => Math.max(max ?? -Infinity, p[name] as number), null);
          return (
            <tr key={name}>
              <th scope="row">{name}</th>
              <td>{latest ? format(latest[name] as number) : "no data"}</td>
              <td>{latest ? new Date(latest.t).toLocaleTimeString() : "—"}</td>
              <td>{highest === null ? "no data" : format(highest)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
