// Daily rollups of the hour rollups (emu_request_days, emu_instance_days,
// emu_utilization_days), so that a two-month read by day, or a week read as
// one period, groups ~24× fewer rows (aligned.ts uses a day wherever it lies
// wholly inside one aligned period, and the hours elsewhere). A day table has
// its hour table's columns; `hour` holds the day's first hour (UTC midnight).
// As with the hours, a day is always recomputed from its hours (never
// incremented): the store refreshes the days its flush touched after their
// hours, the backfill refreshes each service's days once its hours are
// written, and a database from before the days is filled once at startup.
// Distributions pool as the parallel-variance formula says.
import type { Db } from "../db";
import { BUCKETS } from "./buckets";
import { GAUGE_COLUMNS, HOUR_MS } from "./rollup";
import { UTIL_BUCKETS } from "./utilization";

export const DAY_MS = 24 * HOUR_MS;

export const DAY_ROLLUP_SCHEMA = ["request", "instance", "utilization"].map(
  (t) => `CREATE TABLE IF NOT EXISTS emu_${t}_days (LIKE emu_${t}_hours INCLUDING ALL)`,
);

const DAY_OF = `to_timestamp(floor(extract(epoch FROM hour) / 86400) * 86400)`;
const KEY = ["project", "service", "revision", "hour"];
const sums = (col: string, size: number) =>
  `ARRAY[${Array.from({ length: size }, (_, i) => `sum(${col}[${i + 1}])`).join(", ")}]::bigint[]`;
const excludedAll = (cols: string[]) => cols.map((c) => `${c} = excluded.${c}`).join(", ");

type DistTable = { name: string; key: string; carried: string[]; p: string; size: number };
const REQUESTS: DistTable = { name: "request", key: "response_code", carried: ["region"], p: "lat_", size: BUCKETS };
const UTILIZATION: DistTable = {
  name: "utilization",
  key: "metric",
  carried: ["region", "container"],
  p: "val_",
  size: UTIL_BUCKETS,
};

function distDays(t: DistTable, where: string): string {
  const keys = [...KEY, t.key];
  const { p } = t;
  const values = ["count", `${p}sum`, `${p}ssd`, `${p}min`, `${p}max`, "buckets"];
  return `WITH m AS (SELECT * FROM emu_${t.name}_hours WHERE ${where}),
    g AS (SELECT ${keys.map((k) => (k === "hour" ? `${DAY_OF} AS hour` : k)).join(", ")}, ${t.carried.map((c) => `min(${c}) AS ${c}`).join(", ")},
            sum(count)::bigint AS n, sum(${p}sum) AS su, min(${p}min) AS mi, max(${p}max) AS ma, ${sums("buckets", t.size)} AS b
          FROM m GROUP BY ${keys.map((k) => (k === "hour" ? DAY_OF : k)).join(", ")}),
    s AS (SELECT g.${keys.join(", g.")}, sum(m.${p}ssd + m.count * power(m.${p}sum / m.count - g.su / g.n, 2)) AS ssd
          FROM m JOIN g ON ${keys.map((k) => (k === "hour" ? `${DAY_OF.replace("hour", "m.hour")} = g.hour` : `m.${k} = g.${k}`)).join(" AND ")}
          GROUP BY g.${keys.join(", g.")})
  INSERT INTO emu_${t.name}_days AS t (${keys.join(", ")}, ${t.carried.join(", ")}, ${values.join(", ")})
  SELECT g.${keys.join(", g.")}, ${t.carried.map((c) => `g.${c}`).join(", ")}, g.n, g.su, s.ssd, g.mi, g.ma, g.b
  FROM g JOIN s USING (${keys.join(", ")})
  ON CONFLICT (${keys.join(", ")}) DO UPDATE SET ${excludedAll(values)}`;
}

