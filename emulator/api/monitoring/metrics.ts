// The Cloud Run metrics the emulator serves and how each becomes per-minute
// points: request metrics from emu_request_minutes, instance metrics from
// emu_instance_minutes, utilization distributions (fractions of the limits,
// measured when sampled) from emu_utilization_minutes. Allocation time =
// billable seconds (busy seconds when the revision's cpu_idle is set, i.e.
// request-based billing; alive seconds otherwise) × the first container's
// vCPU or GiB limit, read from the Run API's own revision rows.
import type { Db } from "../../db";
import { bucketBounds } from "../../telemetry/buckets";
import { HOUR_MS } from "../../telemetry/rollup";
import type { Kind, Series, Val, ValueType } from "./aggregate";
import { jobSeries } from "./job-metrics";

type Source = "requests" | "instances" | "jobs" | "utilization";
export type MetricDef = {
  kind: Kind;
  type: ValueType;
  unit: string;
  description: string;
  source: Source;
  labels: string[];
};

const REQ_LABELS = ["response_code", "response_code_class", "route_type"];
export const METRICS: Record<string, MetricDef> = {
  "run.googleapis.com/request_count": {
    kind: "DELTA",
    type: "INT64",
    unit: "1",
    source: "requests",
    labels: REQ_LABELS,
    description: "Number of requests reaching the revision.",
  },
  "run.googleapis.com/request_latencies": {
    kind: "DELTA",
    type: "DISTRIBUTION",
    unit: "ms",
    source: "requests",
    labels: REQ_LABELS,
    description: "Distribution of request latencies in milliseconds.",
  },
  "run.googleapis.com/container/instance_count": {
    kind: "GAUGE",
    type: "INT64",
    unit: "1",
    source: "instances",
    labels: ["state"],
    description: "Number of container instances, by state (active: served requests in the minute).",
  },
  "run.googleapis.com/container/billable_instance_time": {
    kind: "DELTA",
    type: "DOUBLE",
    unit: "s",
    source: "instances",
    labels: [],
    description: "Billable instance time.",
  },
  "run.googleapis.com/container/cpu/allocation_time": {
    kind: "DELTA",
    type: "DOUBLE",
    unit: "s{CPU}",
    source: "instances",
    labels: [],
    description: "Container CPU allocation in vCPU-seconds.",
  },
  "run.googleapis.com/container/memory/allocation_time": {
    kind: "DELTA",
    type: "DOUBLE",
    unit: "GiBy.s",
    source: "instances",
    labels: [],
    description: "Container memory allocation in GiB-seconds.",
  },
  "run.googleapis.com/container/cpu/utilizations": {
    kind: "DELTA",
    type: "DISTRIBUTION",
    unit: "10^2.%",
    source: "utilization",
    labels: ["container_name"],
    description: "Container CPU utilization distribution across all container instances.",
  },
  "run.googleapis.com/container/memory/utilizations": {
    kind: "DELTA",
    type: "DISTRIBUTION",
    unit: "10^2.%",
    source: "utilization",
    labels: ["container_name"],
    description: "Container memory utilization distribution across all container instances.",
  },
  "run.googleapis.com/container/startup_latencies": {
    kind: "DELTA",
    type: "DISTRIBUTION",
    unit: "ms",
    source: "instances",
    labels: [],
    description: "Time from instance start to ready, in milliseconds.",
  },
  // Cloud Run jobs (resource cloud_run_job), computed in job-metrics.ts.
  "run.googleapis.com/job/completed_execution_count": {
    kind: "DELTA",
    type: "INT64",
    unit: "1",
    source: "jobs",
    labels: ["result"],
    description: "Number of completed job executions and their result.",
  },
  "run.googleapis.com/job/completed_task_attempt_count": {
    kind: "DELTA",
    type: "INT64",
    unit: "1",
    source: "jobs",
    labels: ["result"],
    description: "Number of completed task attempts and their result.",
  },
  "run.googleapis.com/job/running_executions": {
    kind: "GAUGE",
    type: "INT64",
    unit: "1",
    source: "jobs",
    labels: [],
    description: "Number of running job executions.",
  },
};

const MINUTE = 60_000;

export function parseCpu(v: string | undefined): number {
  if (!v) return 1;
  return v.endsWith("m") ? Number(v.slice(0, -1)) / 1000 : Number(v) || 1;
}

export function parseGiB(v: string | undefined): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T)?$/.exec(v ?? "512Mi");
  if (!m) return 0.5;
  const mult: Record<string, number> = {
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    K: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return (Number(m[1]) * (mult[m[2] ?? ""] ?? 1)) / 2 ** 30;
}

