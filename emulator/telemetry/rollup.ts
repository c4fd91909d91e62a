// Hourly rollups of the per-minute telemetry (emu_request_minutes,
// emu_instance_minutes, emu_utilization_minutes), so that a month-long ListTimeSeries reads ~30×
// fewer rows. An hour row is always recomputed from its minutes (never
// incremented), so it stays equal to them however often a minute is
// completed: the store refreshes the hours its flush touched (the backfill
// writes its own hours, computed in JS), and a database from before the rollups is filled
// once at startup. The pooled sum of squared deviation is the parallel-variance
// formula over the hour's minutes, as merging them one by one would give.
//
// Instance hours keep both billing bases: alive seconds, and the per-minute
// request-based billable seconds (busy capped at alive), summed per minute
// because min() does not commute with the sum. They also roll up the
// instance-count gauge (active and idle per minute): how many minute rows the
// hour holds and the sum, min and max of each state, which is all ALIGN_MEAN,
// SUM, RATE, MIN and MAX need over whole hours.
import type { Db } from "../db";

export const HOUR_MS = 3_600_000;

/** The instance-count gauge's columns in emu_instance_hours. */
export const GAUGE_COLUMNS = ["samples", "active_sum", "active_min", "active_max", "idle_sum", "idle_min", "idle_max"];