function instanceDays(where: string): string {
  const values = [
    "alive_s",
    "busy_billable_s",
    "startup_count",
    "startup_sum",
    "startup_ssd",
    "startup_buckets",
    ...GAUGE_COLUMNS,
  ];
  return `WITH m AS (SELECT * FROM emu_instance_hours WHERE ${where}),
    g AS (SELECT project, service, revision, ${DAY_OF} AS hour, min(region) AS region, sum(alive_s) AS alive_s, sum(busy_billable_s) AS busy_billable_s,
            sum(startup_count)::bigint AS sc, sum(startup_sum) AS ss, ${sums("startup_buckets", BUCKETS)} AS sb,
            sum(samples)::int AS samples, sum(active_sum)::bigint AS active_sum, min(active_min) AS active_min, max(active_max) AS active_max,
            sum(idle_sum)::bigint AS idle_sum, min(idle_min) AS idle_min, max(idle_max) AS idle_max
          FROM m GROUP BY project, service, revision, ${DAY_OF}),
    s AS (SELECT g.project, g.service, g.revision, g.hour,
            coalesce(sum(m.startup_ssd + m.startup_count * power(m.startup_sum / m.startup_count - g.ss / g.sc, 2)) FILTER (WHERE m.startup_count > 0), 0) AS ssd
          FROM m JOIN g ON m.project = g.project AND m.service = g.service AND m.revision = g.revision AND ${DAY_OF.replace("hour", "m.hour")} = g.hour
          GROUP BY g.project, g.service, g.revision, g.hour)
  INSERT INTO emu_instance_days AS t (${KEY.join(", ")}, region, ${values.join(", ")})
  SELECT g.project, g.service, g.revision, g.hour, g.region, g.alive_s, g.busy_billable_s, g.sc, g.ss, s.ssd, g.sb, ${GAUGE_COLUMNS.map((c) => `g.${c}`).join(", ")}
  FROM g JOIN s USING (${KEY.join(", ")})
  ON CONFLICT (${KEY.join(", ")}) DO UPDATE SET ${excludedAll(values)}`;
}

const refresh = (table: "requests" | "instances" | "utilization", where: string) =>
  table === "requests"
    ? distDays(REQUESTS, where)
    : table === "utilization"
      ? distDays(UTILIZATION, where)
      : instanceDays(where);

const ONE_DAY = `project = $1 AND service = $2 AND revision = $3
  AND hour >= to_timestamp($4 / 1000.0) AND hour < to_timestamp($4 / 1000.0) + interval '1 day'`;

/** Recomputes the days holding these minutes from their (already refreshed) hours. */
export async function refreshDays(
  db: Db,
  table: "requests" | "instances" | "utilization",
  minutes: { project: string; service: string; revision: string; minute: number }[],
): Promise<void> {
  const days = new Map<string, unknown[]>();
  for (const m of minutes) {
    const day = Math.floor(m.minute / DAY_MS) * DAY_MS;
    days.set(`${m.project}|${m.service}|${m.revision}|${day}`, [m.project, m.service, m.revision, day]);
  }
  for (const params of days.values()) await db.query(refresh(table, ONE_DAY), params);
}

/** Recomputes every day of one service (the backfill, once it has written the service's hours). */
export async function refreshServiceDays(db: Db, project: string, service: string): Promise<void> {
  for (const table of ["requests", "instances", "utilization"] as const)
    await db.query(refresh(table, "project = $1 AND service = $2"), [project, service]);
}

/** Fills the days from all hours when they are empty but hours exist (a database from before them). */
export async function fillMissingDays(db: Db): Promise<void> {
  for (const [name, table] of [
    ["request", "requests"],
    ["instance", "instances"],
    ["utilization", "utilization"],
  ] as const) {
    const { rows } = await db.query(
      `SELECT (SELECT 1 FROM emu_${name}_hours LIMIT 1) AS has_hours, (SELECT 1 FROM emu_${name}_days LIMIT 1) AS has_days`,
    );
    if (rows[0].has_hours && !rows[0].has_days) await db.query(refresh(table, "true"));
  }
}

/** Drops the days that began before the hour cutoff (they no longer have all their hours). */
export async function pruneDays(db: Db, metricRetentionDays: number): Promise<void> {
  const cutoff = "to_timestamp(floor(extract(epoch FROM now() - make_interval(days => $1)) / 3600) * 3600)";
  for (const name of ["request", "instance", "utilization"])
    await db.query(`DELETE FROM emu_${name}_days WHERE hour < ${cutoff}`, [metricRetentionDays]);
}
