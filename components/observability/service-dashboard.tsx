"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import dynamic from "next/dynamic";
import { Input, Select } from "@/components/ui/field";
import type { ChartData, Chart } from "@/lib/observability/service-metrics";

// recharts (with d3) is ~100 kB gz: the chart, its legend and its table load after the page.
const MetricChart = dynamic(() => import("./metric-chart").then((m) => m.MetricChart), {
  ssr: false,
  loading: () => (
    <div
      role="status"
      aria-busy="true"
      aria-label="Loading the chart"
      className="h-48 rounded bg-zinc-100 motion-safe:animate-pulse dark:bg-zinc-800"
    />
  ),
});

const TITLES: Record<Chart, string> = {
  requests: "Request rate",
  errors: "Error rate (5xx share)",
  latency: "Latency p50 / p95 / p99",
  instances: "Instances",
  memory: "Memory utilization",
  cpu: "CPU utilization",
};
const RANGES = {
  "1h": "last hour",
  "6h": "last 6 h",
  "1d": "last day",
  "7d": "last 7 days",
  custom: "custom (UTC)",
} as const;
type Span = { range: keyof typeof RANGES; from: string; to: string };

async function fetchChart(project: string, service: string, chart: Chart, span: Span): Promise<ChartData> {
  const custom =
    span.range === "custom" ? { from: `${span.from}:00Z`, ...(span.to ? { to: `${span.to}:00Z` } : {}) } : {};
  const res = await fetch(
    `/api/metrics?${new URLSearchParams({ project, service, chart, range: span.range, ...custom })}`,
    { cache: "no-store" },
  );
  const body = await res.json();
  if (!res.ok) throw new Error(body.error ?? `Could not load ${chart} (${res.status}).`);
  return body;
}

function ChartPanel({
  project,
  service,
  chart,
  span,
  refresh,
}: {
  project: string;
  service: string;
  chart: Chart;
  span: Span;
  refresh: boolean;
}) {
  const range = span.range;
  const { data, error, isLoading } = useQuery({
    queryKey: ["metrics", project, service, chart, span],
    queryFn: () => fetchChart(project, service, chart, span),
    enabled: span.range !== "custom" || Boolean(span.from),
    refetchInterval: refresh ? 30_000 : false,
  });
  return (
    <section
      aria-label={TITLES[chart]}
      className="rounded-lg border border-zinc-200 bg-white p-3 dark:border-zinc-800 dark:bg-zinc-900"
    >
      <h3 className="mb-2 text-sm font-semibold">
        {TITLES[chart]}{" "}
        {data?.unit && <span className="font-normal text-zinc-500 dark:text-zinc-400">({data.unit})</span>}
      </h3>
      {error ? (
        <p role="alert" className="py-10 text-center text-sm text-red-600 dark:text-red-400">
          {(error as Error).message}
        </p>
      ) : isLoading || !data ? (
        <div
          role="status"
          aria-busy="true"
          aria-label={`Loading ${TITLES[chart]}`}
          className="h-48 rounded bg-zinc-100 motion-safe:animate-pulse dark:bg-zinc-800"
        />
      ) : data.points.length === 0 ? (
        <p className="py-16 text-center text-sm text-zinc-500 dark:text-zinc-400">No data in this range.</p>
      ) : (
        <>
          <MetricChart data={data} range={range} title={TITLES[chart]} rangeLabel={RANGES[range]} />
          {data.lastDataAt && (
            <p className="mt-1 text-[11px] text-zinc-500 dark:text-zinc-400">
              Data up to {new Date(data.lastDataAt).toLocaleTimeString()}; Cloud Monitoring lags up to 3 minutes, so the
              last minutes are missing, not zero. Gaps in a line are minutes without data.
            </p>
          )}
        </>
      )}
    </section>
  );
}

/** `initial`: a UTC range to open on (an incident's, linked from the incidents page), as YYYY-MM-DDTHH:MM. */
export function ServiceDashboard({
  project,
  service,
  initial,
}: {
  project: string;
  service: string;
  initial?: { from: string; to: string };
}) {
  const [span, setSpan] = useState<Span>(initial ? { range: "custom", ...initial } : { range: "1h", from: "", to: "" });
  const [refresh, setRefresh] = useState(true);
  return (
    <div className="space-y-3">
      <div className="flex items-center gap-3 text-sm">
        <Select
          aria-label="Metrics range"
          value={span.range}
          onChange={(e) => setSpan({ ...span, range: e.target.value as keyof typeof RANGES })}
        >
          {Object.entries(RANGES).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </Select>
        {span.range === "custom" && (
          <>
            <Input
              type="datetime-local"
              aria-label="From (UTC)"
              value={span.from}
              onChange={(e) => setSpan({ ...span, from: e.target.value })}
            />
            <Input
              type="datetime-local"
              aria-label="To (UTC)"
              value={span.to}
              onChange={(e) => setSpan({ ...span, to: e.target.value })}
            />
          </>
        )}
        <label className="flex items-center gap-1.5 text-xs">
          <input type="checkbox" checked={refresh} onChange={(e) => setRefresh(e.target.checked)} /> auto-refresh every
          30 s
        </label>
      </div>
      <div className="grid gap-3 lg:grid-cols-2">
        {(["requests", "errors", "latency", "instances", "memory", "cpu"] as const).map((c) => (
          <ChartPanel key={c} project={project} service={service} chart={c} span={span} refresh={refresh} />
        ))}
      </div>
    </div>
  );
}
