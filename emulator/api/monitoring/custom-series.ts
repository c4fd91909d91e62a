// CreateTimeSeries for custom metrics and reading the written points back.
// Google's rules: at most 200 series per call, exactly one point per series,
// every label of the metric and the monitored resource given, the point's
// value type that of the descriptor (which the first write creates), an end
// time at most 25 h old and 5 min ahead, points in order and at most one per
// 5 s per series. Valid series are written even when others fail; the call
// then answers INVALID_ARGUMENT naming each failed series, as Google does.
import type { PoolClient } from "pg";
import type { Db } from "../../db";
import { inTransaction } from "../../db";
import { ApiError, invalid } from "../../grpc/errors";
import type { Kind, Series, Val } from "./aggregate";
import {
  addLabels,
  autoCreate,
  checkCustomType,
  checkKindAndType,
  readDescriptor,
  type Descriptor,
} from "./descriptors";
import { resourceType, RESOURCE_TYPES } from "./resources";
import { tsMs } from "./time";

type Json = Record<string, unknown>;

const MAX_SERIES = 200;
const MAX_AGE_MS = 25 * 3600_000;
const MAX_AHEAD_MS = 5 * 60_000;
const MIN_SAMPLE_MS = 5_000;
const VALUE_FIELDS: Record<string, string> = {
  boolValue: "BOOL",
  int64Value: "INT64",
  doubleValue: "DOUBLE",
  stringValue: "STRING",
  distributionValue: "DISTRIBUTION",
};
const unset = (v: unknown) =>
  v === undefined || v === null || v === "" || v === "METRIC_KIND_UNSPECIFIED" || v === "VALUE_TYPE_UNSPECIFIED";
const sorted = (o: Record<string, string>) =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

export async function createTimeSeries(db: Db, project: string, series: Json[]): Promise<void> {
  if (!series.length) throw invalid("time_series: at least one time series is required");
  if (series.length > MAX_SERIES)
    throw invalid(`time_series: at most ${MAX_SERIES} time series per request, got ${series.length}`);
  const now = Date.now();
  const errors: string[] = [];
  await inTransaction(db, async (c) => {
    // One writer per project at a time: the order and rate checks read the last point.
    await c.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`emu_custom_points:${project}`]);
    const seen = new Set<string>();
    for (const [i, s] of series.entries()) {
      try {
        await writeOne(c, project, s, now, seen);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        errors.push(`timeSeries[${i}]: ${err.message}`);
      }
    }
  });
  if (errors.length) throw invalid(`One or more TimeSeries could not be written: ${errors.join("; ")}`);
}

