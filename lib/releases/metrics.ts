// What Cloud Monitoring says about the canary and the stable revisions over a
// step so far: two ListTimeSeries calls per check whatever the traffic (request
// counts by revision and response class; p99 latency by revision), each over
// whole Monitoring minutes aligned into one period.
import type { protos } from "@google-cloud/monitoring";
import type { ObservabilityClients } from "../gcp/clients";
import type { RevisionStats } from "./analysis";

type TimeSeries = protos.google.monitoring.v3.ITimeSeries;
const MINUTE_MS = 60_000;
const RUN = "run.googleapis.com";

export type WindowStats = { canary: RevisionStats; stable: RevisionStats; from: Date; upTo: Date };

/** The minutes overlapping (from, upTo]: whole Monitoring points, one aligned period. */
export function minuteWindow(
  from: Date,
  upTo: Date,
): { startSeconds: number; endSeconds: number; periodSeconds: number } {
  const start = Math.floor(from.getTime() / MINUTE_MS) * MINUTE_MS;
  const end = Math.max(start + MINUTE_MS, Math.ceil(upTo.getTime() / MINUTE_MS) * MINUTE_MS);
  return { startSeconds: start / 1000, endSeconds: end / 1000, periodSeconds: (end - start) / 1000 };
}

const number = (p: protos.google.monitoring.v3.IPoint | undefined) =>
  Number(p?.value?.int64Value ?? p?.value?.doubleValue ?? 0);
const revisionOf = (s: TimeSeries) => s.resource?.labels?.revision_name ?? "";

export async function readWindow(
  clients: ObservabilityClients,
  q: { project: string; region: string; service: string; canary: string; stable: string[]; from: Date; upTo: Date },
): Promise<WindowStats> {
  const w = minuteWindow(q.from, q.upTo);
  const base = (metric: string, reducer: string, groupBy: string[]) => ({
    name: `projects/${q.project}`,
    filter: `metric.type="${RUN}/${metric}" AND resource.labels.service_name="${q.service}" AND resource.labels.location="${q.region}"`,
    interval: { startTime: { seconds: w.startSeconds }, endTime: { seconds: w.endSeconds } },
    aggregation: {
      alignmentPeriod: { seconds: w.periodSeconds },
      perSeriesAligner: "ALIGN_DELTA" as const,
      crossSeriesReducer: reducer as "REDUCE_SUM",
      groupByFields: groupBy,
    },
    view: "FULL" as const,
  });
  const [[counts], [latencies]] = await Promise.all([
    clients.metrics.listTimeSeries(
      base("request_count", "REDUCE_SUM", ["resource.labels.revision_name", "metric.labels.response_code_class"]),
      { timeout: 15_000 },
    ),
    clients.metrics.listTimeSeries(
      base("request_latencies", "REDUCE_PERCENTILE_99", ["resource.labels.revision_name"]),
      { timeout: 15_000 },
    ),
  ]);
  const stats = (revisions: string[]): RevisionStats => {
    const mine = counts.filter((s) => revisions.includes(revisionOf(s)));
    const requests = mine.reduce((sum, s) => sum + (s.points ?? []).reduce((a, p) => a + number(p), 0), 0);
    const errors = mine
      .filter((s) => s.metric?.labels?.response_code_class === "5xx")
      .reduce((sum, s) => sum + (s.points ?? []).reduce((a, p) => a + number(p), 0), 0);
    // Several stable revisions: the p99 of the one that served the most.
    const busiest = [...revisions].sort((a, b) => requestsOf(b) - requestsOf(a))[0];
    const p99Series = latencies.find((s) => revisionOf(s) === busiest);
    const p99 = p99Series?.points?.length ? number(p99Series.points[0]) : null;
    return { requests, errors, p99Ms: requests > 0 ? p99 : null };
  };
  const requestsOf = (revision: string) =>
    counts
      .filter((s) => revisionOf(s) === revision)
      .reduce((sum, s) => sum + (s.points ?? []).reduce((a, p) => a + number(p), 0), 0);
  return { canary: stats([q.canary]), stable: stats(q.stable), from: q.from, upTo: q.upTo };
}
