// Cloud Run usage per service and day from Cloud Monitoring: vCPU-seconds,
// GiB-seconds and requests, each one group-by call per project whatever the
// number of services.
import type { protos } from "@google-cloud/monitoring";
import { TtlCache } from "../cache";
import type { ObservabilityClients } from "../gcp/clients";
import { upstreamError } from "../gcp/errors";

export type DailyUsage = {
  project: string;
  service: string;
  day: string;
  vcpuSeconds: number;
  gibSeconds: number;
  requests: number;
};

const METRICS = {
  vcpuSeconds: "run.googleapis.com/container/cpu/allocation_time",
  gibSeconds: "run.googleapis.com/container/memory/allocation_time",
  requests: "run.googleapis.com/request_count",
} as const;
const DAY = 86_400;

/** The UTC days from the 1st of `now`'s month to today, as [start, end] seconds. */
export function monthWindow(now: Date): { start: number; end: number } {
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1) / 1000;
  const end = Math.ceil(now.getTime() / 1000 / DAY) * DAY;
  return { start, end };
}

// Costs move slowly and a month of usage is a heavy query: keep it 5 minutes.
const cache = new TtlCache<DailyUsage[]>(5 * 60_000);

export function monthUsage(clients: ObservabilityClients, project: string, now = new Date()): Promise<DailyUsage[]> {
  const { start, end } = monthWindow(now);
  return cache.get(`${project}/${start}/${Math.floor(now.getTime() / 300_000)}`, () =>
    readMonth(clients, project, start, end),
  );
}

/** Uncached: one group-by call per metric. */
export async function readMonth(
  clients: ObservabilityClients,
  project: string,
  start: number,
  end: number,
): Promise<DailyUsage[]> {
  const rows = new Map<string, DailyUsage>();
  try {
    await Promise.all(
      (Object.keys(METRICS) as (keyof typeof METRICS)[]).map(async (field) => {
        const [series] = await clients.metrics.listTimeSeries(
          {
            name: `projects/${project}`,
            filter: `metric.type="${METRICS[field]}"`,
            interval: { startTime: { seconds: start }, endTime: { seconds: end } },
            aggregation: {
              alignmentPeriod: { seconds: DAY },
              perSeriesAligner: "ALIGN_SUM",
              crossSeriesReducer: "REDUCE_SUM",
              groupByFields: ["resource.labels.service_name"],
            },
            view: "FULL",
          },
          { timeout: 20_000 },
        );
        for (const s of series as protos.google.monitoring.v3.ITimeSeries[]) {
          const service = s.resource?.labels?.service_name ?? "";
          for (const p of s.points ?? []) {
            // A point stamped at a period's end counts for the day that ended.
            const day = new Date((Number(p.interval?.endTime?.seconds ?? 0) - 1) * 1000).toISOString().slice(0, 10);
            const key = `${service}/${day}`;
            if (!rows.has(key)) rows.set(key, { project, service, day, vcpuSeconds: 0, gibSeconds: 0, requests: 0 });
            rows.get(key)![field] += Number(p.value?.doubleValue ?? p.value?.int64Value ?? 0);
          }
        }
      }),
    );
  } catch (err) {
    throw upstreamError(err, "Cloud Monitoring", `reading usage of ${project}`);
  }
  return [...rows.values()].sort((a, b) => a.day.localeCompare(b.day) || a.service.localeCompare(b.service));
}