export const ROLLUP_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS emu_request_hours (
     project text NOT NULL, region text NOT NULL, service text NOT NULL, revision text NOT NULL,
     hour timestamptz NOT NULL, response_code int NOT NULL, count bigint NOT NULL,
     lat_sum double precision NOT NULL, lat_ssd double precision NOT NULL, lat_min double precision NOT NULL,
     lat_max double precision NOT NULL, buckets bigint[] NOT NULL,
     PRIMARY KEY (project, service, revision, hour, response_code))`,
  `CREATE INDEX IF NOT EXISTS emu_request_hours_project_hour ON emu_request_hours (project, hour)`,
  `CREATE TABLE IF NOT EXISTS emu_instance_hours (
     project text NOT NULL, region text NOT NULL, service text NOT NULL, revision text NOT NULL, hour timestamptz NOT NULL,
     alive_s double precision NOT NULL, busy_billable_s double precision NOT NULL,
     startup_count bigint NOT NULL, startup_sum double precision NOT NULL, startup_ssd double precision NOT NULL,
     startup_buckets bigint[] NOT NULL,
     PRIMARY KEY (project, service, revision, hour))`,
  // The instance-count gauge's rollup (null in rows from before it: fillMissingRollups recomputes them).
  ...GAUGE_COLUMNS.map(
    (c) => `ALTER TABLE emu_instance_hours ADD COLUMN IF NOT EXISTS ${c} ${c.endsWith("sum") ? "bigint" : "int"}`,
  ),
  `CREATE INDEX IF NOT EXISTS emu_instance_hours_project_hour ON emu_instance_hours (project, hour)`,
  `CREATE TABLE IF NOT EXISTS emu_utilization_hours (
     project text NOT NULL, region text NOT NULL, service text NOT NULL, revision text NOT NULL, container text NOT NULL,
     hour timestamptz NOT NULL, metric text NOT NULL, count bigint NOT NULL, val_sum double precision NOT NULL,
     val_ssd double precision NOT NULL, val_min double precision NOT NULL, val_max double precision NOT NULL, buckets bigint[] NOT NULL,
     PRIMARY KEY (project, service, revision, hour, metric))`,
  `CREATE INDEX IF NOT EXISTS emu_utilization_hours_project_hour ON emu_utilization_hours (project, hour)`,
];

const HOUR_OF = "to_timestamp(floor(extract(epoch FROM minute) / 3600) * 3600)";
const KEY = "project, service, revision, hour";

/** Element-wise sums of the bucket arrays of `m`'s rows, per `keys`. */
const bucketSums = (col: string, keys: string) =>
  `SELECT ${keys}, array_agg(x ORDER BY i) AS buckets FROM (
     SELECT ${keys}, i, sum(x)::bigint AS x FROM m, unnest(m.${col}) WITH ORDINALITY AS u(x, i) GROUP BY ${keys}, i) q
   GROUP BY ${keys}`;

/** A table of per-minute distributions and its hour rollup: one key column besides the revision's, columns carried along, value columns `${p}sum` etc. */
type DistTable = { minutes: string; hours: string; key: string; carried: string[]; p: string };
const REQUESTS: DistTable = {
  minutes: "emu_request_minutes",
  hours: "emu_request_hours",
  key: "response_code",
  carried: ["region"],
  p: "lat_",
};
const UTILIZATION: DistTable = {
  minutes: "emu_utilization_minutes",
  hours: "emu_utilization_hours",
  key: "metric",
  carried: ["region", "container"],
  p: "val_",
};

function distRefresh(t: DistTable, where: string): string {
  const keys = `${KEY}, ${t.key}`;
  const qualified = keys
    .split(", ")
    .map((k) => `m.${k}`)
    .join(", ");
  const { p } = t;
  return `WITH m AS (SELECT *, ${HOUR_OF} AS hour FROM ${t.minutes} WHERE ${where}),
    g AS (SELECT ${keys}, ${t.carried.map((c) => `min(${c}) AS ${c}`).join(", ")}, sum(count)::bigint AS n, sum(${p}sum) AS su, min(${p}min) AS mi, max(${p}max) AS ma FROM m GROUP BY ${keys}),
    s AS (SELECT ${qualified}, sum(m.${p}ssd + m.count * power(m.${p}sum / m.count - g.su / g.n, 2)) AS ssd
          FROM m JOIN g USING (${keys}) GROUP BY ${qualified}),
    b AS (${bucketSums("buckets", keys)})
  INSERT INTO ${t.hours} AS t (${keys}, ${t.carried.join(", ")}, count, ${p}sum, ${p}ssd, ${p}min, ${p}max, buckets)
  SELECT ${keys
    .split(", ")
    .map((k) => `g.${k}`)
    .join(", ")}, ${t.carried.map((c) => `g.${c}`).join(", ")}, g.n, g.su, s.ssd, g.mi, g.ma, b.buckets
  FROM g JOIN s USING (${keys}) JOIN b USING (${keys})
  ON CONFLICT (${keys}) DO UPDATE SET count = excluded.count, ${p}sum = excluded.${p}sum, ${p}ssd = excluded.${p}ssd,
    ${p}min = excluded.${p}min, ${p}max = excluded.${p}max, buckets = excluded.buckets`;
}
const requestRefresh = (where: string) => distRefresh(REQUESTS, where);

function instanceRefresh(where: string): string {
  const qualified = KEY.split(", ")
    .map((k) => `m.${k}`)
    .join(", ");
  return `WITH m AS (SELECT *, ${HOUR_OF} AS hour,
           least(busy_s, CASE WHEN alive_s <> 0 THEN alive_s ELSE busy_s END) AS busy_billable FROM emu_instance_minutes WHERE ${where}),
    g AS (SELECT ${KEY}, min(region) AS region, sum(alive_s) AS alive, sum(busy_billable) AS busy,
            sum(startup_count)::bigint AS sc, sum(startup_sum) AS ss, count(*)::int AS samples,
            sum(active)::bigint AS a_sum, min(active) AS a_min, max(active) AS a_max, sum(idle)::bigint AS i_sum, min(idle) AS i_min, max(idle) AS i_max
          FROM m GROUP BY ${KEY}),
    s AS (SELECT ${qualified}, coalesce(sum(m.startup_count * power(m.startup_sum / m.startup_count - g.ss / g.sc, 2)) FILTER (WHERE m.startup_count > 0), 0) AS ssd
          FROM m JOIN g USING (${KEY}) GROUP BY ${qualified}),
    b AS (${bucketSums("startup_buckets", KEY)})
  INSERT INTO emu_instance_hours AS t (${KEY}, region, alive_s, busy_billable_s, startup_count, startup_sum, startup_ssd, startup_buckets,
    ${GAUGE_COLUMNS.join(", ")})
  SELECT g.project, g.service, g.revision, g.hour, g.region, g.alive, g.busy, g.sc, g.ss, s.ssd, b.buckets,
    g.samples, g.a_sum, g.a_min, g.a_max, g.i_sum, g.i_min, g.i_max
  FROM g JOIN s USING (${KEY}) JOIN b USING (${KEY})
  ON CONFLICT (${KEY}) DO UPDATE SET alive_s = excluded.alive_s, busy_billable_s = excluded.busy_billable_s,
    startup_count = excluded.startup_count, startup_sum = excluded.startup_sum, startup_ssd = excluded.startup_ssd,
    startup_buckets = excluded.startup_buckets, ${GAUGE_COLUMNS.map((c) => `${c} = excluded.${c}`).join(", ")}`;
}

export type HourKey = { project: string; service: string; revision: string; minute: number };

const ONE_HOUR = `project = $1 AND service = $2 AND revision = $3
  AND minute >= to_timestamp($4 / 1000.0) AND minute < to_timestamp($4 / 1000.0) + interval '1 hour'`;

/** Recomputes the hours holding these minutes (one statement per distinct hour and table). */
export async function refreshHours(
  db: Db,
  table: "requests" | "instances" | "utilization",
  minutes: HourKey[],
): Promise<void> {
  const hours = new Map<string, unknown[]>();
  for (const m of minutes) {
    const hour = Math.floor(m.minute / HOUR_MS) * HOUR_MS;
    hours.set(`${m.project}|${m.service}|${m.revision}|${hour}`, [m.project, m.service, m.revision, hour]);
  }
  const sql =
    table === "requests"
      ? requestRefresh(ONE_HOUR)
      : table === "utilization"
        ? distRefresh(UTILIZATION, ONE_HOUR)
        : instanceRefresh(ONE_HOUR);
  for (const params of hours.values()) await db.query(sql, params);
}

/** Fills the rollups from all minutes when they are empty but minutes exist (a database from before them). */
export async function fillMissingRollups(db: Db): Promise<void> {
  for (const [minutes, hours, sql] of [
    ["emu_request_minutes", "emu_request_hours", requestRefresh("true")],
    ["emu_instance_minutes", "emu_instance_hours", instanceRefresh("true")],
    ["emu_utilization_minutes", "emu_utilization_hours", distRefresh(UTILIZATION, "true")],
  ] as const) {
    const { rows } = await db.query(
      `SELECT (SELECT 1 FROM ${minutes} LIMIT 1) AS has_minutes, (SELECT 1 FROM ${hours} LIMIT 1) AS has_hours`,
    );
    if (rows[0].has_minutes && !rows[0].has_hours) await db.query(sql);
  }
  // Instance hours written before the gauge's columns existed.
  const { rows } = await db.query("SELECT 1 FROM emu_instance_hours WHERE samples IS NULL LIMIT 1");
  if (rows.length) await db.query(instanceRefresh("true"));
}

export async function pruneHours(db: Db, metricRetentionDays: number): Promise<void> {
  const cutoff = "to_timestamp(floor(extract(epoch FROM now() - make_interval(days => $1)) / 3600) * 3600)";
  await db.query(`DELETE FROM emu_request_hours WHERE hour < ${cutoff}`, [metricRetentionDays]);
  await db.query(`DELETE FROM emu_instance_hours WHERE hour < ${cutoff}`, [metricRetentionDays]);
  await db.query(`DELETE FROM emu_utilization_hours WHERE hour < ${cutoff}`, [metricRetentionDays]);
}
