// SYNTHETIC history for the local demo: when traffic is on and no metrics
// exist yet, write two months of plausible aggregates for up to 50 services
// (seeded ones first): requests with a daily cycle at each service's own
// volume (backfill-profiles.ts), ~5 % 404 and ~0.5 % 500, log-normal
// latencies, instance minutes (active and idle instances, alive and busy
// seconds, min instances kept warm) and utilization distributions, each
// against the revision that served then, so a deploy that raised limits shows
// as a jump. Rows are per minute for the last day, per 10 minutes for the week
// before, per hour before that, so the charts have detail where they look and
// the database stays small. One request log entry per service per hour (last
// week). None of it comes from real requests; the entries carry user agent
// "runway-synthetic-backfill".
import type { Db } from "../db";
import { parseCpu, parseGiB } from "../api/monitoring/metrics";
import { dailyCycle, profileOf } from "./backfill-profiles";
import { BUCKETS, bucketIndex } from "./buckets";
import type { InstanceMinute } from "./instances";
import { requestEntry, toRow } from "./ingest";
import { mergeDist, type Dist } from "../api/monitoring/aggregate";
import { refreshServiceDays } from "./day-rollup";
import { HOUR_MS } from "./rollup";
import type { MinuteAgg, TelemetryStore, UtilMinute } from "./store";
import { utilBucketIndex, UTIL_BUCKETS } from "./utilization";

export const HISTORY_DAYS = 62;
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

type Rev = { name: string; created: number; cpu: number; memoryGiB: number; concurrency: number; minInstances: number };

/** The `n` weighted values standing for `count` draws: at most 200 drawn, integer weights summing to count. */
function weighted(count: number, draw: () => number): { v: number; w: number }[] {
  const m = Math.min(count, 200);
  const base = Math.floor(count / m);
  const extra = count - base * m;
  return Array.from({ length: m }, (_, i) => ({ v: draw(), w: base + (i < extra ? 1 : 0) }));
}

function dist(values: { v: number; w: number }[], index: (v: number) => number, size: number) {
  const buckets = new Array(size).fill(0);
  let count = 0,
    sum = 0;
  for (const { v, w } of values) {
    buckets[index(v)] += w;
    count += w;
    sum += v * w;
  }
  const mean = sum / count;
  return {
    count,
    sum,
    ssd: values.reduce((a, { v, w }) => a + w * (v - mean) ** 2, 0),
    min: Math.min(...values.map((x) => x.v)),
    max: Math.max(...values.map((x) => x.v)),
    buckets,
  };
}

