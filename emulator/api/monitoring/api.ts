// google.monitoring.v3.MetricService/ListTimeSeries (+ metric descriptors)
// for Cloud Run's request metrics, read from the per-minute aggregates.
// Data is visible as soon as it is flushed (≤ 250 ms; Google lags ≤ 3 min).
import type { Db } from "../../db";
import { invalid, notFound } from "../../grpc/errors";
import { readPage, pageOf } from "../../grpc/paging";
import type { Handler } from "../../grpc/server";
import { FINITE, GROWTH, SCALE } from "../../telemetry/buckets";
import type { TelemetryStore } from "../../telemetry/store";
import { align, reduce, type Point, type Series, type Val } from "./aggregate";
import { parseMetricFilter, termMatches } from "./filter";

type Json = Record<string, unknown>;

const METRICS: Record<string, { kind: "DELTA"; type: "INT64" | "DISTRIBUTION"; unit: string; description: string }> = {
  "run.googleapis.com/request_count": { kind: "DELTA", type: "INT64", unit: "1", description: "Number of requests reaching the revision." },
  "run.googleapis.com/request_latencies": { kind: "DELTA", type: "DISTRIBUTION", unit: "ms", description: "Distribution of request latencies in milliseconds." },
};
const METRIC_LABELS = ["response_code", "response_code_class", "route_type"];

type MinuteRow = {
  region: string; service: string; revision: string; minute: Date; response_code: number; count: string;
  lat_sum: number; lat_ssd: number; lat_min: number; lat_max: number; buckets: string[];
};

const ts = (ms: number) => ({ seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 });
const tsMs = (t: Json | undefined) => (t && (t.seconds !== undefined || t.nanos !== undefined) ? Number(t.seconds ?? 0) * 1000 + Math.floor(Number(t.nanos ?? 0) / 1e6) : undefined);
const durMs = (d: Json | undefined) => (d ? Number(d.seconds ?? 0) * 1000 + Math.floor(Number(d.nanos ?? 0) / 1e6) : 0);

function typedValue(v: Val, type: string): Json {
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

async function loadSeries(db: Db, project: string, metricType: string, startMs: number, endMs: number, lookbackMs: number): Promise<Series[]> {
  const def = METRICS[metricType];
  const { rows } = await db.query<MinuteRow>(
    `SELECT region, service, revision, minute, response_code, count::text, lat_sum, lat_ssd, lat_min, lat_max, buckets::text[]
     FROM emu_request_minutes WHERE project = $1 AND minute + interval '1 minute' > to_timestamp($2 / 1000.0) AND minute + interval '1 minute' <= to_timestamp($3 / 1000.0)`,
    [project, startMs - lookbackMs, endMs],
  );
  const byKey = new Map<string, Series>();
  for (const r of rows) {
    const code = r.response_code;
    const metric = { response_code: String(code), response_code_class: `${Math.floor(code / 100)}xx`, route_type: "default" };
    const resource = { project_id: project, service_name: r.service, revision_name: r.revision, location: r.region, configuration_name: r.service };
    const key = `${r.service}|${r.revision}|${code}`;
    let s = byKey.get(key);
    if (!s) byKey.set(key, (s = { metric, resource, kind: "DELTA", type: def.type, points: [] }));
    const start = r.minute.getTime();
    const v: Val = def.type === "INT64" ? { n: Number(r.count) }
      : { d: { count: Number(r.count), sum: r.lat_sum, ssd: r.lat_ssd, min: r.lat_min, max: r.lat_max, buckets: r.buckets.map(Number) } };
    s.points.push({ start, end: start + 60_000, v });
  }
  for (const s of byKey.values()) s.points.sort((a, b) => b.end - a.end);
  return [...byKey.values()];
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
    await store.flush();

    const def = METRICS[filter.metricType];
    let series: Series[] = [];
    if (def) {
      // An aligned period may start before start_time; read its minutes too.
      series = (await loadSeries(db, project, filter.metricType, startMs, endMs, aligner ? periodMs : 0)).filter((s) =>
        filter.terms.every((t) => {
          if (t.field === "resource.type") return termMatches(t, "cloud_run_revision");
          const m = /^(metric|resource)\.labels\.(.+)$/.exec(t.field)!;
          return termMatches(t, (m[1] === "metric" ? s.metric : s.resource)[m[2]]);
        }),
      );
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
      displayName: type.split("/").pop(), labels: METRIC_LABELS.map((key) => ({ key, valueType: "STRING" })),
      monitoredResourceTypes: ["cloud_run_revision"], launchStage: "GA",
    };
  };

  return {
    ListTimeSeries: listTimeSeries,
    ListMetricDescriptors: async (req: Json) => {
      const project = /^projects\/([^/]+)$/.exec(String(req.name ?? ""))?.[1];
      if (!project) throw invalid(`name: expected projects/{project}, got "${req.name ?? ""}"`);
      return { metricDescriptors: Object.keys(METRICS).map((t) => descriptor(project, t)), nextPageToken: "" };
    },
    GetMetricDescriptor: async (req: Json) => {
      const m = /^projects\/([^/]+)\/metricDescriptors\/(.+)$/.exec(String(req.name ?? ""));
      if (!m || !METRICS[m[2]]) throw notFound(`Could not find descriptor for metric '${m?.[2] ?? req.name}'.`);
      return descriptor(m[1], m[2]);
    },
  };
}
