// The Cloud Run metrics the emulator serves and how each becomes per-minute
// points: request metrics from emu_request_minutes, instance metrics from
// emu_instance_minutes. Allocation time = billable seconds (busy seconds when
// the revision's cpu_idle is set, i.e. request-based billing; alive seconds
// otherwise) × the first container's vCPU or GiB limit, read from the Run
// API's own revision rows (the only place the limits live).
import type { Db } from "../../db";
import { bucketBounds } from "../../telemetry/buckets";
import type { Kind, Series, Val, ValueType } from "./aggregate";

type Source = "requests" | "instances";
export type MetricDef = { kind: Kind; type: ValueType; unit: string; description: string; source: Source; labels: string[] };

const REQ_LABELS = ["response_code", "response_code_class", "route_type"];
export const METRICS: Record<string, MetricDef> = {
  "run.googleapis.com/request_count": { kind: "DELTA", type: "INT64", unit: "1", source: "requests", labels: REQ_LABELS, description: "Number of requests reaching the revision." },
  "run.googleapis.com/request_latencies": { kind: "DELTA", type: "DISTRIBUTION", unit: "ms", source: "requests", labels: REQ_LABELS, description: "Distribution of request latencies in milliseconds." },
  "run.googleapis.com/container/instance_count": { kind: "GAUGE", type: "INT64", unit: "1", source: "instances", labels: ["state"], description: "Number of container instances, by state (active: served requests in the minute)." },
  "run.googleapis.com/container/billable_instance_time": { kind: "DELTA", type: "DOUBLE", unit: "s", source: "instances", labels: [], description: "Billable instance time." },
  "run.googleapis.com/container/cpu/allocation_time": { kind: "DELTA", type: "DOUBLE", unit: "s{CPU}", source: "instances", labels: [], description: "Container CPU allocation in vCPU-seconds." },
  "run.googleapis.com/container/memory/allocation_time": { kind: "DELTA", type: "DOUBLE", unit: "GiBy.s", source: "instances", labels: [], description: "Container memory allocation in GiB-seconds." },
  "run.googleapis.com/container/startup_latencies": { kind: "DELTA", type: "DISTRIBUTION", unit: "ms", source: "instances", labels: [], description: "Time from instance start to ready, in milliseconds." },
};

const MINUTE = 60_000;

export function parseCpu(v: string | undefined): number {
  if (!v) return 1;
  return v.endsWith("m") ? Number(v.slice(0, -1)) / 1000 : Number(v) || 1;
}

export function parseGiB(v: string | undefined): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T)?$/.exec(v ?? "512Mi");
  if (!m) return 0.5;
  const mult: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, K: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  return (Number(m[1]) * (mult[m[2] ?? ""] ?? 1)) / 2 ** 30;
}

const resourceLabels = (project: string, r: { region: string; service: string; revision: string }) =>
  ({ project_id: project, service_name: r.service, revision_name: r.revision, location: r.region, configuration_name: r.service });

type Window = { project: string; fromMs: number; toMs: number };
const where = (t = "") => `${t}project = $1 AND ${t}minute + interval '1 minute' > to_timestamp($2 / 1000.0) AND ${t}minute + interval '1 minute' <= to_timestamp($3 / 1000.0)`;

async function requestSeries(db: Db, def: MetricDef, w: Window): Promise<Series[]> {
  const { rows } = await db.query(
    `SELECT region, service, revision, minute, response_code, count::text, lat_sum, lat_ssd, lat_min, lat_max, buckets::text[] FROM emu_request_minutes WHERE ${where()}`,
    [w.project, w.fromMs, w.toMs]);
  const byKey = new Map<string, Series>();
  for (const r of rows) {
    const code = r.response_code as number;
    const key = `${r.service}|${r.revision}|${code}`;
    let s = byKey.get(key);
    const metric = { response_code: String(code), response_code_class: `${Math.floor(code / 100)}xx`, route_type: "default" };
    if (!s) byKey.set(key, (s = { metric, resource: resourceLabels(w.project, r), kind: def.kind, type: def.type, points: [] }));
    const v: Val = def.type === "INT64" ? { n: Number(r.count) }
      : { d: { count: Number(r.count), sum: r.lat_sum, ssd: r.lat_ssd, min: r.lat_min, max: r.lat_max, buckets: (r.buckets as string[]).map(Number) } };
    const start = (r.minute as Date).getTime();
    s.points.push({ start, end: start + MINUTE, v });
  }
  return [...byKey.values()];
}

async function instanceSeries(db: Db, type: string, def: MetricDef, w: Window): Promise<Series[]> {
  const { rows } = await db.query(
    `SELECT m.region, m.service, m.revision, m.minute, m.active, m.idle, m.alive_s, m.busy_s, m.startup_count::text, m.startup_sum, m.startup_buckets::text[],
            r.data->'containers'->0->'resources' AS resources
     FROM emu_instance_minutes m LEFT JOIN run_revisions r
       ON r.name = 'projects/' || m.project || '/locations/' || m.region || '/services/' || m.service || '/revisions/' || m.revision
     WHERE ${where("m.")}`,
    [w.project, w.fromMs, w.toMs]);
  const byKey = new Map<string, Series>();
  const add = (r: Record<string, unknown>, metric: Record<string, string>, v: Val, gauge: boolean) => {
    const key = `${r.service}|${r.revision}|${JSON.stringify(metric)}`;
    let s = byKey.get(key);
    if (!s) byKey.set(key, (s = { metric, resource: resourceLabels(w.project, r as { region: string; service: string; revision: string }), kind: def.kind, type: def.type, points: [] }));
    const start = (r.minute as Date).getTime();
    s.points.push({ start: gauge ? start + MINUTE : start, end: start + MINUTE, v });
  };
  for (const r of rows) {
    const res = (r.resources ?? {}) as { limits?: Record<string, string>; cpuIdle?: boolean };
    const billable = res.cpuIdle ? Math.min(r.busy_s, r.alive_s || r.busy_s) : r.alive_s;
    if (type.endsWith("/instance_count")) {
      add(r, { state: "active" }, { n: r.active }, true);
      add(r, { state: "idle" }, { n: r.idle }, true);
    } else if (type.endsWith("/billable_instance_time")) add(r, {}, { n: billable }, false);
    else if (type.endsWith("/cpu/allocation_time")) add(r, {}, { n: billable * parseCpu(res.limits?.cpu) }, false);
    else if (type.endsWith("/memory/allocation_time")) add(r, {}, { n: billable * parseGiB(res.limits?.memory) }, false);
    else if (Number(r.startup_count) > 0) {
      const buckets = (r.startup_buckets as string[]).map(Number);
      const count = Number(r.startup_count);
      // Per-instance values are not kept: range from the occupied buckets, SSD 0.
      const min = bucketBounds(buckets.findIndex((b) => b > 0))[0];
      const max = bucketBounds(buckets.length - 1 - [...buckets].reverse().findIndex((b) => b > 0))[1];
      add(r, {}, { d: { count, sum: r.startup_sum, ssd: 0, min, max, buckets } }, false);
    }
  }
  return [...byKey.values()];
}

/** Per-minute series of one metric whose minute ends in (fromMs, toMs]; points newest first. */
export async function loadSeries(db: Db, project: string, type: string, fromMs: number, toMs: number): Promise<Series[]> {
  const def = METRICS[type];
  const w = { project, fromMs, toMs };
  const series = def.source === "requests" ? await requestSeries(db, def, w) : await instanceSeries(db, type, def, w);
  for (const s of series) s.points.sort((a, b) => b.end - a.end);
  return series;
}
