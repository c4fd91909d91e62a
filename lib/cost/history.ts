// What the cost insight reads from Cloud Monitoring, each as one group-by
// call per project whatever the number of services:
//   - history: per service, revision and day since the 1st of last month,
//     vCPU-seconds, GiB-seconds, requests and billable instance seconds (4 calls);
//   - signals: the last 7 days' memory and CPU utilization p99 per revision and
//     request latency per revision, and the last day's instances per state per
//     hour (4 calls; the instances alone for the service page, 1 call).
import type { protos } from "@google-cloud/monitoring";
import { TtlCache } from "../cache";
import type { ObservabilityClients } from "../gcp/clients";
import { upstreamError } from "../gcp/errors";
import { distributionPercentile, type WireDistribution } from "./distribution";

type Series = protos.google.monitoring.v3.ITimeSeries;
export type RevisionDay = {
  project: string;
  service: string;
  revision: string;
  day: string;
  vcpuSeconds: number;
  gibSeconds: number;
  requests: number;
  instanceSeconds: number;
};
export type RevisionSignals = {
  project: string;
  service: string;
  revision: string;
  memoryP99: number | null;
  cpuP99: number | null;
  latencyP95Ms: number | null;
  meanLatencyMs: number | null;
};
export type ServiceInstances = {
  project: string;
  service: string;
  activeInstances: number | null;
  idleInstances: number | null;
};
export type Signals = { revisions: RevisionSignals[]; instances: ServiceInstances[] };

const DAY = 86_400;
const HISTORY = {
  vcpuSeconds: "run.googleapis.com/container/cpu/allocation_time",
  gibSeconds: "run.googleapis.com/container/memory/allocation_time",
  requests: "run.googleapis.com/request_count",
  instanceSeconds: "run.googleapis.com/container/billable_instance_time",
} as const;
const BY_REVISION = ["resource.labels.service_name", "resource.labels.revision_name"];

/** From the 1st of last month (UTC) to the end of today, in seconds. */
export function historyWindow(now: Date): { start: number; end: number } {
  return {
    start: Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1) / 1000,
    end: Math.ceil(now.getTime() / 1000 / DAY) * DAY,
  };
}

const historyCache = new TtlCache<RevisionDay[]>(5 * 60_000);
const signalsCache = new TtlCache<Signals>(5 * 60_000);
const instancesCache = new TtlCache<ServiceInstances[]>(5 * 60_000);
const slot = (now: Date) => Math.floor(now.getTime() / 300_000);

export function projectHistory(
  clients: ObservabilityClients,
  project: string,
  now = new Date(),
): Promise<RevisionDay[]> {
  const { start, end } = historyWindow(now);
  return historyCache.get(`${project}/${start}/${slot(now)}`, () => readHistory(clients, project, start, end));
}

export function projectSignals(clients: ObservabilityClients, project: string, now = new Date()): Promise<Signals> {
  return signalsCache.get(`${project}/${slot(now)}`, () => readSignals(clients, project, now));
}

async function list(
  clients: ObservabilityClients,
  project: string,
  request: Omit<protos.google.monitoring.v3.IListTimeSeriesRequest, "name">,
  what: string,
): Promise<Series[]> {
  try {
    const [series] = await clients.metrics.listTimeSeries(
      { name: `projects/${project}`, view: "FULL", ...request },
      { timeout: 20_000 },
    );
    return series as Series[];
  } catch (err) {
    throw upstreamError(err, "Cloud Monitoring", `reading ${what} of ${project}`);
  }
}

const value = (p: protos.google.monitoring.v3.IPoint) => Number(p.value?.doubleValue ?? p.value?.int64Value ?? 0);
const labels = (s: Series) => ({
  service: s.resource?.labels?.service_name ?? "",
  revision: s.resource?.labels?.revision_name ?? "",
});

/** Uncached: four group-by calls, daily sums per service and revision. */
export async function readHistory(
  clients: ObservabilityClients,
  project: string,
  start: number,
  end: number,
): Promise<RevisionDay[]> {
  const rows = new Map<string, RevisionDay>();
  await Promise.all(
    (Object.keys(HISTORY) as (keyof typeof HISTORY)[]).map(async (field) => {
      const series = await list(
        clients,
        project,
        {
          filter: `metric.type="${HISTORY[field]}"`,
          interval: { startTime: { seconds: start }, endTime: { seconds: end } },
          aggregation: {
            alignmentPeriod: { seconds: DAY },
            perSeriesAligner: "ALIGN_SUM",
            crossSeriesReducer: "REDUCE_SUM",
            groupByFields: BY_REVISION,
          },
        },
        "usage",
      );
      for (const s of series) {
        const { service, revision } = labels(s);
        for (const p of s.points ?? []) {
          // A point stamped at a period's end counts for the day that ended.
          const day = new Date((Number(p.interval?.endTime?.seconds ?? 0) - 1) * 1000).toISOString().slice(0, 10);
          const key = `${service}/${revision}/${day}`;
          if (!rows.has(key))
            rows.set(key, {
              project,
              service,
              revision,
              day,
              vcpuSeconds: 0,
              gibSeconds: 0,
              requests: 0,
              instanceSeconds: 0,
            });
          rows.get(key)![field] += value(p);
        }
      }
    }),
  );
  return [...rows.values()].sort(
    (a, b) => a.day.localeCompare(b.day) || a.service.localeCompare(b.service) || a.revision.localeCompare(b.revision),
  );
}

