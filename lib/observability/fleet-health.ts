// Request rate, error rate and latency per service for the whole fleet, with a
// constant number of Monitoring calls per project (group-by queries), however
// many services it has.
import type { protos } from "@google-cloud/monitoring";
import { TtlCache } from "../cache";
import { observabilityClients, type ObservabilityClients } from "../gcp/clients";
import { upstreamError } from "../gcp/errors";

type TimeSeries = protos.google.monitoring.v3.ITimeSeries;

export type ServiceHealth = {
  project: string;
  service: string;
  requestsPerSecond: number;
  errorRate: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  breaches: string[];
};

/** The deployment plans' alert rules. */
export const THRESHOLDS = { errorRate: 0.01, p99Ms: 5_000, windowSeconds: 300 };

const RUN = "run.googleapis.com";
const SERVICE = "resource.labels.service_name";

function pointValue(series: TimeSeries): number {
  const v = series.points?.[0]?.value;
  return Number(v?.doubleValue ?? v?.int64Value ?? 0);
}

export function healthQueries(project: string, end: Date) {
  const interval = {
    startTime: { seconds: Math.floor(end.getTime() / 1000) - THRESHOLDS.windowSeconds },
    endTime: { seconds: Math.floor(end.getTime() / 1000) },
  };
  const base = { name: `projects/${project}`, interval, view: "FULL" as const };
  const period = { seconds: THRESHOLDS.windowSeconds };
  return {
    requests: {
      ...base,
      filter: `metric.type="${RUN}/request_count" AND resource.type="cloud_run_revision"`,
      aggregation: {
        alignmentPeriod: period,
        perSeriesAligner: "ALIGN_DELTA" as const,
        crossSeriesReducer: "REDUCE_SUM" as const,
        groupByFields: [SERVICE, "metric.labels.response_code_class"],
      },
    },
    p95: {
      ...base,
      filter: `metric.type="${RUN}/request_latencies" AND resource.type="cloud_run_revision"`,
      aggregation: {
        alignmentPeriod: period,
        perSeriesAligner: "ALIGN_DELTA" as const,
        crossSeriesReducer: "REDUCE_PERCENTILE_95" as const,
        groupByFields: [SERVICE],
      },
    },
    p99: {
      ...base,
      filter: `metric.type="${RUN}/request_latencies" AND resource.type="cloud_run_revision"`,
      aggregation: {
        alignmentPeriod: period,
        perSeriesAligner: "ALIGN_DELTA" as const,
        crossSeriesReducer: "REDUCE_PERCENTILE_99" as const,
        groupByFields: [SERVICE],
      },
    },
  };
}

/** Folds the three group-by answers into one row per service. */
export function combineHealth(
  project: string,
  requests: TimeSeries[],
  p95: TimeSeries[],
  p99: TimeSeries[],
): ServiceHealth[] {
  const rows = new Map<string, { total: number; errors: number; p95: number | null; p99: number | null }>();
  const row = (s: TimeSeries) => {
    const name = s.resource?.labels?.service_name ?? "";
    if (!rows.has(name)) rows.set(name, { total: 0, errors: 0, p95: null, p99: null });
    return rows.get(name)!;
  };
  for (const s of requests) {
    const r = row(s);
    const n = pointValue(s);
    r.total += n;
    if (s.metric?.labels?.response_code_class === "5xx") r.errors += n;
  }
  for (const s of p95) row(s).p95 = pointValue(s);
  for (const s of p99) row(s).p99 = pointValue(s);
  return [...rows.entries()].map(([service, r]) => {
    const errorRate = r.total > 0 ? r.errors / r.total : null;
    const breaches = [
      ...(errorRate !== null && errorRate > THRESHOLDS.errorRate
        ? [`error rate ${(errorRate * 100).toFixed(1)}% > 1% over 5 min`]
        : []),
      ...(r.p99 !== null && r.p99 > THRESHOLDS.p99Ms ? [`p99 ${(r.p99 / 1000).toFixed(1)} s > 5 s`] : []),
    ];
    return {
      project,
      service,
      requestsPerSecond: r.total / THRESHOLDS.windowSeconds,
      errorRate,
      p95Ms: r.p95,
      p99Ms: r.p99,
      breaches,
    };
  });
}

/** Three ListTimeSeries calls for one project. */
async function projectHealth(clients: ObservabilityClients, project: string, end: Date): Promise<ServiceHealth[]> {
  const q = healthQueries(project, end);
  const call = { timeout: 15_000 };
  const [[requests], [p95], [p99]] = await Promise.all([
    clients.metrics.listTimeSeries(q.requests, call),
    clients.metrics.listTimeSeries(q.p95, call),
    clients.metrics.listTimeSeries(q.p99, call),
  ]);
  return combineHealth(project, requests, p95, p99);
}

export type FleetHealth = { rows: ServiceHealth[]; failures: { project: string; error: string }[] };

async function collect(projects: string[], read: (project: string) => Promise<ServiceHealth[]>): Promise<FleetHealth> {
  const results = await Promise.allSettled(projects.map(read));
  const rows: ServiceHealth[] = [];
  const failures: { project: string; error: string }[] = [];
  results.forEach((r, i) => {
    if (r.status === "fulfilled") rows.push(...r.value);
    else
      failures.push({
        project: projects[i],
        error: upstreamError(r.reason, "Cloud Monitoring", `reading metrics of ${projects[i]}`).message,
      });
  });
  return { rows, failures };
}

/** The 5 minutes before `end`, uncached: three calls per project, in parallel across projects. */
export function fleetHealth(
  projects: string[],
  clients = observabilityClients(),
  end = new Date(),
): Promise<FleetHealth> {
  return collect(projects, (project) => projectHealth(clients, project, end));
}

// Each viewer of the fleet page would otherwise cost three Monitoring calls per
// project; the window is 5 minutes wide, so a few seconds' lag is harmless.
export const HEALTH_CACHE_MS = 15_000;
const recent = new WeakMap<ObservabilityClients, TtlCache<ServiceHealth[]>>();

/** The last 5 minutes, each project's answer cached briefly and shared by concurrent viewers. */
export function recentFleetHealth(projects: string[], clients = observabilityClients()): Promise<FleetHealth> {
  if (!recent.has(clients)) recent.set(clients, new TtlCache(HEALTH_CACHE_MS));
  const cache = recent.get(clients)!;
  return collect(projects, (project) => cache.get(project, () => projectHealth(clients, project, new Date())));
}