export async function backfill(db: Db, store: TelemetryStore, now = Date.now(), services = 50): Promise<number> {
  const { rows: existing } = await db.query("SELECT 1 FROM emu_request_minutes LIMIT 1");
  if (existing.length) return 0;
  const { rows: list } = await db.query<{
    project: string;
    location: string;
    service_id: string;
    host: string;
    data: { trafficStatuses?: { revision?: string; percent?: number }[]; latestReadyRevision?: string };
  }>(
    "SELECT project, location, service_id, host, data FROM run_services WHERE NOT deleted ORDER BY seeded DESC, name LIMIT $1",
    [services],
  );
  let seed = 42;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const end = Math.floor(now / MINUTE) * MINUTE;
  const start = Math.floor((end - HISTORY_DAYS * DAY) / HOUR) * HOUR;
  const draw = (x: number) => Math.floor(x) + (rnd() < x - Math.floor(x) ? 1 : 0);
  let written = 0;
  for (const s of list) {
    const { rows: revRows } = await db.query<{ name: string; create_time: Date; data: Record<string, any> }>(
      "SELECT name, create_time, data FROM run_revisions WHERE service = $1 AND NOT deleted ORDER BY create_time",
      [`projects/${s.project}/locations/${s.location}/services/${s.service_id}`],
    );
    const revs: Rev[] = revRows.map((r) => ({
      name: r.name.split("/").pop()!,
      created: r.create_time.getTime(),
      cpu: parseCpu(r.data.containers?.[0]?.resources?.limits?.cpu),
      memoryGiB: parseGiB(r.data.containers?.[0]?.resources?.limits?.memory),
      concurrency: r.data.maxInstanceRequestConcurrency || 80,
      minInstances: r.data.scaling?.minInstanceCount ?? 0,
    }));
    // The revision with most traffic now serves from its creation on; before it, whichever was newest.
    const main =
      [...(s.data.trafficStatuses ?? [])].sort((a, b) => (b.percent ?? 0) - (a.percent ?? 0))[0]?.revision ??
      s.data.latestReadyRevision?.split("/").pop();
    const last = Math.max(
      0,
      revs.findIndex((r) => r.name === main),
    );
    const serving = (t: number) =>
      revs
        .slice(0, last + 1)
        .filter((r) => r.created <= t)
        .at(-1);
    const p = profileOf(s.service_id);
    const latest = revs[last];
    if (!latest) continue;
    const requests: MinuteAgg[] = [],
      instances: InstanceMinute[] = [],
      utilization: UtilMinute[] = [];
    for (let t = start, step = HOUR, steps = 0; t < end; t += step) {
      step = t >= end - DAY ? MINUTE : t >= end - 8 * DAY ? 10 * MINUTE : HOUR;
      // Let the emulator answer requests meanwhile: generating a service's months takes seconds.
      if (++steps % 250 === 0) await new Promise((resolve) => setImmediate(resolve));
      const rev = serving(t);
      if (!rev) continue;
      const key = { project: s.project, region: s.location, service: s.service_id, revision: rev.name };
      const n = ((p.perHour * step) / HOUR) * dailyCycle(new Date(t).getUTCHours()) * (0.85 + 0.3 * rnd());
      const latency = () => p.latencyMs * Math.exp((rnd() + rnd() + rnd() - 1.5) * 0.8);
      let busy = 0,
        total = 0;
      for (const [code, share] of [
        [200, 0.945],
        [404, 0.05],
        [500, 0.005],
      ] as const) {
        const count = draw(n * share);
        if (!count) continue;
        const d = dist(weighted(count, latency), bucketIndex, BUCKETS);
        requests.push({ ...key, minute: t, code, ...d });
        busy += d.sum / 1000;
        total += count;
      }
      // Instances: a busy minute needs ceil(peak concurrency ÷ 60 % of the limit); a quiet one may have none.
      const perMinute = (total * MINUTE) / step;
      const avg = (perMinute * p.latencyMs) / 1000 / 60;
      const expected =
        perMinute < 3 ? 1 - Math.exp(-perMinute) : Math.ceil((avg + 3 * Math.sqrt(avg)) / (rev.concurrency * 0.6));
      const active = Math.round(expected);
      const idle = Math.max(0, rev.minInstances - active);
      const alive = (Math.max(expected, 0) + idle) * (step / 1000);
      if (alive > 0) {
        instances.push({
          ...key,
          minute: t,
          seen: new Set(Array.from({ length: active + idle }, (_, i) => `i${i}`)),
          active: new Set(Array.from({ length: active }, (_, i) => `i${i}`)),
          aliveS: alive,
          busyS: Math.min(busy, alive),
          startupCount: 0,
          startupSum: 0,
          startupBuckets: new Array(BUCKETS).fill(0),
        });
        // One sample per instance-minute, as Cloud Run samples every 60 s.
        const samples = Math.max(1, Math.round((alive * 1000) / MINUTE));
        const busyShare = Math.min(1, busy / alive);
        const memory = Math.min(1, (p.memory * latest.memoryGiB) / rev.memoryGiB);
        utilization.push({
          ...key,
          container: "",
          minute: t,
          metric: "memory",
          ...dist(
            weighted(samples, () => memory * (0.9 + 0.2 * rnd())),
            utilBucketIndex,
            UTIL_BUCKETS,
          ),
        });
        utilization.push({
          ...key,
          container: "",
          minute: t,
          metric: "cpu",
          ...dist(
            weighted(samples, () => Math.min(1, p.cpu * (0.3 + busyShare) * (0.8 + 0.4 * rnd()))),
            utilBucketIndex,
            UTIL_BUCKETS,
          ),
        });
      }
      if (t % HOUR === 0 && t >= end - 7 * DAY) {
        store.addLog(
          toRow(
            requestEntry({
              type: "request",
              time: new Date(t + 1000),
              ...key,
              instanceId: "synthetic-backfill",
              method: "GET",
              url: "/",
              host: s.host,
              tag: null,
              status: 200,
              latencyMs: p.latencyMs,
              requestBytes: 0,
              responseBytes: 120,
              userAgent: "runway-synthetic-backfill",
              remoteIp: "127.0.0.1",
              trace: `projects/${s.project}/traces/${"0".repeat(16)}${t.toString(16).padStart(16, "0")}`,
              spanId: "1",
            }),
            s.service_id,
            rev.name,
          ),
        );
      }
    }
    await insert(
      db,
      "emu_request_minutes",
      requests.map((x) => [
        x.project,
        x.region,
        x.service,
        x.revision,
        x.minute,
        x.code,
        x.count,
        x.sum,
        x.ssd,
        x.min,
        x.max,
        `{${x.buckets.join(",")}}`,
      ]),
      "p, r, s, v, to_timestamp(m / 1000.0), c, n, su, ss, mi, ma, b::bigint[]",
      ["text", "text", "text", "text", "float8", "int", "bigint", "float8", "float8", "float8", "float8", "text"],
      "p, r, s, v, m, c, n, su, ss, mi, ma, b",
    );
    await insert(
      db,
      "emu_instance_minutes",
      instances.map((x) => [
        x.project,
        x.region,
        x.service,
        x.revision,
        x.minute,
        x.active.size,
        x.seen.size - x.active.size,
        x.aliveS,
        x.busyS,
        0,
        0,
        `{${x.startupBuckets.join(",")}}`,
      ]),
      "p, r, s, v, to_timestamp(m / 1000.0), a, i, al, bu, sc, ss, b::bigint[]",
      ["text", "text", "text", "text", "float8", "int", "int", "float8", "float8", "bigint", "float8", "text"],
      "p, r, s, v, m, a, i, al, bu, sc, ss, b",
    );
    await insert(
      db,
      "emu_utilization_minutes",
      utilization.map((x) => [
        x.project,
        x.region,
        x.service,
        x.revision,
        x.container,
        x.minute,
        x.metric,
        x.count,
        x.sum,
        x.ssd,
        x.min,
        x.max,
        `{${x.buckets.join(",")}}`,
      ]),
      "p, r, s, v, c, to_timestamp(m / 1000.0), k, n, su, ss, mi, ma, b::bigint[]",
      [
        "text",
        "text",
        "text",
        "text",
        "text",
        "float8",
        "text",
        "bigint",
        "float8",
        "float8",
        "float8",
        "float8",
        "text",
      ],
      "p, r, s, v, c, m, k, n, su, ss, mi, ma, b",
    );
    await insertHours(db, requests, instances, utilization);
    await refreshServiceDays(db, s.project, s.service_id);
    written += requests.length + instances.length + utilization.length;
  }
  await store.flush();
  return written;
}

