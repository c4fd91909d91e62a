// Telemetry storage in the emulator's PostgreSQL: log entries (one row each,
// the entry as JSONB in its JSON form plus the indexed columns filters hit)
// and per-minute per-revision request aggregates (counts by status code and
// a bucketed latency distribution). Writes are batched: the runtime emits an
// event per request, and a row-per-INSERT would cost more than the request.
import type { Db } from "../db";
import { ensureSchema } from "../db";
import { bucketIndex, BUCKETS } from "./buckets";
import { InstanceTracker, type InstanceMinute } from "./instances";
import { DAY_ROLLUP_SCHEMA, fillMissingDays, pruneDays, refreshDays } from "./day-rollup";
import { fillMissingRollups, pruneHours, refreshHours, ROLLUP_SCHEMA } from "./rollup";
import { utilBucketIndex, UTIL_BUCKETS, type UtilizationSample } from "./utilization";

export type LogRow = {
  project: string;
  service: string;
  revision: string;
  logName: string;
  severity: number;
  ts: Date;
  insertId: string;
  text: string;
  entry: Record<string, unknown>;
};

export type MinuteKey = {
  project: string;
  region: string;
  service: string;
  revision: string;
  minute: number;
  code: number;
};
export type MinuteAgg = MinuteKey & {
  count: number;
  sum: number;
  ssd: number;
  min: number;
  max: number;
  buckets: number[];
};
/** A revision's utilization distribution (cpu or memory) over one minute. */
export type UtilMinute = Omit<MinuteAgg, "code"> & { container: string; metric: "cpu" | "memory" };

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS emu_log_entries (
     seq bigserial PRIMARY KEY, project text NOT NULL, service text NOT NULL, revision text NOT NULL,
     log_name text NOT NULL, severity int NOT NULL, ts timestamptz NOT NULL, insert_id text NOT NULL,
     search text NOT NULL, entry jsonb NOT NULL)`,
  // The keyset order (ts, insert_id, seq) in full, so a page is an index range scan.
  `CREATE INDEX IF NOT EXISTS emu_log_entries_project_order ON emu_log_entries (project, ts, insert_id, seq)`,
  `DROP INDEX IF EXISTS emu_log_entries_project_ts`,
  `CREATE INDEX IF NOT EXISTS emu_log_entries_service_sev_ts ON emu_log_entries (project, service, severity, ts)`,
  `CREATE TABLE IF NOT EXISTS emu_request_minutes (
     project text NOT NULL, region text NOT NULL, service text NOT NULL, revision text NOT NULL,
     minute timestamptz NOT NULL, response_code int NOT NULL, count bigint NOT NULL,
     lat_sum double precision NOT NULL, lat_ssd double precision NOT NULL, lat_min double precision NOT NULL,
     lat_max double precision NOT NULL, buckets bigint[] NOT NULL,
     PRIMARY KEY (project, service, revision, minute, response_code))`,
  `CREATE INDEX IF NOT EXISTS emu_request_minutes_project_minute ON emu_request_minutes (project, minute)`,
  `CREATE TABLE IF NOT EXISTS emu_instance_minutes (
     project text NOT NULL, region text NOT NULL, service text NOT NULL, revision text NOT NULL, minute timestamptz NOT NULL,
     active int NOT NULL, idle int NOT NULL, alive_s double precision NOT NULL, busy_s double precision NOT NULL,
     startup_count bigint NOT NULL, startup_sum double precision NOT NULL, startup_buckets bigint[] NOT NULL,
     PRIMARY KEY (project, service, revision, minute))`,
  `CREATE INDEX IF NOT EXISTS emu_instance_minutes_project_minute ON emu_instance_minutes (project, minute)`,
  `CREATE TABLE IF NOT EXISTS emu_utilization_minutes (
     project text NOT NULL, region text NOT NULL, service text NOT NULL, revision text NOT NULL, container text NOT NULL,
     minute timestamptz NOT NULL, metric text NOT NULL, count bigint NOT NULL, val_sum double precision NOT NULL,
     val_ssd double precision NOT NULL, val_min double precision NOT NULL, val_max double precision NOT NULL, buckets bigint[] NOT NULL,
     PRIMARY KEY (project, service, revision, minute, metric))`,
  `CREATE INDEX IF NOT EXISTS emu_utilization_minutes_project_minute ON emu_utilization_minutes (project, minute)`,
];

/** How soon buffered log lines are written (and told to tails) while anyone tails. */
const TAIL_FLUSH_MS = 20;

export class TelemetryStore {
  private logs: LogRow[] = [];
  private minutes = new Map<string, MinuteAgg>();
  private utilization = new Map<string, UtilMinute>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private soon: NodeJS.Timeout | undefined;
  /** Instance lifecycle and busy time, per revision and minute. */
  readonly instances = new InstanceTracker();
  /** Told after each flush about the rows it wrote (TailLogEntries listens). */
  private listeners = new Set<(rows: LogRow[]) => void>();

  constructor(
    private readonly db: Db,
    /** A failed flush loses its batch; whoever owns the store should hear of it. */
    private readonly onError: (err: unknown) => void = () => {},
    private readonly flushMs = 250,
    private readonly maxBatch = 500,
  ) {}

  async ensureSchema(): Promise<void> {
    await ensureSchema(this.db, [...SCHEMA, ...ROLLUP_SCHEMA, ...DAY_ROLLUP_SCHEMA]);
    await fillMissingRollups(this.db);
    await fillMissingDays(this.db);
    // Substring search over 1 M rows needs a trigram index; without the
    // extension the search falls back to a scan of the candidate rows.
    try {
      await this.db.query("CREATE EXTENSION IF NOT EXISTS pg_trgm");
      await this.db.query(
        "CREATE INDEX IF NOT EXISTS emu_log_entries_search ON emu_log_entries USING gin (search gin_trgm_ops)",
      );
    } catch {
      // not available: fine
    }
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.flushMs);
    this.timer.unref();
  }

  subscribe(fn: (rows: LogRow[]) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  addLog(row: LogRow): void {
    this.logs.push(row);
    if (this.logs.length >= this.maxBatch) void this.flush();
    else if (this.listeners.size && !this.soon) {
      // Someone tails: do not let the line wait for the next 250 ms tick.
      this.soon = setTimeout(() => {
        this.soon = undefined;
        this.flushing = this.flushing.then(() => this.writeLogs()).catch(this.onError);
      }, TAIL_FLUSH_MS);
      this.soon.unref();
    }
  }

  addRequest(key: Omit<MinuteKey, "minute">, time: Date, latencyMs: number): void {
    const minute = Math.floor(time.getTime() / 60_000) * 60_000;
    const id = `${key.project}|${key.service}|${key.revision}|${minute}|${key.code}`;
    let agg = this.minutes.get(id);
    if (!agg)
      this.minutes.set(
        id,
        (agg = {
          ...key,
          minute,
          count: 0,
          sum: 0,
          ssd: 0,
          min: latencyMs,
          max: latencyMs,
          buckets: new Array(BUCKETS).fill(0),
        }),
      );
    // Welford update, so the merged distribution's sum of squared deviation is exact.
    const mean = agg.count ? agg.sum / agg.count : 0;
    agg.count++;
    agg.sum += latencyMs;
    agg.ssd += (latencyMs - mean) * (latencyMs - agg.sum / agg.count);
    agg.min = Math.min(agg.min, latencyMs);
    agg.max = Math.max(agg.max, latencyMs);
    agg.buckets[bucketIndex(latencyMs)]++;
  }

  addUtilization(s: UtilizationSample): void {
    const minute = Math.floor(s.time / 60_000) * 60_000;
    const id = `${s.project}|${s.service}|${s.revision}|${minute}|${s.metric}`;
    let agg = this.utilization.get(id);
    if (!agg) {
      this.utilization.set(
        id,
        (agg = {
          project: s.project,
          region: s.region,
          service: s.service,
          revision: s.revision,
          container: s.container,
          metric: s.metric,
          minute,
          count: 0,
          sum: 0,
          ssd: 0,
          min: s.value,
          max: s.value,
          buckets: new Array(UTIL_BUCKETS).fill(0),
        }),
      );
    }
    const mean = agg.count ? agg.sum / agg.count : 0;
    agg.count++;
    agg.sum += s.value;
    agg.ssd += (s.value - mean) * (s.value - agg.sum / agg.count);
    agg.min = Math.min(agg.min, s.value);
    agg.max = Math.max(agg.max, s.value);
    agg.buckets[utilBucketIndex(s.value)]++;
  }

  /** Writes what is buffered; concurrent callers share one flush at a time. */
  flush(partialMinutes = false): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushNow(partialMinutes)).catch(this.onError);
    return this.flushing;
  }

  private async flushNow(partialMinutes: boolean): Promise<void> {
    await this.writeLogs();
    const instanceMinutes = this.instances.collect(Date.now(), partialMinutes);
    const minutes = [...this.minutes.values()];
    this.minutes.clear();
    const utilization = [...this.utilization.values()];
    this.utilization.clear();
    await this.writeMinutes(minutes, instanceMinutes, utilization);
  }

  private async writeLogs(): Promise<void> {
    const logs = this.logs.splice(0);
    if (logs.length) {
      await this.db.query(
        `INSERT INTO emu_log_entries (project, service, revision, log_name, severity, ts, insert_id, search, entry)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::timestamptz[], $7::text[], $8::text[], $9::jsonb[])`,
        [
          logs.map((l) => l.project),
          logs.map((l) => l.service),
          logs.map((l) => l.revision),
          logs.map((l) => l.logName),
          logs.map((l) => l.severity),
          logs.map((l) => l.ts.toISOString()),
          logs.map((l) => l.insertId),
          logs.map((l) => l.text),
          logs.map((l) => JSON.stringify(l.entry)),
        ],
      );
      for (const l of this.listeners) {
        try {
          l(logs);
        } catch {
          // one broken tail must not stop the others
        }
      }
    }
  }

  /** Upserts minutes, then recomputes the hour rollups they belong to, then those hours' days. */
  async writeMinutes(
    requestMinutes: MinuteAgg[],
    instanceMinutes: InstanceMinute[],
    utilization: UtilMinute[] = [],
  ): Promise<void> {
    for (const m of requestMinutes) await this.upsertMinute(m);
    for (const m of instanceMinutes) await this.upsertInstanceMinute(m);
    for (const m of utilization) await this.upsertUtilizationMinute(m);
    await refreshHours(this.db, "requests", requestMinutes);
    await refreshHours(this.db, "instances", instanceMinutes);
    await refreshHours(this.db, "utilization", utilization);
    await refreshDays(this.db, "requests", requestMinutes);
    await refreshDays(this.db, "instances", instanceMinutes);
    await refreshDays(this.db, "utilization", utilization);
  }

  async upsertUtilizationMinute(m: UtilMinute): Promise<void> {
    await this.db.query(
      `INSERT INTO emu_utilization_minutes AS t VALUES ($1,$2,$3,$4,$5,to_timestamp($6/1000.0),$7,$8,$9,$10,$11,$12,$13)
       ON CONFLICT (project, service, revision, minute, metric) DO UPDATE SET
         count = t.count + excluded.count, val_sum = t.val_sum + excluded.val_sum,
         val_ssd = t.val_ssd + excluded.val_ssd + power(t.val_sum / t.count - excluded.val_sum / excluded.count, 2) * t.count * excluded.count / (t.count + excluded.count),
         val_min = least(t.val_min, excluded.val_min), val_max = greatest(t.val_max, excluded.val_max),
         buckets = (SELECT array_agg(a + b ORDER BY i) FROM unnest(t.buckets, excluded.buckets) WITH ORDINALITY AS x(a, b, i))`,
      [
        m.project,
        m.region,
        m.service,
        m.revision,
        m.container,
        m.minute,
        m.metric,
        m.count,
        m.sum,
        m.ssd,
        m.min,
        m.max,
        m.buckets,
      ],
    );
  }

  async upsertInstanceMinute(m: InstanceMinute): Promise<void> {
    // A minute written early (a query asked for fresh data) is completed later:
    // seconds add, instance counts keep the larger sighting.
    const active = m.active.size;
    await this.db.query(
      `INSERT INTO emu_instance_minutes AS t VALUES ($1,$2,$3,$4,to_timestamp($5/1000.0),$6,$7,$8,$9,$10,$11,$12)
       ON CONFLICT (project, service, revision, minute) DO UPDATE SET
         active = greatest(t.active, excluded.active), idle = greatest(t.idle, excluded.idle),
         alive_s = t.alive_s + excluded.alive_s, busy_s = t.busy_s + excluded.busy_s,
         startup_count = t.startup_count + excluded.startup_count, startup_sum = t.startup_sum + excluded.startup_sum,
         startup_buckets = (SELECT array_agg(a + b ORDER BY i) FROM unnest(t.startup_buckets, excluded.startup_buckets) WITH ORDINALITY AS x(a, b, i))`,
      [
        m.project,
        m.region,
        m.service,
        m.revision,
        m.minute,
        active,
        Math.max(0, m.seen.size - active),
        m.aliveS,
        m.busyS,
        m.startupCount,
        m.startupSum,
        m.startupBuckets,
      ],
    );
  }

  async upsertMinute(m: MinuteAgg): Promise<void> {
    // Merging two partial aggregates of one minute: counts and buckets add;
    // the pooled SSD uses the parallel-variance formula.
    await this.db.query(
      `INSERT INTO emu_request_minutes AS t VALUES ($1,$2,$3,$4,to_timestamp($5/1000.0),$6,$7,$8,$9,$10,$11,$12)
       ON CONFLICT (project, service, revision, minute, response_code) DO UPDATE SET
         count = t.count + excluded.count, lat_sum = t.lat_sum + excluded.lat_sum,
         lat_ssd = t.lat_ssd + excluded.lat_ssd + power(t.lat_sum / t.count - excluded.lat_sum / excluded.count, 2) * t.count * excluded.count / (t.count + excluded.count),
         lat_min = least(t.lat_min, excluded.lat_min), lat_max = greatest(t.lat_max, excluded.lat_max),
         buckets = (SELECT array_agg(a + b ORDER BY i) FROM unnest(t.buckets, excluded.buckets) WITH ORDINALITY AS x(a, b, i))`,
      [m.project, m.region, m.service, m.revision, m.minute, m.code, m.count, m.sum, m.ssd, m.min, m.max, m.buckets],
    );
  }

  async prune(logRetentionHours: number, metricRetentionDays: number): Promise<void> {
    // Scheduled work (Scheduler attempts, Cloud Run job executions) is a few
    // entries a day and its history is read over 30 days: kept 31 days, as
    // Google's _Default bucket keeps every log 30.
    await this.db.query(
      `DELETE FROM emu_log_entries WHERE ts < now() - make_interval(hours => $1)
         AND (ts < now() - interval '31 days' OR entry->'resource'->>'type' NOT IN ('cloud_scheduler_job', 'cloud_run_job'))`,
      [logRetentionHours],
    );
    // Whole hours only, so an hour rollup never outlives some of its minutes.
    const cutoff = "to_timestamp(floor(extract(epoch FROM now() - make_interval(days => $1)) / 3600) * 3600)";
    await this.db.query(`DELETE FROM emu_request_minutes WHERE minute < ${cutoff}`, [metricRetentionDays]);
    await this.db.query(`DELETE FROM emu_instance_minutes WHERE minute < ${cutoff}`, [metricRetentionDays]);
    await this.db.query(`DELETE FROM emu_utilization_minutes WHERE minute < ${cutoff}`, [metricRetentionDays]);
    await pruneHours(this.db, metricRetentionDays);
    await pruneDays(this.db, metricRetentionDays);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    clearTimeout(this.soon);
    await this.flush(true);
  }
}
