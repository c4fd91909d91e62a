// SYNTHETIC history for the local demo: when traffic is on and no metrics
// exist yet, write 7 days of plausible aggregates (one row per service per
// minute for the last day, so the hour and 6-hour charts have every minute,
// and per 10 minutes before it), with a day/night swing, ~5% 404 and ~0.5% 500, latencies
// around 40 ms) and one request log entry per service per hour, so the
// dashboards have a past. None of it comes from real requests; the entries
// carry user agent "runway-synthetic-backfill".
import type { Db } from "../db";
import { BUCKETS, bucketIndex } from "./buckets";
import { requestEntry, toRow } from "./ingest";
import { refreshServiceRequestHours, refreshServiceUtilizationHours } from "./rollup";
import type { MinuteAgg, TelemetryStore, UtilMinute } from "./store";
import { utilBucketIndex, UTIL_BUCKETS } from "./utilization";

const DAYS = 7;
const COARSE_MS = 10 * 60_000;
const MINUTE_MS = 60_000;
/** Requests per 10 minutes at the daily average. */
const PER_10_MIN = 20;

function latencies(n: number, rnd: () => number): number[] {
  return Array.from({ length: n }, () => 40 * Math.exp((rnd() + rnd() + rnd() - 1.5) * 0.8));
}

export async function backfill(db: Db, store: TelemetryStore): Promise<number> {
  const { rows: existing } = await db.query("SELECT 1 FROM emu_request_minutes LIMIT 1");
  if (existing.length) return 0;
  const { rows: services } = await db.query<{ project: string; location: string; service_id: string; host: string; data: { latestReadyRevision?: string } }>(
    "SELECT project, location, service_id, host, data FROM run_services WHERE NOT deleted ORDER BY name LIMIT 50");
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const now = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS;
  const start = Math.floor((now - DAYS * 86_400_000) / COARSE_MS) * COARSE_MS;
  const fineFrom = now - 86_400_000;
  // Whole counts that keep the expected value of a fractional one.
  const draw = (x: number) => Math.floor(x) + (rnd() < x - Math.floor(x) ? 1 : 0);
  let written = 0;
  for (const s of services) {
    const revision = s.data.latestReadyRevision?.split("/").pop();
    if (!revision) continue;
    const key = { project: s.project, region: s.location, service: s.service_id, revision };
    const batch: MinuteAgg[] = [];
    const utilization: UtilMinute[] = [];
    // Each service holds its own share of its memory limit; CPU follows the load.
    const memoryBase = 0.12 + 0.3 * rnd();
    for (let t = start, step = COARSE_MS; t < now; t += step) {
      step = t >= fineFrom ? MINUTE_MS : COARSE_MS;
      const scale = step / COARSE_MS;
      const hour = new Date(t).getUTCHours();
      const n = PER_10_MIN * scale * (0.6 + 0.4 * Math.sin(((hour - 8) / 24) * 2 * Math.PI)) * (0.8 + 0.4 * rnd());
      for (const [code, share] of [[200, 0.945], [404, 0.05], [500, 0.005]] as const) {
        const count = draw(n * share) + (code === 500 && rnd() < 0.03 * scale ? 2 : 0);
        if (!count) continue;
        const lat = latencies(count, rnd);
        const buckets = new Array(BUCKETS).fill(0);
        for (const l of lat) buckets[bucketIndex(l)]++;
        const sum = lat.reduce((a, b) => a + b, 0);
        const mean = sum / count;
        batch.push({ ...key, minute: t, code, count, sum, ssd: lat.reduce((a, b) => a + (b - mean) ** 2, 0),
          min: Math.min(...lat), max: Math.max(...lat), buckets });
      }
      // One sample per instance-minute, as Cloud Run samples every 60 s.
      utilization.push(utilizationMinute({ ...key, container: "", minute: t }, "memory", step / MINUTE_MS, () => memoryBase * (0.9 + 0.2 * rnd())));
      utilization.push(utilizationMinute({ ...key, container: "", minute: t }, "cpu", step / MINUTE_MS, () => Math.min(1, (n / scale / PER_10_MIN) * 0.05 * (0.5 + rnd()))));
      if (t % 3_600_000 === 0) {
        store.addLog(toRow(requestEntry({
          type: "request", time: new Date(t + 1000), ...key, instanceId: "synthetic-backfill", method: "GET", url: "/", host: s.host,
          tag: null, status: 200, latencyMs: 40, requestBytes: 0, responseBytes: 120, userAgent: "runway-synthetic-backfill",
          remoteIp: "127.0.0.1", trace: `projects/${s.project}/traces/${"0".repeat(16)}${t.toString(16).padStart(16, "0")}`, spanId: "1",
        }), s.service_id, revision));
      }
    }
    await insertMinutes(db, batch);
    await insertUtilizationMinutes(db, utilization);
    await refreshServiceRequestHours(db, s.project, s.service_id);
    await refreshServiceUtilizationHours(db, s.project, s.service_id);
    written += batch.length + utilization.length;
  }
  await store.flush();
  return written;
}

