// Aligned reads grouped in PostgreSQL. When a query's periods are whole hours
// ending on the hour (so no hour straddles two periods) and its aligner only
// needs per-period sums — or, for the instance-count gauge, per-period sums,
// counts, minima and maxima — the rollups are grouped per series and period
// in SQL (bucket arrays summed element by element there too): the day rollups
// for every UTC day lying wholly inside one period, the hour rollups for the
// rest. One row per series and period reaches JS instead of one per hour (or
// per minute for the gauge). Each period's single point then goes through
// align() as before: a sum aligns to itself, a rate divides it by the period,
// a percentile reads the merged distribution, a mean of the gauge is its sum
// over its minute count. The answers are the ones align() gives over the
// minutes (aligned.test.ts).
import type { Db } from "../../db";
import { bucketBounds, BUCKETS } from "../../telemetry/buckets";
import { DAY_MS } from "../../telemetry/day-rollup";
import { HOUR_MS } from "../../telemetry/rollup";
import { UTIL_BUCKETS } from "../../telemetry/utilization";
import type { Dist, Point, Series, Val } from "./aggregate";
import { hourRollupFits, METRICS, parseCpu, parseGiB, resourceLabels, type MetricDef } from "./metrics";

/** Aligners of a gauge that whole hours' sum, minute count, minimum and maximum answer. */
const GAUGE_ALIGNERS = /^ALIGN_(MEAN|SUM|RATE|MIN|MAX)$/;

/** Whether loadAligned answers this query (else the per-minute or per-hour points are aligned in JS). */
export function sqlAlignmentFits(type: string, aligner: string | undefined, periodMs: number, endMs: number): boolean {
  const def = METRICS[type];
  if (!def || !aligner || def.source === "jobs") return false;
  if (def.kind === "GAUGE") return GAUGE_ALIGNERS.test(aligner) && periodMs % HOUR_MS === 0 && endMs % HOUR_MS === 0;
  return hourRollupFits(type, aligner, periodMs, endMs);
}

/** days: the UTC days read from the day rollups (each lies wholly inside one period); hours: [from, to) intervals read from the hour rollups. */
type Window = {
  project: string;
  endMs: number;
  periodMs: number;
  hours: { from: string[]; to: string[] };
  days: string[];
};
type Row = Record<string, any>;

// The rows of `table` (request, instance or utilization): the chosen days' and the hours in the intervals
// between them; len = what each row covers, k = the period (counted back from the end) holding it.
// Each interval's bounds as its own condition, so each is an index range on (project, hour).
const source = (
  table: string,
  intervals: number,
) => `(SELECT *, ${HOUR_MS} AS len FROM emu_${table}_hours WHERE project = $1 AND (${
  Array.from(
    { length: intervals },
    (_, i) => `(hour >= ($4::timestamptz[])[${i + 1}] AND hour < ($5::timestamptz[])[${i + 1}])`,
  ).join(" OR ") ||
  "false AND $4::timestamptz[] = $5::timestamptz[]" /* no interval: the parameters typed all the same */
})
  UNION ALL SELECT *, ${DAY_MS} AS len FROM emu_${table}_days WHERE project = $1 AND hour = ANY($6::timestamptz[]))`;
const PERIOD = `(($2::bigint - (extract(epoch FROM hour) * 1000)::bigint - len) / $3::bigint)::int AS k`;
const params = (w: Window, ...more: unknown[]) => [
  w.project,
  w.endMs,
  w.periodMs,
  w.hours.from,
  w.hours.to,
  w.days,
  ...more,
];

/**
 * One distribution per group and period: counts, sums, min and max add up,
 * bucket arrays element by element, the sum of squared deviation pools as the
 * parallel-variance formula does (mergeDist's, over all rows at once); it is
 * left 0 where the aligner reads only a percentile (withSsd false).
 */