export const resourceLabels = (project: string, r: { region: string; service: string; revision: string }) => ({
  project_id: project,
  service_name: r.service,
  revision_name: r.revision,
  location: r.region,
  configuration_name: r.service,
});

/** Rows read at one grain: minutes (per-minute tables) or hours (rollups). */
type Grain = { table: "minutes" | "hours"; ms: number };
const MINUTES: Grain = { table: "minutes", ms: MINUTE };
const HOURS: Grain = { table: "hours", ms: HOUR_MS };
type Window = { project: string; fromMs: number; toMs: number; grain: Grain };
// Rows whose period ends in (from, to], written on the bare column so the (project, minute|hour) index serves it.
const where = (w: Window, t = "") => {
  const col = `${t}${w.grain.table === "hours" ? "hour" : "minute"}`;
  const len = w.grain.table === "hours" ? "1 hour" : "1 minute";
  return `${t}project = $1 AND ${col} > to_timestamp($2 / 1000.0) - interval '${len}' AND ${col} <= to_timestamp($3 / 1000.0) - interval '${len}'`;
};
const rowStart = (r: Record<string, unknown>) => ((r.minute ?? r.hour) as Date).getTime();

async function requestSeries(db: Db, def: MetricDef, w: Window, byKey: Map<string, Series>): Promise<void> {
  const at = w.grain.table === "hours" ? "hour" : "minute";
  const { rows } = await db.query(
    `SELECT region, service, revision, ${at}, response_code, count::text${def.type === "DISTRIBUTION" ? ", lat_sum, lat_ssd, lat_min, lat_max, buckets::text[]" : ""}
     FROM emu_request_${w.grain.table} WHERE ${where(w)}`,
    [w.project, w.fromMs, w.toMs],
  );
  for (const r of rows) {
    const code = r.response_code as number;
    const key = `${r.service}|${r.revision}|${code}`;
    let s = byKey.get(key);
    const metric = {
      response_code: String(code),
      response_code_class: `${Math.floor(code / 100)}xx`,
      route_type: "default",
    };
    if (!s)
      byKey.set(
        key,
        (s = { metric, resource: resourceLabels(w.project, r), kind: def.kind, type: def.type, points: [] }),
      );
    const v: Val =
      def.type === "INT64"
        ? { n: Number(r.count) }
        : {
            d: {
              count: Number(r.count),
              sum: r.lat_sum,
              ssd: r.lat_ssd,
              min: r.lat_min,
              max: r.lat_max,
              buckets: (r.buckets as string[]).map(Number),
            },
          };
    const start = rowStart(r);
    s.points.push({ start, end: start + w.grain.ms, v });
  }
}

async function instanceSeries(
  db: Db,
  type: string,
  def: MetricDef,
  w: Window,
  byKey: Map<string, Series>,
): Promise<void> {
  const hours = w.grain.table === "hours";
  const { rows } = await db.query(
    `SELECT m.region, m.service, m.revision, ${
      hours
        ? "m.hour, 0 AS active, 0 AS idle, m.alive_s, m.busy_billable_s, m.startup_ssd"
        : "m.minute, m.active, m.idle, m.alive_s, m.busy_s"
    }, m.startup_count::text, m.startup_sum, m.startup_buckets::text[],
            r.data->'containers'->0->'resources' AS resources
     FROM emu_instance_${w.grain.table} m LEFT JOIN run_revisions r
       ON r.name = 'projects/' || m.project || '/locations/' || m.region || '/services/' || m.service || '/revisions/' || m.revision
     WHERE ${where(w, "m.")}`,
    [w.project, w.fromMs, w.toMs],
  );
  const add = (r: Record<string, unknown>, metric: Record<string, string>, v: Val, gauge: boolean) => {
    const key = `${r.service}|${r.revision}|${JSON.stringify(metric)}`;
    let s = byKey.get(key);
    if (!s)
      byKey.set(
        key,
        (s = {
          metric,
          resource: resourceLabels(w.project, r as { region: string; service: string; revision: string }),
          kind: def.kind,
          type: def.type,
          points: [],
        }),
      );
    const start = rowStart(r);
    s.points.push({ start: gauge ? start + w.grain.ms : start, end: start + w.grain.ms, v });
  };
  for (const r of rows) {
    const res = (r.resources ?? {}) as { limits?: Record<string, string>; cpuIdle?: boolean };
    // Request-based billing: busy seconds capped at alive seconds, per minute (the hour rollup keeps their sum).
    const billable = !res.cpuIdle ? r.alive_s : hours ? r.busy_billable_s : Math.min(r.busy_s, r.alive_s || r.busy_s);
    if (type.endsWith("/instance_count")) {
      add(r, { state: "active" }, { n: r.active }, true);
      add(r, { state: "idle" }, { n: r.idle }, true);
    } else if (type.endsWith("/billable_instance_time")) add(r, {}, { n: billable }, false);
    else if (type.endsWith("/cpu/allocation_time")) add(r, {}, { n: billable * parseCpu(res.limits?.cpu) }, false);
    else if (type.endsWith("/memory/allocation_time"))
      add(r, {}, { n: billable * parseGiB(res.limits?.memory) }, false);
    else if (Number(r.startup_count) > 0) {
      const buckets = (r.startup_buckets as string[]).map(Number);
      const count = Number(r.startup_count);
      // Per-instance values are not kept: range from the occupied buckets; SSD 0 per minute (pooled across an hour's minutes).
      const min = bucketBounds(buckets.findIndex((b) => b > 0))[0];
      const max = bucketBounds(buckets.length - 1 - [...buckets].reverse().findIndex((b) => b > 0))[1];
      add(r, {}, { d: { count, sum: r.startup_sum, ssd: hours ? r.startup_ssd : 0, min, max, buckets } }, false);
    }
  }
}

