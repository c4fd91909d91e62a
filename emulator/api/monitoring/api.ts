// google.monitoring.v3.MetricService: ListTimeSeries over Cloud Run's request
// and instance metrics (metrics.ts, read from the per-minute aggregates) and
// over custom metrics (custom-series.ts); metric descriptors, built in and
// custom (descriptors.ts); CreateTimeSeries; monitored resource descriptors
// (resources.ts).
// Data is visible as soon as it is flushed (≤ 250 ms; Google lags ≤ 3 min).
import type { Db } from "../../db";
import { invalid, notFound } from "../../grpc/errors";
import { readPage, pageOf } from "../../grpc/paging";
import type { Handler } from "../../grpc/server";
import { FINITE, GROWTH, SCALE } from "../../telemetry/buckets";
import { UTIL_FINITE, UTIL_WIDTH } from "../../telemetry/utilization";
import type { TelemetryStore } from "../../telemetry/store";
import type { Point, Val } from "./aggregate";
import { createTimeSeries } from "./custom-series";
import {
  builtinDescriptor,
  createDescriptor,
  deleteDescriptor,
  descriptorName,
  listCustomDescriptors,
  projectOf,
} from "./descriptors";
import { evaluate, parseExpr, parseMetricFilter, type Expr } from "./filter";
import { METRICS } from "./metrics";
import { resourceDescriptor, resourceType, RESOURCE_TYPES } from "./resources";
import { durMs, ts, tsMs } from "./time";
import { UPTIME_METRICS, uptimeDescriptor } from "./alerting/uptime-metrics";
import { findDescriptorIn, querySeries } from "./query";
import { parseSloSelector, sloTimeSeries } from "./alerting/slo-series";

type Json = Record<string, unknown>;

function typedValue(v: Val, type: string): Json {
  if ("raw" in v) return v.raw;
  if ("d" in v) {
    const d = v.d;
    let last = d.buckets.length;
    while (last > 0 && !d.buckets[last - 1]) last--;
    return {
      distributionValue: {
        count: String(d.count),
        mean: d.count ? d.sum / d.count : 0,
        sumOfSquaredDeviation: d.ssd,
        ...(d.count ? { range: { min: d.min, max: d.max } } : {}),
        bucketOptions: d.linear
          ? { linearBuckets: { numFiniteBuckets: UTIL_FINITE, width: UTIL_WIDTH, offset: 0 } }
          : { exponentialBuckets: { numFiniteBuckets: FINITE, growthFactor: GROWTH, scale: SCALE } },
        bucketCounts: d.buckets.slice(0, last).map(String),
      },
    };
  }
  if (type === "BOOL") return { boolValue: v.n !== 0 };
  return type === "INT64" ? { int64Value: String(Math.round(v.n)) } : { doubleValue: v.n };
}

const isUnset = (v: unknown) => v === undefined || v === null || v === "" || v === "ALIGN_NONE" || v === "REDUCE_NONE";

/** A filter over descriptors may name only the descriptor's type field. */
function descriptorFilter(src: string, field: string): Expr | null {
  const expr = parseExpr(src);
  const check = (e: Expr): void => {
    if (e.k === "term") {
      if (e.t.field !== field) throw invalid(`Invalid filter: only ${field} can be used here, not ${e.t.field}`);
    } else if (e.k === "not") check(e.x);
    else e.items.forEach(check);
  };
  if (expr) check(expr);
  return expr;
}

