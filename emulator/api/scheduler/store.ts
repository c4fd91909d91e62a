// Cloud Scheduler jobs in the emulator's PostgreSQL: the user's spec as JSONB
// plus the output fields as columns (state, last status, next schedule time,
// last attempt time), so the dispatcher finds due jobs with one indexed query.
import { ensureSchema, type Db } from "../../db";
import type { Projects } from "../projects";
import { toTimestamp } from "../run/names";
import { jobName, type JobKey, type JobSpec } from "./job";

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS sched_jobs (
    project text NOT NULL,
    location text NOT NULL,
    job_id text NOT NULL,
    spec jsonb NOT NULL,
    state text NOT NULL CHECK (state IN ('ENABLED', 'PAUSED')),
    status jsonb,
    schedule_time timestamptz,
    last_attempt_time timestamptz,
    user_update_time timestamptz NOT NULL,
    PRIMARY KEY (project, location, job_id)
  )`,
  `CREATE INDEX IF NOT EXISTS sched_jobs_due ON sched_jobs (schedule_time) WHERE state = 'ENABLED'`,
];

export type RpcStatus = { code: number; message?: string };
export type JobRow = {
  project: string;
  location: string;
  job_id: string;
  spec: JobSpec;
  state: "ENABLED" | "PAUSED";
  status: RpcStatus | null;
  schedule_time: Date | null;
  last_attempt_time: Date | null;
  user_update_time: Date;
};

export const keyOf = (r: JobRow): JobKey => ({ project: r.project, location: r.location, jobId: r.job_id });
const KEY = "project = $1 AND location = $2 AND job_id = $3";
const keyParams = (k: JobKey) => [k.project, k.location, k.jobId];

/** The Job message as the API returns it. */
export function jobOut(r: JobRow) {
  const { httpTarget, ...spec } = r.spec;
  return {
    name: jobName(keyOf(r)),
    ...spec,
    httpTarget: {
      ...httpTarget,
      body: httpTarget.body ? Buffer.from(httpTarget.body as string, "base64") : Buffer.alloc(0),
    },
    userUpdateTime: toTimestamp(r.user_update_time),
    state: r.state,
    ...(r.status ? { status: { code: r.status.code, message: r.status.message ?? "", details: [] } } : {}),
    ...(r.schedule_time ? { scheduleTime: toTimestamp(r.schedule_time) } : {}),
    ...(r.last_attempt_time ? { lastAttemptTime: toTimestamp(r.last_attempt_time) } : {}),
  };
}

export class SchedulerStore {
  constructor(
    readonly db: Db,
    private readonly projects: Projects,
  ) {}

  ensureSchema(): Promise<void> {
    return ensureSchema(this.db, SCHEMA);
  }

  async isEmpty(): Promise<boolean> {
    const { rowCount } = await this.db.query("SELECT 1 FROM sched_jobs LIMIT 1");
    return !rowCount;
  }

  /** False when the name is taken. */
  async insert(
    k: JobKey,
    spec: JobSpec,
    scheduleTime: Date | null,
    now: Date,
    state: JobRow["state"] = "ENABLED",
  ): Promise<boolean> {
    await this.projects.register(k.project);
    const { rowCount } = await this.db.query(
      `INSERT INTO sched_jobs (project, location, job_id, spec, state, schedule_time, user_update_time) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT DO NOTHING`,
      [...keyParams(k), JSON.stringify(spec), state, scheduleTime, now],
    );
    return rowCount === 1;
  }

  async get(k: JobKey): Promise<JobRow | null> {
    const { rows } = await this.db.query<JobRow>(`SELECT * FROM sched_jobs WHERE ${KEY}`, keyParams(k));
    return rows[0] ?? null;
  }

  async list(project: string, location: string, offset: number, limit: number): Promise<JobRow[]> {
    const { rows } = await this.db.query<JobRow>(
      "SELECT * FROM sched_jobs WHERE project = $1 AND location = $2 ORDER BY job_id LIMIT $3 OFFSET $4",
      [project, location, limit, offset],
    );
    return rows;
  }

  /** Sets the given columns; returns the row after, or null when it is gone. */
  async update(
    k: JobKey,
    set: Partial<
      Pick<JobRow, "spec" | "state" | "status" | "schedule_time" | "last_attempt_time" | "user_update_time">
    >,
  ): Promise<JobRow | null> {
    const cols = Object.keys(set) as (keyof typeof set)[];
    if (!cols.length) return this.get(k);
    const values = cols.map((c) => (c === "spec" || c === "status" ? JSON.stringify(set[c]) : set[c]));
    const { rows } = await this.db.query<JobRow>(
      `UPDATE sched_jobs SET ${cols.map((c, i) => `${c} = $${i + 4}`).join(", ")} WHERE ${KEY} RETURNING *`,
      [...keyParams(k), ...values],
    );
    return rows[0] ?? null;
  }

  /** Sets the next schedule time of a job that is still enabled. */
  async reschedule(k: JobKey, time: Date | null): Promise<void> {
    await this.db.query(`UPDATE sched_jobs SET schedule_time = $4 WHERE ${KEY} AND state = 'ENABLED'`, [
      ...keyParams(k),
      time,
    ]);
  }

  async delete(k: JobKey): Promise<boolean> {
    const { rowCount } = await this.db.query(`DELETE FROM sched_jobs WHERE ${KEY}`, keyParams(k));
    return rowCount === 1;
  }

  /** Enabled jobs whose schedule time has come. */
  async due(now: Date): Promise<JobRow[]> {
    const { rows } = await this.db.query<JobRow>(
      "SELECT * FROM sched_jobs WHERE state = 'ENABLED' AND schedule_time <= $1 ORDER BY schedule_time LIMIT 100",
      [now],
    );
    return rows;
  }

  /** The earliest schedule time of an enabled job, to sleep until. */
  async nextDue(): Promise<Date | null> {
    const { rows } = await this.db.query<{ t: Date | null }>(
      "SELECT min(schedule_time) AS t FROM sched_jobs WHERE state = 'ENABLED'",
    );
    return rows[0].t;
  }
}