async function utilizationSeries(
  db: Db,
  type: string,
  def: MetricDef,
  w: Window,
  byKey: Map<string, Series>,
): Promise<void> {
  const at = w.grain.table === "hours" ? "hour" : "minute";
  const { rows } = await db.query(
    `SELECT region, service, revision, container, ${at}, count::text, val_sum, val_ssd, val_min, val_max, buckets::text[]
     FROM emu_utilization_${w.grain.table} WHERE ${where(w)} AND metric = $4`,
    [w.project, w.fromMs, w.toMs, type.includes("/cpu/") ? "cpu" : "memory"],
  );
  for (const r of rows) {
    const key = `${r.service}|${r.revision}`;
    let s = byKey.get(key);
    if (!s)
      byKey.set(
        key,
        (s = {
          metric: { container_name: r.container },
          resource: resourceLabels(w.project, r),
          kind: def.kind,
          type: def.type,
          points: [],
        }),
      );
    const start = rowStart(r);
    const d = {
      count: Number(r.count),
      sum: r.val_sum,
      ssd: r.val_ssd,
      min: r.val_min,
      max: r.val_max,
      buckets: (r.buckets as string[]).map(Number),
      linear: true,
    };
    s.points.push({ start, end: start + w.grain.ms, v: { d } });
  }
}

/** Aligners whose value over a period depends only on the sum of its points (and so may read hour rollups). */
const ADDITIVE = /^ALIGN_(DELTA|SUM|RATE|PERCENTILE_(99|95|50|05))$/;

/**
 * Whether an aligned query may read whole hours from the rollups: an additive
 * aligner, a period of whole hours and an end on the hour (periods are counted
 * back from the end, so no hour then straddles two periods), on a metric that
 * is not a gauge.
 */
export function hourRollupFits(type: string, aligner: string | undefined, periodMs: number, endMs: number): boolean {
  const def = METRICS[type];
  return (
    !!def &&
    def.kind !== "GAUGE" &&
    def.source !== "jobs" &&
    !!aligner &&
    ADDITIVE.test(aligner) &&
    periodMs % HOUR_MS === 0 &&
    endMs % HOUR_MS === 0
  );
}

/**
 * Series of one metric whose points end in (fromMs, toMs], newest first: per
 * minute, or with `hourly` (see hourRollupFits) whole hours from the rollups
 * and the minutes before the first whole hour.
 */
export async function loadSeries(
  db: Db,
  project: string,
  type: string,
  fromMs: number,
  toMs: number,
  hourly = false,
): Promise<Series[]> {
  const def = METRICS[type];
  if (def.source === "jobs")
    return (await jobSeries(db, type, def, project, fromMs, toMs)).map((s) => ({
      ...s,
      points: s.points.sort((a, b) => b.end - a.end),
    }));
  const byKey = new Map<string, Series>();
  const read = (w: Window) =>
    def.source === "requests"
      ? requestSeries(db, def, w, byKey)
      : def.source === "utilization"
        ? utilizationSeries(db, type, def, w, byKey)
        : instanceSeries(db, type, def, w, byKey);
  const firstHour = Math.ceil(fromMs / HOUR_MS) * HOUR_MS;
  if (hourly && firstHour < toMs) {
    if (firstHour > fromMs) await read({ project, fromMs, toMs: firstHour, grain: MINUTES });
    await read({ project, fromMs: firstHour, toMs, grain: HOURS });
  } else await read({ project, fromMs, toMs, grain: MINUTES });
  const series = [...byKey.values()];
  for (const s of series) s.points.sort((a, b) => b.end - a.end);
  return series;
}
