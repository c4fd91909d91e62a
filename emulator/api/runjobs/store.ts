// Cloud Run jobs, executions and tasks in the emulator's PostgreSQL, each as
// the API resource in JSONB plus the columns lookups and listings need; and
// one row per finished task attempt, which the job metrics count.
import { ensureSchema, type Db, type Queryable } from "../../db";
import type { Projects } from "../projects";
import type { Execution, Job, Task } from "./resources";

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS run_jobs (
    name text PRIMARY KEY,
    project text NOT NULL,
    location text NOT NULL,
    job_id text NOT NULL,
    job jsonb NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS run_jobs_parent ON run_jobs (project, location, job_id)`,
  `CREATE TABLE IF NOT EXISTS run_executions (
    name text PRIMARY KEY,
    job text NOT NULL,
    project text NOT NULL,
    location text NOT NULL,
    create_time timestamptz NOT NULL,
    done boolean NOT NULL DEFAULT false,
    execution jsonb NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS run_executions_job ON run_executions (job, create_time DESC)`,
  `CREATE TABLE IF NOT EXISTS run_tasks (
    name text PRIMARY KEY,
    execution text NOT NULL,
    idx integer NOT NULL,
    task jsonb NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS run_tasks_execution ON run_tasks (execution, idx)`,
  `CREATE TABLE IF NOT EXISTS run_task_attempts (
    project text NOT NULL,
    location text NOT NULL,
    job_id text NOT NULL,
    execution text NOT NULL,
    idx integer NOT NULL,
    attempt integer NOT NULL,
    start_time timestamptz NOT NULL,
    end_time timestamptz NOT NULL,
    succeeded boolean NOT NULL,
    PRIMARY KEY (execution, idx, attempt)
  )`,
  `CREATE INDEX IF NOT EXISTS run_task_attempts_project_end ON run_task_attempts (project, end_time)`,
];

export class RunJobStore {
  constructor(
    readonly db: Db,
    private readonly projects: Projects,
  ) {}

  ensureSchema(): Promise<void> {
    return ensureSchema(this.db, SCHEMA);
  }

  async isEmpty(): Promise<boolean> {
    const { rowCount } = await this.db.query("SELECT 1 FROM run_jobs LIMIT 1");
    return !rowCount;
  }

  async insertJob(q: Queryable, job: Job): Promise<void> {
    const [, project, , location, , jobId] = job.name.split("/");
    await this.projects.register(project, q);
    await q.query("INSERT INTO run_jobs (name, project, location, job_id, job) VALUES ($1, $2, $3, $4, $5)", [
      job.name,
      project,
      location,
      jobId,
      job,
    ]);
  }

  async putJob(q: Queryable, job: Job): Promise<void> {
    await q.query("UPDATE run_jobs SET job = $2 WHERE name = $1", [job.name, job]);
  }

  async getJob(name: string, q: Queryable = this.db): Promise<Job | null> {
    const { rows } = await q.query<{ job: Job }>("SELECT job FROM run_jobs WHERE name = $1", [name]);
    return rows[0]?.job ?? null;
  }

  async listJobs(project: string, location: string, offset: number, limit: number): Promise<Job[]> {
    const { rows } = await this.db.query<{ job: Job }>(
      "SELECT job FROM run_jobs WHERE project = $1 AND location = $2 ORDER BY job_id LIMIT $3 OFFSET $4",
      [project, location, limit, offset],
    );
    return rows.map((r) => r.job);
  }

  async deleteJob(q: Queryable, name: string): Promise<void> {
    await q.query("DELETE FROM run_tasks WHERE execution IN (SELECT name FROM run_executions WHERE job = $1)", [name]);
    await q.query("DELETE FROM run_executions WHERE job = $1", [name]);
    await q.query("DELETE FROM run_jobs WHERE name = $1", [name]);
  }

  async insertExecution(q: Queryable, e: Execution, tasks: Task[]): Promise<void> {
    const job = e.name.slice(0, e.name.indexOf("/executions/"));
    const [, project, , location] = e.name.split("/");
    await q.query(
      "INSERT INTO run_executions (name, job, project, location, create_time, execution) VALUES ($1, $2, $3, $4, $5, $6)",
      [e.name, job, project, location, new Date(Number((e.createTime as { seconds: string }).seconds) * 1000), e],
    );
    for (const t of tasks)
      await q.query("INSERT INTO run_tasks (name, execution, idx, task) VALUES ($1, $2, $3, $4)", [
        t.name,
        e.name,
        t.index,
        t,
      ]);
  }

  async putExecution(e: Execution, done: boolean, q: Queryable = this.db): Promise<void> {
    await q.query("UPDATE run_executions SET execution = $2, done = $3 WHERE name = $1", [e.name, e, done]);
  }

  async getExecution(name: string): Promise<{ execution: Execution; done: boolean } | null> {
    const { rows } = await this.db.query<{ execution: Execution; done: boolean }>(
      "SELECT execution, done FROM run_executions WHERE name = $1",
      [name],
    );
    return rows[0] ?? null;
  }

  /** A job's executions, newest first (`job` may be `projects/P/locations/L/jobs/-` for all). */
  async listExecutions(job: string, offset: number, limit: number): Promise<Execution[]> {
    const all = job.endsWith("/jobs/-");
    const { rows } = await this.db.query<{ execution: Execution }>(
      `SELECT execution FROM run_executions WHERE ${all ? "job LIKE $1" : "job = $1"} ORDER BY create_time DESC, name DESC LIMIT $2 OFFSET $3`,
      [all ? `${job.slice(0, -1).replace(/[\\%_]/g, (c) => `\\${c}`)}%` : job, limit, offset],
    );
    return rows.map((r) => r.execution);
  }

  async deleteExecution(name: string): Promise<void> {
    await this.db.query("DELETE FROM run_tasks WHERE execution = $1", [name]);
    await this.db.query("DELETE FROM run_executions WHERE name = $1", [name]);
  }

  /** Executions that were running when the emulator stopped. */
  async unfinishedExecutions(): Promise<Execution[]> {
    const { rows } = await this.db.query<{ execution: Execution }>(
      "SELECT execution FROM run_executions WHERE NOT done",
    );
    return rows.map((r) => r.execution);
  }

  async putTask(t: Task): Promise<void> {
    await this.db.query("UPDATE run_tasks SET task = $2 WHERE name = $1", [t.name, t]);
  }

  async getTask(name: string): Promise<Task | null> {
    const { rows } = await this.db.query<{ task: Task }>("SELECT task FROM run_tasks WHERE name = $1", [name]);
    return rows[0]?.task ?? null;
  }

  /** The tasks of an execution by index; `executions/-` (and `jobs/-`) list them across a job's executions (across jobs), newest execution first. */
  async listTasks(execution: string, offset: number, limit: number): Promise<Task[]> {
    if (!execution.endsWith("/executions/-")) {
      const { rows } = await this.db.query<{ task: Task }>(
        "SELECT task FROM run_tasks WHERE execution = $1 ORDER BY idx LIMIT $2 OFFSET $3",
        [execution, limit, offset],
      );
      return rows.map((r) => r.task);
    }
    const like = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
    const job = execution.slice(0, -"/executions/-".length);
    const jobPattern = job.endsWith("/jobs/-") ? `${like(job.slice(0, -1))}%` : like(job);
    const { rows } = await this.db.query<{ task: Task }>(
      `SELECT t.task FROM run_tasks t JOIN run_executions e ON e.name = t.execution WHERE e.job LIKE $1
       ORDER BY e.create_time DESC, e.name DESC, t.idx LIMIT $2 OFFSET $3`,
      [jobPattern, limit, offset],
    );
    return rows.map((r) => r.task);
  }

  async recordAttempt(a: {
    project: string;
    location: string;
    jobId: string;
    execution: string;
    index: number;
    attempt: number;
    start: Date;
    end: Date;
    succeeded: boolean;
  }): Promise<void> {
    await this.db.query(
      `INSERT INTO run_task_attempts VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
      [a.project, a.location, a.jobId, a.execution, a.index, a.attempt, a.start, a.end, a.succeeded],
    );
  }
}