function distSql(
  table: "request" | "instance" | "utilization",
  keys: string[],
  p: { count: string; sum: string; ssd: string; min?: string; max?: string; buckets: string },
  size: number,
  where: string,
  withSsd: boolean,
  intervals: number,
  carried: string[] = [],
) {
  const group = [...keys, "k"].join(", ");
  const bucketSums = Array.from({ length: size }, (_, i) => `sum(${p.buckets}[${i + 1}])`).join(", ");
  return `WITH h AS (SELECT *, ${PERIOD} FROM ${source(table, intervals)} r WHERE true ${where}),
    g AS (SELECT ${group}, ${carried.map((c) => `min(${c}) AS ${c}, `).join("")}sum(${p.count})::bigint AS n, sum(${p.sum}) AS su,
            ${p.min ? `min(${p.min})` : "0"} AS mi, ${p.max ? `max(${p.max})` : "0"} AS ma, ARRAY[${bucketSums}]::bigint[]::text[] AS buckets
          FROM h GROUP BY ${group})${
            withSsd
              ? `,
    s AS (SELECT ${keys.map((k) => `h.${k}`).join(", ")}, h.k, sum(h.${p.ssd} + h.${p.count} * power(h.${p.sum} / h.${p.count} - g.su / g.n, 2)) AS ssd
          FROM h JOIN g USING (${group}) GROUP BY ${keys.map((k) => `h.${k}`).join(", ")}, h.k)`
              : ""
          }
  SELECT g.*, ${withSsd ? "s.ssd" : "0::float8 AS ssd"} FROM g ${withSsd ? `JOIN s USING (${group})` : ""} ORDER BY ${group}`;
}

const toDist = (r: Row, linear = false): Dist => ({
  count: Number(r.n),
  sum: r.su,
  ssd: r.ssd,
  min: r.mi,
  max: r.ma,
  buckets: (r.buckets as string[]).map(Number),
  ...(linear ? { linear: true } : {}),
});

class Collector {
  readonly byKey = new Map<string, Series>();
  constructor(
    private readonly def: MetricDef,
    private readonly w: Window,
  ) {}
  add(r: Row, extraKey: string, metric: Record<string, string>, v: Val) {
    const key = `${r.service}|${r.revision}|${extraKey}`;
    let s = this.byKey.get(key);
    if (!s)
      this.byKey.set(
        key,
        (s = {
          metric,
          resource: resourceLabels(this.w.project, r as { region: string; service: string; revision: string }),
          kind: this.def.kind,
          type: this.def.type,
          points: [],
        }),
      );
    const end = this.w.endMs - r.k * this.w.periodMs;
    const point: Point = { start: this.def.kind === "GAUGE" ? end : end - this.w.periodMs, end, v };
    s.points.push(point);
  }
}

async function requests(db: Db, def: MetricDef, w: Window, withSsd: boolean, out: Collector) {
  const keys = ["region", "service", "revision", "response_code"];
  const sql =
    def.type === "DISTRIBUTION"
      ? distSql(
          "request",
          keys,
          { count: "count", sum: "lat_sum", ssd: "lat_ssd", min: "lat_min", max: "lat_max", buckets: "buckets" },
          BUCKETS,
          "",
          withSsd,
          w.hours.from.length,
        )
      : `SELECT ${keys.join(", ")}, k, sum(count)::text AS n FROM (SELECT *, ${PERIOD} FROM ${source("request", w.hours.from.length)} r) h GROUP BY ${keys.join(", ")}, k ORDER BY ${keys.join(", ")}, k`;
  const { rows } = await db.query(sql, params(w));
  for (const r of rows) {
    const code = r.response_code as number;
    const metric = {
      response_code: String(code),
      response_code_class: `${Math.floor(code / 100)}xx`,
      route_type: "default",
    };
    out.add(r, String(code), metric, def.type === "DISTRIBUTION" ? { d: toDist(r) } : { n: Number(r.n) });
  }
}

async function utilization(db: Db, type: string, w: Window, withSsd: boolean, out: Collector) {
  const sql = distSql(
    "utilization",
    ["region", "service", "revision"],
    { count: "count", sum: "val_sum", ssd: "val_ssd", min: "val_min", max: "val_max", buckets: "buckets" },
    UTIL_BUCKETS,
    "AND metric = $7",
    withSsd,
    w.hours.from.length,
    ["container"],
  );
  const { rows } = await db.query(sql, params(w, type.includes("/cpu/") ? "cpu" : "memory"));
  for (const r of rows) out.add(r, "", { container_name: r.container }, { d: toDist(r, true) });
}