export function createMonitoringApi(db: Db, store: TelemetryStore): Record<string, Handler> {
  const findDescriptor = (project: string, type: string) => findDescriptorIn(db, project, type);

  async function listTimeSeries(req: Json): Promise<Json> {
    const project = projectOf(req.name);
    const slo = parseSloSelector(String(req.filter ?? ""));
    const filter = slo ? undefined : parseMetricFilter(String(req.filter ?? ""));
    if (req.orderBy) throw invalid("order_by must be empty");
    if (req.secondaryAggregation && Object.keys(req.secondaryAggregation as object).length)
      throw invalid("secondary_aggregation is not supported by the emulator");
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
    if (slo || !filter)
      return {
        timeSeries: await sloTimeSeries(db, store, project, slo!, startMs, endMs, aligner ? periodMs : 0),
        nextPageToken: "",
        executionErrors: [],
        unit: "10^2.%",
      };
    const { def, series } = await querySeries(db, store, project, filter, startMs, endMs, {
      aligner,
      reducer,
      periodMs,
      groupByFields: (agg.groupByFields as string[]) ?? [],
    });
    series.sort((a, b) =>
      JSON.stringify([a.resourceType, a.resource, a.metric]).localeCompare(
        JSON.stringify([b.resourceType, b.resource, b.metric]),
      ),
    );
    const headersOnly = req.view === "HEADERS";
    const { items, nextPageToken } = pageOf(series.slice(page.offset, page.offset + page.limit + 1), page);
    return {
      timeSeries: items.map((s) => ({
        metric: { type: filter.metricType, labels: s.metric },
        resource: { type: s.resourceType ?? "cloud_run_revision", labels: s.resource },
        metricKind: s.kind,
        valueType: s.type,
        unit: def!.unit,
        points: headersOnly
          ? []
          : s.points.map((p: Point) => ({
              interval: { startTime: ts(p.start), endTime: ts(p.end) },
              value: typedValue(p.v, s.type),
            })),
      })),
      nextPageToken,
      executionErrors: [],
      unit: def?.unit ?? "",
    };
  }

  return {
    ListTimeSeries: listTimeSeries,
    CreateTimeSeries: async (req: Json) => {
      await createTimeSeries(db, projectOf(req.name), (req.timeSeries as Json[]) ?? []);
      return {};
    },
    ListMetricDescriptors: async (req: Json) => {
      const project = projectOf(req.name);
      const filter = descriptorFilter(String(req.filter ?? ""), "metric.type");
      const all = [
        ...Object.keys(METRICS).map((t) => builtinDescriptor(project, t)),
        ...Object.keys(UPTIME_METRICS).map((t) => uptimeDescriptor(project, t)),
        ...(await listCustomDescriptors(db, project)),
      ].filter((d) => evaluate(filter, (f) => (f === "metric.type" ? d.type : undefined)));
      const page = readPage(req.pageSize as number, req.pageToken as string, 1000, 10_000);
      const { items, nextPageToken } = pageOf(all.slice(page.offset, page.offset + page.limit + 1), page);
      return { metricDescriptors: items, nextPageToken };
    },
    GetMetricDescriptor: async (req: Json) => {
      const { project, type } = descriptorName(req.name);
      const d = await findDescriptor(project, type);
      if (!d) throw notFound(`Could not find descriptor for metric '${type}'.`);
      return d;
    },
    CreateMetricDescriptor: async (req: Json) =>
      createDescriptor(db, projectOf(req.name), (req.metricDescriptor ?? {}) as Json),
    DeleteMetricDescriptor: async (req: Json) => {
      const { project, type } = descriptorName(req.name);
      await deleteDescriptor(db, project, type);
      return {};
    },
    ListMonitoredResourceDescriptors: async (req: Json) => {
      const project = projectOf(req.name);
      const filter = descriptorFilter(String(req.filter ?? ""), "resource.type");
      const all = RESOURCE_TYPES.filter((r) =>
        evaluate(filter, (f) => (f === "resource.type" ? r.type : undefined)),
      ).map((r) => resourceDescriptor(project, r));
      const page = readPage(req.pageSize as number, req.pageToken as string, 1000, 10_000);
      const { items, nextPageToken } = pageOf(all.slice(page.offset, page.offset + page.limit + 1), page);
      return { resourceDescriptors: items, nextPageToken };
    },
    GetMonitoredResourceDescriptor: async (req: Json) => {
      const m = /^projects\/([^/]+)\/monitoredResourceDescriptors\/([^/]+)$/.exec(String(req.name ?? ""));
      if (!m)
        throw invalid(
          `name: expected projects/{project}/monitoredResourceDescriptors/{resource_type}, got "${req.name ?? ""}"`,
        );
      const r = resourceType(m[2]);
      if (!r) throw notFound(`The monitored resource descriptor '${m[2]}' does not exist.`);
      return resourceDescriptor(m[1], r);
    },
  };
}