/** A minute's distribution of `samples` utilization values drawn by `draw`. */
function utilizationMinute(key: Omit<UtilMinute, "metric" | "count" | "sum" | "ssd" | "min" | "max" | "buckets">, metric: "cpu" | "memory", samples: number, draw: () => number): UtilMinute {
  const values = Array.from({ length: samples }, draw);
  const buckets = new Array(UTIL_BUCKETS).fill(0);
  for (const v of values) buckets[utilBucketIndex(v)]++;
  const sum = values.reduce((a, b) => a + b, 0);
  const mean = sum / samples;
  return { ...key, metric, count: samples, sum, ssd: values.reduce((a, b) => a + (b - mean) ** 2, 0), min: Math.min(...values), max: Math.max(...values), buckets };
}

async function insertUtilizationMinutes(db: Db, rows: UtilMinute[]): Promise<void> {
  await db.query(
    `INSERT INTO emu_utilization_minutes
     SELECT p, r, s, v, c, to_timestamp(m / 1000.0), k, n, su, ss, mi, ma, b::bigint[]
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::text[], $8::bigint[], $9::float8[], $10::float8[], $11::float8[], $12::float8[], $13::text[])
       AS x(p, r, s, v, c, m, k, n, su, ss, mi, ma, b)
     ON CONFLICT DO NOTHING`,
    [rows.map((x) => x.project), rows.map((x) => x.region), rows.map((x) => x.service), rows.map((x) => x.revision), rows.map((x) => x.container),
      rows.map((x) => x.minute), rows.map((x) => x.metric), rows.map((x) => x.count), rows.map((x) => x.sum), rows.map((x) => x.ssd),
      rows.map((x) => x.min), rows.map((x) => x.max), rows.map((x) => `{${x.buckets.join(",")}}`)],
  );
}

/** One INSERT per service; bucket arrays travel as array literals (unnest would flatten a 2-D array). */
async function insertMinutes(db: Db, rows: MinuteAgg[]): Promise<void> {
  await db.query(
    `INSERT INTO emu_request_minutes
     SELECT p, r, s, v, to_timestamp(m / 1000.0), c, n, su, ss, mi, ma, b::bigint[]
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::int[], $7::bigint[], $8::float8[], $9::float8[], $10::float8[], $11::float8[], $12::text[])
       AS x(p, r, s, v, m, c, n, su, ss, mi, ma, b)
     ON CONFLICT DO NOTHING`,
    [rows.map((x) => x.project), rows.map((x) => x.region), rows.map((x) => x.service), rows.map((x) => x.revision), rows.map((x) => x.minute),
      rows.map((x) => x.code), rows.map((x) => x.count), rows.map((x) => x.sum), rows.map((x) => x.ssd), rows.map((x) => x.min), rows.map((x) => x.max),
      rows.map((x) => `{${x.buckets.join(",")}}`)],
  );
}