async function instances(db: Db, type: string, w: Window, aligner: string, out: Collector) {
  const withSsd = !aligner.startsWith("ALIGN_PERCENTILE");
  const keys = "region, service, revision";
  if (type.endsWith("/instance_count")) {
    const { rows } = await db.query(
      `SELECT ${keys}, k, sum(samples)::text AS n, sum(active_sum)::text AS a_sum, min(active_min) AS a_min, max(active_max) AS a_max,
              sum(idle_sum)::text AS i_sum, min(idle_min) AS i_min, max(idle_max) AS i_max
       FROM (SELECT *, ${PERIOD} FROM ${source("instance", w.hours.from.length)} r) h GROUP BY ${keys}, k ORDER BY ${keys}, k`,
      params(w),
    );
    for (const r of rows) {
      for (const [state, p] of [
        ["active", "a_"],
        ["idle", "i_"],
      ] as const) {
        // One value standing for the period's minutes under this aligner (align() then keeps it as it is).
        const n =
          aligner === "ALIGN_MEAN"
            ? Number(r[`${p}sum`]) / Number(r.n)
            : aligner === "ALIGN_MIN"
              ? r[`${p}min`]
              : aligner === "ALIGN_MAX"
                ? r[`${p}max`]
                : Number(r[`${p}sum`]);
        out.add(r, state, { state }, { n });
      }
    }
    return;
  }
  if (type.endsWith("/startup_latencies")) {
    const sql = distSql(
      "instance",
      ["region", "service", "revision"],
      { count: "startup_count", sum: "startup_sum", ssd: "startup_ssd", buckets: "startup_buckets" },
      BUCKETS,
      "AND startup_count > 0",
      withSsd,
      w.hours.from.length,
    );
    const { rows } = await db.query(sql, params(w));
    for (const r of rows) {
      const d = toDist(r);
      // As per hour: the range from the occupied buckets.
      d.min = bucketBounds(d.buckets.findIndex((b) => b > 0))[0];
      d.max = bucketBounds(d.buckets.length - 1 - [...d.buckets].reverse().findIndex((b) => b > 0))[1];
      out.add(r, "", {}, { d });
    }
    return;
  }
  const { rows } = await db.query(
    `SELECT g.*, r.data->'containers'->0->'resources' AS resources FROM (
       SELECT ${keys}, k, sum(alive_s) AS alive, sum(busy_billable_s) AS busy FROM (SELECT *, ${PERIOD} FROM ${source("instance", w.hours.from.length)} r) h GROUP BY ${keys}, k) g
     LEFT JOIN run_revisions r ON r.name = 'projects/' || $1 || '/locations/' || g.region || '/services/' || g.service || '/revisions/' || g.revision
     ORDER BY ${keys}, k`,
    params(w),
  );
  for (const r of rows) {
    const res = (r.resources ?? {}) as { limits?: Record<string, string>; cpuIdle?: boolean };
    const billable = res.cpuIdle ? r.busy : r.alive;
    const n = type.endsWith("/billable_instance_time")
      ? billable
      : type.endsWith("/cpu/allocation_time")
        ? billable * parseCpu(res.limits?.cpu)
        : billable * parseGiB(res.limits?.memory);
    out.add(r, "", {}, { n });
  }
}

/**
 * The series of a built-in metric for which sqlAlignmentFits holds, with one
 * point per period (newest first) that align(…, aligner, periodMs, startMs,
 * endMs) turns into the answer it gives over the per-minute points.
 */
export async function loadAligned(
  db: Db,
  project: string,
  type: string,
  aligner: string,
  periodMs: number,
  startMs: number,
  endMs: number,
): Promise<Series[]> {
  const def = METRICS[type];
  const periods = Math.max(1, Math.ceil((endMs - startMs) / periodMs));
  const lowMs = endMs - periods * periodMs;
  // A day stands for its hours when all of them fall in one period; the other hours are read as hours.
  const days: string[] = [];
  const hours = { from: [] as string[], to: [] as string[] };
  let from = lowMs;
  for (let d = Math.ceil(lowMs / DAY_MS) * DAY_MS; d + DAY_MS <= endMs; d += DAY_MS) {
    if (Math.floor((endMs - d - HOUR_MS) / periodMs) !== Math.floor((endMs - d - DAY_MS) / periodMs)) continue;
    days.push(new Date(d).toISOString());
    if (from < d) {
      hours.from.push(new Date(from).toISOString());
      hours.to.push(new Date(d).toISOString());
    }
    from = d + DAY_MS;
  }
  if (from < endMs) {
    hours.from.push(new Date(from).toISOString());
    hours.to.push(new Date(endMs).toISOString());
  }
  const w: Window = { project, endMs, periodMs, hours, days };
  const out = new Collector(def, w);
  // A percentile reads buckets, count, min and max only: the pooled SSD is not worked out for it.
  const withSsd = !aligner.startsWith("ALIGN_PERCENTILE");
  if (def.source === "requests") await requests(db, def, w, withSsd, out);
  else if (def.source === "utilization") await utilization(db, type, w, withSsd, out);
  else await instances(db, type, w, aligner, out);
  const series = [...out.byKey.values()];
  for (const s of series) s.points.sort((a, b) => b.end - a.end);
  return series;
}