async function writeOne(c: PoolClient, project: string, s: Json, now: number, seen: Set<string>): Promise<void> {
  const metric = (s.metric ?? {}) as Json;
  const type = String(metric.type ?? "");
  checkCustomType(type, "metric.type");
  const metricLabels = { ...((metric.labels ?? {}) as Record<string, string>) };

  const resource = (s.resource ?? {}) as Json;
  const rType = String(resource.type ?? "");
  const rt = resourceType(rType);
  if (!rt) throw invalid(`resource.type "${rType}" is not a known monitored resource type`);
  const writable = RESOURCE_TYPES.filter((r) => r.customWritable).map((r) => r.type);
  if (!rt.customWritable)
    throw invalid(`resource.type "${rType}" does not accept custom metrics; use one of ${writable.join(", ")}`);
  const resourceLabels = { ...((resource.labels ?? {}) as Record<string, string>) };
  resourceLabels.project_id ||= project;
  for (const k of Object.keys(resourceLabels))
    if (!rt.labels.some(([key]) => key === k)) throw invalid(`resource.labels: "${k}" is not a label of ${rType}`);
  for (const [k] of rt.labels)
    if (!resourceLabels[k]) throw invalid(`resource.labels: "${k}" is required for ${rType}`);

  const points = (s.points as Json[] | undefined) ?? [];
  if (points.length !== 1)
    throw invalid(`points: exactly one point is required per time series in a Create request, got ${points.length}`);
  const interval = (points[0].interval ?? {}) as Json;
  const endMs = tsMs(interval.endTime as Json);
  if (endMs === undefined) throw invalid("points[0].interval.end_time is required");
  if (endMs > now + MAX_AHEAD_MS) throw invalid("points[0].interval.end_time is more than 5 minutes in the future");
  if (endMs < now - MAX_AGE_MS) throw invalid("points[0].interval.end_time is more than 25 hours in the past");
  const value = (points[0].value ?? {}) as Json;
  const field = Object.keys(VALUE_FIELDS).find((f) => value[f] !== undefined && value[f] !== null);
  if (!field) throw invalid("points[0].value is required");
  const valueType = VALUE_FIELDS[field];

  let d: (Descriptor & { auto?: boolean }) | undefined = await readDescriptor(c, project, type);
  const kindAsked = unset(s.metricKind) ? undefined : String(s.metricKind);
  const typeAsked = unset(s.valueType) ? undefined : String(s.valueType);
  if (typeAsked && typeAsked !== valueType)
    throw invalid(`value_type ${typeAsked} does not match the point's value (${valueType})`);
  if (!d) {
    const kind = kindAsked ?? "GAUGE";
    checkKindAndType(kind, valueType, "time_series");
    d = await autoCreate(c, project, type, kind as Kind, valueType, String(s.unit ?? ""), Object.keys(metricLabels));
  } else {
    if (kindAsked && kindAsked !== d.metricKind)
      throw invalid(`metric_kind ${kindAsked} does not match the metric descriptor's ${d.metricKind}`);
    if (valueType !== d.valueType)
      throw invalid(`Value type for metric ${type} must be ${d.valueType}, but is ${valueType}.`);
    const unknown = Object.keys(metricLabels).filter((k) => !d!.labels.some((l) => l.key === k));
    if (unknown.length && !d.auto)
      throw invalid(
        `metric.labels: ${unknown.map((k) => `"${k}"`).join(", ")} not declared by the metric descriptor of ${type}`,
      );
    if (unknown.length) await addLabels(c, project, d, unknown);
  }

  let startMs = tsMs(interval.startTime as Json);
  if (d.metricKind === "GAUGE") {
    if (startMs !== undefined && startMs !== endMs)
      throw invalid("points[0].interval: the start time of a GAUGE point must equal its end time (or be unset)");
    startMs = endMs;
  } else if (startMs === undefined || startMs >= endMs) {
    throw invalid("points[0].interval: a CUMULATIVE point needs a start time before its end time");
  }

  const key = JSON.stringify([rType, sorted(resourceLabels), sorted(metricLabels)]);
  if (seen.has(`${type} ${key}`))
    throw invalid("Duplicate TimeSeries encountered. Only one point can be written per TimeSeries per request.");
  seen.add(`${type} ${key}`);
  const { rows } = await c.query<{ last: Date | null }>(
    "SELECT max(end_time) AS last FROM emu_custom_points WHERE project = $1 AND type = $2 AND series = $3",
    [project, type, key],
  );
  const last = rows[0].last?.getTime();
  if (last !== undefined && endMs <= last)
    throw invalid(
      "Points must be written in order. One or more of the points specified had an older start time than the most recent point.",
    );
  if (last !== undefined && endMs - last < MIN_SAMPLE_MS)
    throw invalid(
      "One or more points were written more frequently than the maximum sampling period configured for the metric.",
    );
  await c.query(
    `INSERT INTO emu_custom_points (project, type, series, resource_type, metric_labels, resource_labels, start_time, end_time, value)
     VALUES ($1, $2, $3, $4, $5, $6, to_timestamp($7 / 1000.0), to_timestamp($8 / 1000.0), $9)`,
    [
      project,
      type,
      key,
      rType,
      JSON.stringify(metricLabels),
      JSON.stringify(resourceLabels),
      startMs,
      endMs,
      JSON.stringify({ [field]: value[field] }),
    ],
  );
}

function toVal(value: Json): Val {
  if (value.int64Value !== undefined) return { n: Number(value.int64Value) };
  if (value.doubleValue !== undefined) return { n: Number(value.doubleValue) };
  if (value.boolValue !== undefined) return { n: value.boolValue ? 1 : 0 };
  return { raw: value };
}

/** A custom metric's series with points whose end lies in (fromMs, toMs] ([toMs, toMs] for an instant); newest first. */
export async function loadCustomSeries(
  db: Db,
  project: string,
  d: Descriptor,
  fromMs: number,
  toMs: number,
): Promise<Series[]> {
  const { rows } = await db.query<{
    series: string;
    resource_type: string;
    metric_labels: Record<string, string>;
    resource_labels: Record<string, string>;
    start_time: Date;
    end_time: Date;
    value: Json;
  }>(
    `SELECT series, resource_type, metric_labels, resource_labels, start_time, end_time, value FROM emu_custom_points
     WHERE project = $1 AND type = $2 AND end_time ${fromMs === toMs ? ">=" : ">"} to_timestamp($3 / 1000.0) AND end_time <= to_timestamp($4 / 1000.0)
     ORDER BY end_time DESC`,
    [project, d.type, fromMs, toMs],
  );
  const bySeries = new Map<string, Series>();
  for (const r of rows) {
    let s = bySeries.get(r.series);
    if (!s)
      bySeries.set(
        r.series,
        (s = {
          metric: r.metric_labels,
          resource: r.resource_labels,
          resourceType: r.resource_type,
          kind: d.metricKind,
          type: d.valueType,
          points: [],
        }),
      );
    s.points.push({ start: r.start_time.getTime(), end: r.end_time.getTime(), v: toVal(r.value) });
  }
  return [...bySeries.values()];
}
