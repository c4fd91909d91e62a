// A service's dashboard series, each split by revision so that a canary is
// compared with the stable revision at a glance. One ListTimeSeries call per
// chart line family, whatever the number of revisions.
import { z } from "zod";
import type { protos } from "@google-cloud/monitoring";
import { observabilityClients, type ObservabilityClients } from "../gcp/clients";
import { GRPC, grpcCode, upstreamError } from "../gcp/errors";

type TimeSeries = protos.google.monitoring.v3.ITimeSeries;

export const CHARTS = ["requests", "errors", "latency", "instances", "memory", "cpu"] as const;
export type Chart = (typeof CHARTS)[number];

export const METRIC_RANGES = {
  "1h": { seconds: 3600, period: 60 },
  "6h": { seconds: 21_600, period: 300 },
  "1d": { seconds: 86_400, period: 900 },
  "7d": { seconds: 604_800, period: 3600 },
} as const;

export const MetricsQuery = z
  .object({
    project: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/),
    service: z.string().regex(/^[a-z][a-z0-9-]{0,48}$/),
    chart: z.enum(CHARTS),
    range: z.enum(["1h", "6h", "1d", "7d", "custom"]).default("1h"),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((q) => q.range !== "custom" || (q.from && (!q.to || q.from < q.to)), {
    path: ["from"],
    message: "A custom range needs a start before its end.",
  });
export type MetricsQuery = z.infer<typeof MetricsQuery>;

/** One chart: time-ordered points, one value per series key (a revision, or revision · percentile). */
export type ChartData = {
  unit: string;
  series: string[];
  points: { t: number; [series: string]: number | null }[];
  lastDataAt: number | null;
};

const RUN = "run.googleapis.com";
const BY_REVISION = "resource.labels.revision_name";

/** The window and alignment period: about 120 points whatever the span, never under a minute. */
export function chartWindow(q: MetricsQuery, now: Date): { endSeconds: number; seconds: number; period: number } {
  if (q.range !== "custom") return { endSeconds: Math.floor(now.getTime() / 1000), ...METRIC_RANGES[q.range] };
  const endSeconds = Math.floor((q.to ? new Date(q.to) : now).getTime() / 1000);
  const seconds = Math.max(60, endSeconds - Math.floor(new Date(q.from!).getTime() / 1000));
  return { endSeconds, seconds, period: Math.max(60, Math.ceil(seconds / 120 / 60) * 60) };
}

function request(q: MetricsQuery, metric: string, aligner: string, reducer: string, groupBy: string[], end: Date) {
  const { seconds, period, endSeconds } = chartWindow(q, end);
  return {
    name: `projects/${q.project}`,
    filter: `metric.type="${RUN}/${metric}" AND resource.labels.service_name="${q.service}"`,
    interval: { startTime: { seconds: endSeconds - seconds }, endTime: { seconds: endSeconds } },
    aggregation: {
      alignmentPeriod: { seconds: period },
      perSeriesAligner: aligner as "ALIGN_RATE",
      crossSeriesReducer: reducer as "REDUCE_SUM",
      groupByFields: groupBy,
    },
    view: "FULL" as const,
  };
}

const valueOf = (p: protos.google.monitoring.v3.IPoint) => Number(p.value?.doubleValue ?? p.value?.int64Value ?? 0);
const timeOf = (p: protos.google.monitoring.v3.IPoint) => Number(p.interval?.endTime?.seconds ?? 0) * 1000;

/**
 * Merges series into rows by timestamp; a missing point stays null (a gap, never a false zero).
 * With the alignment period, every bucket between the first and the last point gets a row, so a
 * stretch where Monitoring has no point at all (the portal or the service was down) is a row of
 * nulls and the chart breaks its lines there instead of joining the points on either side.
 */
export function toChart(unit: string, named: { name: string; series: TimeSeries }[], periodMs?: number): ChartData {
  const rows = new Map<number, ChartData["points"][number]>();
  const names = [...new Set(named.map((n) => n.name))].sort();
  const emptyRow = (t: number) => ({ t, ...Object.fromEntries(names.map((n) => [n, null])) });
  let lastDataAt: number | null = null;
  for (const { name, series } of named) {
    for (const p of series.points ?? []) {
      const t = timeOf(p);
      if (!rows.has(t)) rows.set(t, emptyRow(t));
      const row = rows.get(t)!;
      row[name] = ((row[name] as number | null) ?? 0) + valueOf(p);
      lastDataAt = Math.max(lastDataAt ?? 0, t);
    }
  }
  const points = [...rows.values()].sort((a, b) => a.t - b.t);
  return {
    unit,
    series: names,
    points: periodMs ? withMissingBuckets(points, periodMs, emptyRow) : points,
    lastDataAt,
  };
}

/** Rows of nulls for the buckets Monitoring returned nothing for, between two rows it did. */
function withMissingBuckets(
  points: ChartData["points"],
  periodMs: number,
  emptyRow: (t: number) => ChartData["points"][number],
): ChartData["points"] {
  const filled: ChartData["points"] = [];
  for (const [i, row] of points.entries()) {
    const previous = points[i - 1];
    if (previous) for (let t = previous.t + periodMs; t < row.t; t += periodMs) filled.push(emptyRow(t));
    filled.push(row);
  }
  return filled;
}

const revisionOf = (s: TimeSeries) => s.resource?.labels?.revision_name ?? "unknown";

async function list(clients: ObservabilityClients, req: ReturnType<typeof request>): Promise<TimeSeries[]> {
  const [series] = await clients.metrics.listTimeSeries(req, { timeout: 15_000 });
  return series;
}

export async function serviceChart(
  q: MetricsQuery,
  clients = observabilityClients(),
  end = new Date(),
): Promise<ChartData> {
  const periodMs = chartWindow(q, end).period * 1000;
  try {
    switch (q.chart) {
      case "requests": {
        const series = await list(clients, request(q, "request_count", "ALIGN_RATE", "REDUCE_SUM", [BY_REVISION], end));
        return toChart(
          "req/s",
          series.map((s) => ({ name: revisionOf(s), series: s })),
          periodMs,
        );
      }
      case "errors": {
        // 5xx share per revision: errors and totals from one grouped call.
        const series = await list(
          clients,
          request(
            q,
            "request_count",
            "ALIGN_DELTA",
            "REDUCE_SUM",
            [BY_REVISION, "metric.labels.response_code_class"],
            end,
          ),
        );
        const totals = toChart(
          "",
          series.map((s) => ({ name: revisionOf(s), series: s })),
          periodMs,
        );
        const errors = toChart(
          "",
          series
            .filter((s) => s.metric?.labels?.response_code_class === "5xx")
            .map((s) => ({ name: revisionOf(s), series: s })),
        );
        const errorAt = new Map(errors.points.map((p) => [p.t, p]));
        return {
          unit: "% 5xx",
          series: totals.series,
          lastDataAt: totals.lastDataAt,
          points: totals.points.map((p) => ({
            t: p.t,
            ...Object.fromEntries(
              totals.series.map((r) => {
                const total = p[r] as number | null;
                return [r, total ? (100 * ((errorAt.get(p.t)?.[r] as number | null) ?? 0)) / total : null];
              }),
            ),
          })),
        };
      }
      case "latency": {
        const percentiles = ["50", "95", "99"] as const;
        const results = await Promise.all(
          percentiles.map((p) =>
            list(clients, request(q, "request_latencies", "ALIGN_DELTA", `REDUCE_PERCENTILE_${p}`, [BY_REVISION], end)),
          ),
        );
        return toChart(
          "ms",
          results.flatMap((series, i) =>
            series.map((s) => ({ name: `${revisionOf(s)} p${percentiles[i]}`, series: s })),
          ),
          periodMs,
        );
      }
      case "memory":
      case "cpu": {
        // p99 across the revision's instances, as a share of the revision's limit.
        const metric = q.chart === "memory" ? "container/memory/utilizations" : "container/cpu/utilizations";
        const series = await list(
          clients,
          request(q, metric, "ALIGN_DELTA", "REDUCE_PERCENTILE_99", [BY_REVISION], end),
        ).catch((err) => {
          // A Monitoring without the metric (an older emulator) has no data for it, which is what the panel says.
          if (grpcCode(err) === GRPC.INVALID_ARGUMENT || grpcCode(err) === GRPC.NOT_FOUND) return [];
          throw err;
        });
        const chart = toChart(
          "% of limit, p99",
          series.map((s) => ({ name: revisionOf(s), series: s })),
          periodMs,
        );
        return {
          ...chart,
          points: chart.points.map((p) => ({
            ...Object.fromEntries(
              Object.entries(p).map(([k, v]) => [
                k,
                k === "t" || v === null ? v : Number(((v as number) * 100).toFixed(2)),
              ]),
            ),
            t: p.t,
          })),
        };
      }
      case "instances": {
        const series = await list(
          clients,
          request(q, "container/instance_count", "ALIGN_MAX", "REDUCE_SUM", [BY_REVISION], end),
        );
        return toChart(
          "instances",
          series.map((s) => ({ name: revisionOf(s), series: s })),
          periodMs,
        );
      }
    }
  } catch (err) {
    throw upstreamError(err, "Cloud Monitoring", `reading ${q.chart} of ${q.service}`);
  }
}