/** Uncached: utilization p99 and latency per revision over 7 days, instances per service and state per hour. */
export async function readSignals(clients: ObservabilityClients, project: string, now: Date): Promise<Signals> {
  // The end of the current hour: whole hours (the emulator reads them from its rollups), this one included.
  const end = Math.ceil(now.getTime() / 1000 / 3600) * 3600;
  const interval = { startTime: { seconds: end - 7 * DAY }, endTime: { seconds: end } };
  const week = { seconds: 7 * DAY };
  const p99 = (metric: string) =>
    list(
      clients,
      project,
      {
        filter: `metric.type="run.googleapis.com/container/${metric}/utilizations"`,
        interval,
        aggregation: {
          alignmentPeriod: week,
          perSeriesAligner: "ALIGN_PERCENTILE_99",
          crossSeriesReducer: "REDUCE_MAX",
          groupByFields: BY_REVISION,
        },
      },
      `${metric} utilization`,
    );
  const [memory, cpu, latency, instances] = await Promise.all([
    p99("memory"),
    p99("cpu"),
    list(
      clients,
      project,
      {
        filter: 'metric.type="run.googleapis.com/request_latencies"',
        interval,
        aggregation: {
          alignmentPeriod: week,
          perSeriesAligner: "ALIGN_DELTA",
          crossSeriesReducer: "REDUCE_SUM",
          groupByFields: BY_REVISION,
        },
      },
      "latencies",
    ),
    projectInstances(clients, project, now),
  ]);
  const revisions = new Map<string, RevisionSignals>();
  const at = (s: Series) => {
    const { service, revision } = labels(s);
    const key = `${service}/${revision}`;
    if (!revisions.has(key))
      revisions.set(key, {
        project,
        service,
        revision,
        memoryP99: null,
        cpuP99: null,
        latencyP95Ms: null,
        meanLatencyMs: null,
      });
    return revisions.get(key)!;
  };
  for (const s of memory) if (s.points?.length) at(s).memoryP99 = value(s.points[0]);
  for (const s of cpu) if (s.points?.length) at(s).cpuP99 = value(s.points[0]);
  for (const s of latency) {
    const d = s.points?.[0]?.value?.distributionValue as WireDistribution | undefined;
    if (!d || !Number(d.count)) continue;
    at(s).meanLatencyMs = Number(d.mean ?? 0);
    at(s).latencyP95Ms = distributionPercentile(d, 95);
  }
  return { revisions: [...revisions.values()], instances };
}

/** The instances of a project's services over the last day (cached 5 minutes): the service page prices idle min instances with it. */
export function projectInstances(
  clients: ObservabilityClients,
  project: string,
  now = new Date(),
): Promise<ServiceInstances[]> {
  return instancesCache.get(`${project}/${slot(now)}`, () => readInstances(clients, project, now));
}

/** Uncached: mean instances per service and state, per hour over the last day (one call). */
export async function readInstances(
  clients: ObservabilityClients,
  project: string,
  now: Date,
): Promise<ServiceInstances[]> {
  const end = Math.ceil(now.getTime() / 1000 / 3600) * 3600;
  // A gauge (the emulator groups its hour rollup in SQL): the last day, which says whether warm instances idle now.
  const instances = await list(
    clients,
    project,
    {
      filter: 'metric.type="run.googleapis.com/container/instance_count"',
      interval: { startTime: { seconds: end - DAY }, endTime: { seconds: end } },
      aggregation: {
        alignmentPeriod: { seconds: 3600 },
        perSeriesAligner: "ALIGN_MEAN",
        crossSeriesReducer: "REDUCE_SUM",
        groupByFields: ["resource.labels.service_name", "metric.labels.state"],
      },
    },
    "instances",
  );
  const byService = new Map<string, { active: number[]; idle: number[] }>();
  for (const s of instances) {
    const service = s.resource?.labels?.service_name ?? "";
    const state = s.metric?.labels?.state === "idle" ? "idle" : "active";
    const entry = byService.get(service) ?? byService.set(service, { active: [], idle: [] }).get(service)!;
    for (const p of s.points ?? []) entry[state].push(value(p));
  }
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  // Active: while there was traffic (hours with an active instance); idle: over every hour an instance existed.
  return [...byService.entries()].map(([service, v]) => ({
    project,
    service,
    activeInstances: mean(v.active.filter((x) => x > 0)),
    idleInstances: mean(v.idle),
  }));
}