/**
 * The hour rollups of what was just written, computed here rather than by the
 * store's SQL refresh (which recomputes from the rows and is slow for months
 * of them): distributions merge as the parallel-variance formula says,
 * request-based billable seconds add per minute (busy capped at alive).
 */
async function insertHours(
  db: Db,
  requests: MinuteAgg[],
  instances: InstanceMinute[],
  utilization: UtilMinute[],
): Promise<void> {
  const hourOf = (m: number) => Math.floor(m / HOUR_MS) * HOUR_MS;
  const group = <T extends { revision: string; minute: number }>(rows: T[], key: (r: T) => string) => {
    const out = new Map<string, T[]>();
    for (const r of rows)
      (
        out.get(`${r.revision}|${hourOf(r.minute)}|${key(r)}`) ??
        out.set(`${r.revision}|${hourOf(r.minute)}|${key(r)}`, []).get(`${r.revision}|${hourOf(r.minute)}|${key(r)}`)!
      ).push(r);
    return [...out.values()];
  };
  const merged = (rows: Dist[]) =>
    rows
      .map((r) => ({ count: r.count, sum: r.sum, ssd: r.ssd, min: r.min, max: r.max, buckets: r.buckets }))
      .reduce(mergeDist);
  const req = group(requests, (r) => String(r.code)).map((rs) => ({
    ...rs[0],
    minute: hourOf(rs[0].minute),
    ...merged(rs),
  }));
  await insert(
    db,
    "emu_request_hours",
    req.map((x) => [
      x.project,
      x.region,
      x.service,
      x.revision,
      x.minute,
      x.code,
      x.count,
      x.sum,
      x.ssd,
      x.min,
      x.max,
      `{${x.buckets.join(",")}}`,
    ]),
    "p, r, s, v, to_timestamp(m / 1000.0), c, n, su, ss, mi, ma, b::bigint[]",
    ["text", "text", "text", "text", "float8", "int", "bigint", "float8", "float8", "float8", "float8", "text"],
    "p, r, s, v, m, c, n, su, ss, mi, ma, b",
  );
  // The instance-count gauge as the minutes hold it: active and idle (seen but not active) per row.
  const gauge = (rs: InstanceMinute[]) => {
    const active = rs.map((r) => r.active.size),
      idle = rs.map((r) => r.seen.size - r.active.size);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    return [
      rs.length,
      sum(active),
      Math.min(...active),
      Math.max(...active),
      sum(idle),
      Math.min(...idle),
      Math.max(...idle),
    ];
  };
  const inst = group(instances, () => "").map((rs) => ({
    ...rs[0],
    minute: hourOf(rs[0].minute),
    alive: rs.reduce((a, r) => a + r.aliveS, 0),
    busy: rs.reduce((a, r) => a + Math.min(r.busyS, r.aliveS || r.busyS), 0),
    gauge: gauge(rs),
  }));
  await insert(
    db,
    "emu_instance_hours (project, region, service, revision, hour, alive_s, busy_billable_s, startup_count, startup_sum, startup_ssd, startup_buckets, samples, active_sum, active_min, active_max, idle_sum, idle_min, idle_max)",
    inst.map((x) => [
      x.project,
      x.region,
      x.service,
      x.revision,
      x.minute,
      x.alive,
      x.busy,
      0,
      0,
      0,
      `{${new Array(BUCKETS).fill(0).join(",")}}`,
      ...x.gauge,
    ]),
    "p, r, s, v, to_timestamp(m / 1000.0), al, bu, sc, ss, sd, b::bigint[], n, asu, ami, ama, isu, imi, ima",
    [
      "text",
      "text",
      "text",
      "text",
      "float8",
      "float8",
      "float8",
      "bigint",
      "float8",
      "float8",
      "text",
      "int",
      "bigint",
      "int",
      "int",
      "bigint",
      "int",
      "int",
    ],
    "p, r, s, v, m, al, bu, sc, ss, sd, b, n, asu, ami, ama, isu, imi, ima",
  );
  const util = group(utilization, (r) => r.metric).map((rs) => ({
    ...rs[0],
    minute: hourOf(rs[0].minute),
    ...merged(rs),
  }));
  await insert(
    db,
    "emu_utilization_hours",
    util.map((x) => [
      x.project,
      x.region,
      x.service,
      x.revision,
      x.container,
      x.minute,
      x.metric,
      x.count,
      x.sum,
      x.ssd,
      x.min,
      x.max,
      `{${x.buckets.join(",")}}`,
    ]),
    "p, r, s, v, c, to_timestamp(m / 1000.0), k, n, su, ss, mi, ma, b::bigint[]",
    [
      "text",
      "text",
      "text",
      "text",
      "text",
      "float8",
      "text",
      "bigint",
      "float8",
      "float8",
      "float8",
      "float8",
      "text",
    ],
    "p, r, s, v, c, m, k, n, su, ss, mi, ma, b",
  );
}

/** One INSERT per table and service, columns as arrays (bucket arrays travel as array literals: unnest would flatten a 2-D array). */
async function insert(
  db: Db,
  table: string,
  rows: unknown[][],
  select: string,
  types: string[],
  names: string,
): Promise<void> {
  if (!rows.length) return;
  const params = types.map((_, i) => rows.map((r) => r[i]));
  await db.query(
    `INSERT INTO ${table} SELECT ${select} FROM unnest(${types.map((ty, i) => `$${i + 1}::${ty}[]`).join(", ")}) AS x(${names}) ON CONFLICT DO NOTHING`,
    params,
  );
}
