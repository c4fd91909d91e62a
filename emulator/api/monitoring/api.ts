// google.monitoring.v3.MetricService/ListTimeSeries (+ metric descriptors)
// for Cloud Run's request and instance metrics (metrics.ts), read from the
// per-minute aggregates.
// Data is visible as soon as it is flushed (≤ 250 ms; Google lags ≤ 3 min).
import type { Db } from "../../db";
import { invalid, notFound } from "../../grpc/errors";
import { readPage, pageOf } from "../../grpc/paging";
import type { Handler } from "../../grpc/server";
import { FINITE, GROWTH, SCALE } from "../../telemetry/buckets";
import type { TelemetryStore } from "../../telemetry/store";
import { align, reduce, type Point, type Series, type Val } from "./aggregate";
import { loadSeries, METRICS } from "./metrics";
import { evaluate, parseExpr, parseMetricFilter, seriesFields } from "./filter";

type Json = Record<string, unknown>;

const ts = (ms: number) => ({ seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 });
const tsMs = (t: Json | undefined) => (t && (t.seconds !== undefined || t.nanos !== undefined) ? Number(t.seconds ?? 0) * 1000 + Math.floor(Number(t.nanos ?? 0) / 1e6) : undefined);
const durMs = (d: Json | undefined) => (d ? Number(d.seconds ?? 0) * 1000 + Math.floor(Number(d.nanos ?? 0) / 1e6) : 0);

function typedValue(v: Val, type: string): Json {
  if ("raw" in v) return v.raw;
  if ("d" in v) {
    const d = v.d;
    let last = d.buckets.length;
    while (last > 0 && !d.buckets[last - 1]) last--;
    return {
      distributionValue: {
        count: String(d.count), mean: d.count ? d.sum / d.count : 0, sumOfSquaredDeviation: d.ssd,
        ...(d.count ? { range: { min: d.min, max: d.max } } : {}),
        bucketOptions: { exponentialBuckets: { numFiniteBuckets: FINITE, growthFactor: GROWTH, scale: SCALE } },
        bucketCounts: d.buckets.slice(0, last).map(String),
      },
    };
  }
  return type === "INT64" ? { int64Value: String(Math.round(v.n)) } : { doubleValue: v.n };
}

const isUnset = (v: unknown) => v === undefined || v === null || v === "" || v === "ALIGN_NONE" || v === "REDUCE_NONE";

export function createMonitoringApi(db: Db, store: TelemetryStore): Record<string, Handler> {
  async function listTimeSeries(req: Json): Promise<Json> {
    const project = /^projects\/([^/]+)$/.exec(String(req.name ?? ""))?.[1];
    if (!project) throw invalid(`name: expected projects/{project}, got "${req.name ?? ""}"`);
    const filter = parseMetricFilter(String(req.filter ?? ""));
    if (req.orderBy) throw invalid("order_by must be empty");
    if (req.secondaryAggregation && Object.keys(req.secondaryAggregation as object).length) throw invalid("secondary_aggregation is not supported by the emulator");
    const interval = (req.interval ?? {}) as Json;
    const endMs = tsMs(interval.endTime as Json);
    if (endMs === undefined) throw invalid("interval.end_time is required");
    const startMs = tsMs(interval.startTime as Json) ?? endMs;
    if (startMs > endMs) throw invalid("interval.start_time must not be after end_time");
    const agg = (req.aggregation ?? {}) as Json;
    const aligner = isUnset(agg.perSeriesAligner) ? undefined : String(agg.perSeriesAligner);
    const reducer = isUnset(agg.crossSeriesReducer) ? undefined : String(agg.crossSeriesReducer);
    const periodMs = durMs(agg.alignmentPeriod as Json);
    if (reducer && !aligner) throw invalid("cross_series_reducer requires a per_series_aligner other than ALIGN_NONE");
    if (aligner && periodMs < 60_000) throw invalid("aggregation.alignment_period must be at least 60 seconds");
    const page = readPage(req.pageSize as number, req.pageToken as string, 100_000, 100_000);
    await store.flush(true);

    const def = METRICS[filter.metricType];
    let series: Series[] = [];
    if (def) {
      // An aligned period may start before start_time; read its minutes too.
      series = (await loadSeries(db, project, filter.metricType, startMs - (aligner ? periodMs : 0), endMs)).filter((s) =>
        evaluate(filter.expr, seriesFields(filter.metricType, "cloud_run_revision", s.metric, s.resource)));
      if (aligner) series = align(series, aligner, periodMs, startMs, endMs);
      if (reducer) series = reduce(series, reducer, (agg.groupByFields as string[]) ?? []);
      series = series.filter((s) => s.points.length);
    }
    series.sort((a, b) => JSON.stringify([a.resource, a.metric]).localeCompare(JSON.stringify([b.resource, b.metric])));
    const headersOnly = req.view === "HEADERS";
    const { items, nextPageToken } = pageOf(series.slice(page.offset, page.offset + page.limit + 1), page);
    return {
      timeSeries: items.map((s) => ({
        metric: { type: filter.metricType, labels: s.metric },
        resource: { type: "cloud_run_revision", labels: s.resource },
        metricKind: s.kind, valueType: s.type, unit: def.unit,
        points: headersOnly ? [] : s.points.map((p: Point) => ({ interval: { startTime: ts(p.start), endTime: ts(p.end) }, value: typedValue(p.v, s.type) })),
      })),
      nextPageToken, executionErrors: [], unit: def?.unit ?? "",
    };
  }

  const descriptor = (project: string, type: string) => {
    const d = METRICS[type];
    return {
      name: `projects/${project}/metricDescriptors/${type}`, type, metricKind: d.kind, valueType: d.type, unit: d.unit, description: d.description,
      displayName: type.split("/").pop(), labels: d.labels.map((key) => ({ key, valueType: "STRING" })),
      monitoredResourceTypes: ["cloud_run_revision"], launchStage: "GA",
    };
  };

  return {
    ListTimeSeries: listTimeSeries,
    ListMetricDescriptors: async (req: Json) => {
      const project = /^projects\/([^/]+)$/.exec(String(req.name ?? ""))?.[1];
      if (!project) throw invalid(`name: expected projects/{project}, got "${req.name ?? ""}"`);
      const filter = parseExpr(String(req.filter ?? ""));
      const types = Object.keys(METRICS).filter((t) => evaluate(filter, (f) => {
        if (f === "metric.type") return t;
        throw invalid(`Invalid filter: only metric.type can be used here, not ${f}`);
      }));
      return { metricDescriptors: types.map((t) => descriptor(project, t)), nextPageToken: "" };
    },
    GetMetricDescriptor: async (req: Json) => {
      const m = /^projects\/([^/]+)\/metricDescriptors\/(.+)$/.exec(String(req.name ?? ""));
      if (!m || !METRICS[m[2]]) throw notFound(`Could not find descriptor for metric '${m?.[2] ?? req.name}'.`);
      return descriptor(m[1], m[2]);
    },
  };
}
