// Seeded scheduled work (issue #16): the AI usage analytics daily pipeline job
// with 30 days of attempts in its execution logs (some failed, some retried),
// an IntentVision queue drain every 15 minutes with a day of history, and the
// pyplots-migrate Cloud Run job with a few past executions, their tasks and
// logs. History is deterministic per day, so reseeding gives the same story.
import { inTransaction } from "../db";
import type { Codec } from "../grpc/protos";
import { Code } from "../grpc/errors";
import type { RunStore } from "../api/run/store";
import { serviceName } from "../api/run/names";
import type { SchedulerStore } from "../api/scheduler/store";
import { attemptFinished, attemptStarted, executionRow } from "../api/scheduler/execution-logs";
import { backoffMs } from "../api/scheduler/dispatcher";
import { nextRun, normaliseJob, runsBetween, type JobKey, type JobSpec } from "../api/scheduler/job";
import { canonicalExecution, canonicalJob } from "../api/runjobs/jobs";
import { systemLine, taskLine } from "../api/runjobs/job-logs";
import {
  buildExecution,
  buildTask,
  cond,
  jobDefaults,
  jobReady,
  newEtag,
  toTimestamp,
  type Job,
} from "../api/runjobs/resources";
import type { RunJobStore } from "../api/runjobs/store";
import { newUid } from "../api/run/names";
import type { LogRow } from "../telemetry/store";

export type ScheduledWorkDeps = {
  run: RunStore;
  scheduler: SchedulerStore;
  jobs: RunJobStore;
  codec: Codec;
  writeLog: (row: LogRow) => void;
};

const DAY = 86_400_000;
const PIPELINE = serviceName("ai-usage-analytics-prod", "us-central1", "ai-usage-analytics-pipeline");
const WORKER = serviceName("intentvision-prod", "us-central1", "intentvision-worker");

/** A stable number in [0, 1) per key (no Math.random: the story is the same each seed). */
function unit(key: string): number {
  let h = 2166136261;
  for (const c of key) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return ((h >>> 0) % 10_000) / 10_000;
}

type Attempt = { httpStatus?: number; code: Code; debugInfo: string; durationMs: number };
const ok = (durationMs: number): Attempt => ({
  httpStatus: 200,
  code: Code.OK,
  debugInfo: "URL_CRAWLED. Original HTTP response code number = 200",
  durationMs,
});
const failed500 = (durationMs: number): Attempt => ({
  httpStatus: 500,
  code: Code.INTERNAL,
  debugInfo: "URL_UNREACHABLE-UNREACHABLE_5xx. Original HTTP response code number = 500",
  durationMs,
});
const deadline = (durationMs: number): Attempt => ({
  code: Code.DEADLINE_EXCEEDED,
  debugInfo: "URL_TIMEOUT-TIMEOUT_WAITING_FOR_RESPONSE",
  durationMs,
});

/** One day's attempts of the daily pipeline: mostly one success of 3–9 min; now and then a retry, a timeout, or a day that fails outright. */
function pipelineDay(day: string): Attempt[] {
  const r = unit(day);
  const minutes = (x: number) => Math.round(x * 60_000);
  if (r < 0.07)
    return [failed500(minutes(1.2)), failed500(minutes(0.8)), failed500(minutes(1.1)), failed500(minutes(0.9))];
  if (r < 0.14) return [deadline(600_000), ok(minutes(8.6))];
  if (r < 0.24) return [failed500(minutes(2.5 * unit(`${day}a`) + 0.5)), ok(minutes(3 + 5 * unit(`${day}b`)))];
  return [ok(minutes(3 + 6 * unit(`${day}c`)))];
}

function writeHistory(
  deps: ScheduledWorkDeps,
  k: JobKey,
  spec: JobSpec,
  runs: Date[],
  attemptsOf: (run: Date) => Attempt[],
): { last?: Date; status?: { code: number; message?: string } } {
  const url = spec.httpTarget.uri!;
  let last: Date | undefined;
  let status: { code: number; message?: string } | undefined;
  for (const scheduled of runs) {
    let at = scheduled.getTime() + 1_000 + Math.round(2_000 * unit(`${k.jobId}${scheduled.toISOString()}`));
    for (const [i, a] of attemptsOf(scheduled).entries()) {
      if (i > 0) at += backoffMs(i, spec.retryConfig);
      deps.writeLog(executionRow(k, attemptStarted(k, url, scheduled, new Date(at))));
      last = new Date(at);
      at += a.durationMs;
      deps.writeLog(executionRow(k, attemptFinished(k, url, a, new Date(at))));
      status =
        a.code === Code.OK
          ? { code: 0 }
          : {
              code: a.code,
              message: a.httpStatus ? `HTTP ${a.httpStatus} from ${url}` : "no response within the attempt deadline",
            };
    }
  }
  return { last, status };
}

async function seedSchedule(
  deps: ScheduledWorkDeps,
  k: JobKey,
  job: Record<string, unknown>,
  historyFrom: Date,
  now: Date,
  attemptsOf: (run: Date) => Attempt[],
) {
  const spec = normaliseJob(job);
  const created = new Date(historyFrom.getTime() - DAY);
  await deps.scheduler.insert(k, spec, nextRun(spec.schedule, spec.timeZone, now), created);
  const { last, status } = writeHistory(
    deps,
    k,
    spec,
    runsBetween(spec.schedule, spec.timeZone, historyFrom, now),
    attemptsOf,
  );
  await deps.scheduler.update(k, { last_attempt_time: last ?? null, status: status ?? null });
}

const MIGRATE_IMAGE = "europe-west4-docker.pkg.dev/pyplots-prod/jobs/pyplots-migrate";

async function seedMigrateJob(deps: ScheduledWorkDeps, now: Date) {
  const name = "projects/pyplots-prod/locations/europe-west4/jobs/pyplots-migrate";
  const created = new Date(now.getTime() - 40 * DAY);
  let job: Job = canonicalJob(deps.codec, {
    uid: newUid(),
    createTime: toTimestamp(created),
    updateTime: toTimestamp(created),
    creator: "markus@pyplots.example",
    lastModifier: "markus@pyplots.example",
    ...jobDefaults(
      {
        name,
        labels: { app: "pyplots", env: "prod" },
        template: {
          taskCount: 3,
          parallelism: 2,
          template: {
            maxRetries: 1,
            timeout: { seconds: "900" },
            serviceAccount: "pyplots-migrate@pyplots-prod.iam.gserviceaccount.com",
            containers: [
              {
                image: `${MIGRATE_IMAGE}:v7`,
                args: ["--target=0012"],
                env: [
                  { name: "STEP_MS", value: "400" },
                  {
                    name: "DATABASE_URL",
                    valueSource: { secretKeyRef: { secret: "db-connection-string", version: "latest" } },
                  },
                ],
              },
            ],
          },
        },
      },
      "pyplots-prod",
    ),
    generation: "1",
    observedGeneration: "1",
    reconciling: false,
    ...jobReady(created),
    executionCount: 0,
    etag: newEtag(),
  });
  // Four past runs, one per deploy week; the third failed (task 1 twice: a lock timeout) and was run again the next day.
  const runs = [
    { ago: 21, fail: false },
    { ago: 14, fail: false },
    { ago: 7, fail: true },
    { ago: 6, fail: false },
  ];
  await inTransaction(deps.jobs.db, async (q) => {
    await deps.jobs.insertJob(q, job);
    for (const [n, r] of runs.entries()) {
      const start = new Date(now.getTime() - r.ago * DAY + 3_600_000 * (9 + n));
      const executionId = `pyplots-migrate-${["k2x9d", "p7m3q", "w4z8r", "b6t1n"][n]}`;
      const e = canonicalExecution(
        deps.codec,
        buildExecution(job, executionId, undefined, start, "github-actions@pyplots-prod.iam.gserviceaccount.com"),
      );
      const tasks = Array.from({ length: e.taskCount }, (_, i) => buildTask(e, i, start));
      const where = { project: "pyplots-prod", location: "europe-west4", jobId: "pyplots-migrate" };
      let end = start.getTime();
      for (const t of tasks) {
        const failing = r.fail && t.index === 1;
        const taskStart = start.getTime() + 2_000 + (t.index >= 2 ? 4_000 : 0);
        const attempts = failing ? 2 : 1;
        let at = taskStart;
        for (let a = 0; a < attempts; a++) {
          const dur = failing ? 2_100 : 3_000 + 400 * t.index;
          await deps.jobs.recordAttempt({
            ...where,
            execution: e.name,
            index: t.index,
            attempt: a,
            start: new Date(at),
            end: new Date(at + dur),
            succeeded: !failing,
          });
          deps.writeLog(
            taskLine(
              where,
              executionId,
              t.index,
              a,
              "seed",
              "stdout",
              JSON.stringify({ severity: "INFO", message: `task ${t.index}/3 applying 4 migration(s)` }),
              new Date(at + 300),
            ),
          );
          if (failing)
            deps.writeLog(
              taskLine(
                where,
                executionId,
                t.index,
                a,
                "seed",
                "stderr",
                JSON.stringify({
                  severity: "ERROR",
                  message: "migration 0008_backfill_thumbnails failed: lock timeout while rewriting rows",
                }),
                new Date(at + dur - 100),
              ),
            );
          else
            deps.writeLog(
              taskLine(
                where,
                executionId,
                t.index,
                a,
                "seed",
                "stdout",
                JSON.stringify({ severity: "INFO", message: `task ${t.index} done` }),
                new Date(at + dur - 100),
              ),
            );
          at += dur + 1_000;
        }
        const done = new Date(at - 1_000);
        end = Math.max(end, done.getTime());
        Object.assign(t, {
          startTime: toTimestamp(new Date(taskStart)),
          completionTime: toTimestamp(done),
          reconciling: false,
          retried: attempts - 1,
          conditions: [
            failing
              ? cond("Completed", "CONDITION_FAILED", done, {
                  message: "The container exited with an error (exit code 1).",
                  executionReason: "NON_ZERO_EXIT_CODE",
                })
              : cond("Completed", "CONDITION_SUCCEEDED", done),
            cond("Started", "CONDITION_SUCCEEDED", new Date(taskStart)),
          ],
          lastAttemptResult: failing
            ? {
                status: { code: Code.UNKNOWN, message: "The container exited with an error (exit code 1)." },
                exitCode: 1,
              }
            : { status: { code: 0, message: "" }, exitCode: 0 },
        });
      }
      const finished = new Date(end + 1_000);
      const message = r.fail
        ? `Task ${executionId}-task1 failed with message: The container exited with an error (exit code 1).`
        : `Execution completed successfully in ${((end - start.getTime()) / 1000).toFixed(2)}s.`;
      Object.assign(e, {
        startTime: toTimestamp(new Date(start.getTime() + 1_000)),
        completionTime: toTimestamp(finished),
        updateTime: toTimestamp(finished),
        reconciling: false,
        succeededCount: r.fail ? 2 : 3,
        failedCount: r.fail ? 1 : 0,
        retriedCount: r.fail ? 1 : 0,
        conditions: [
          r.fail
            ? cond("Completed", "CONDITION_FAILED", finished, { message, executionReason: "NON_ZERO_EXIT_CODE" })
            : cond("Completed", "CONDITION_SUCCEEDED", finished, { message }),
          cond("ResourcesAvailable", "CONDITION_SUCCEEDED", start),
          cond("Started", "CONDITION_SUCCEEDED", start),
        ],
      });
      await deps.jobs.insertExecution(q, e, tasks);
      await deps.jobs.putExecution(e, true, q);
      deps.writeLog(
        systemLine(
          where,
          executionId,
          "INFO",
          `Execution ${executionId} has started with 3 task(s), parallelism 2.`,
          start,
        ),
      );
      deps.writeLog(systemLine(where, executionId, r.fail ? "ERROR" : "INFO", message, finished));
      job = {
        ...job,
        executionCount: n + 1,
        latestCreatedExecution: {
          name: e.name,
          createTime: e.createTime,
          completionTime: toTimestamp(finished),
          completionStatus: r.fail ? "EXECUTION_FAILED" : "EXECUTION_SUCCEEDED",
        },
      };
    }
    await deps.jobs.putJob(q, job);
  });
}

/** Seeds the scheduled work; call when no schedule and no Cloud Run job exists yet and the fleet is there. */
export async function seedScheduledWork(deps: ScheduledWorkDeps, now = new Date()): Promise<boolean> {
  const pipeline = await deps.run.getService(PIPELINE);
  const worker = await deps.run.getService(WORKER);
  if (!pipeline || !worker) return false;
  const from30 = new Date(now.getTime() - 30 * DAY);
  await seedSchedule(
    deps,
    { project: "ai-usage-analytics-prod", location: "us-central1", jobId: "ai-usage-daily-pipeline" },
    {
      description: "AI usage analytics: daily ingestion run (plan: < 10 min, data fresher than 24 h)",
      schedule: "0 6 * * *",
      timeZone: "America/Los_Angeles",
      httpTarget: {
        uri: `http://${pipeline.host}/run-daily-job`,
        httpMethod: "POST",
        headers: { "Content-Type": "application/json" },
        body: Buffer.from('{"source":"cloud-scheduler"}'),
        oidcToken: {
          serviceAccountEmail: "pipeline-invoker@ai-usage-analytics-prod.iam.gserviceaccount.com",
          audience: `http://${pipeline.host}`,
        },
      },
      retryConfig: {
        retryCount: 3,
        minBackoffDuration: { seconds: 60 },
        maxBackoffDuration: { seconds: 3600 },
        maxDoublings: 5,
      },
      attemptDeadline: { seconds: 600 },
    },
    from30,
    now,
    (run) => pipelineDay(run.toISOString().slice(0, 10)),
  );
  await seedSchedule(
    deps,
    { project: "intentvision-prod", location: "us-central1", jobId: "intentvision-queue-drain" },
    {
      description: "IntentVision: drain the classification queue every 15 minutes",
      schedule: "*/15 * * * *",
      timeZone: "Etc/UTC",
      httpTarget: {
        uri: `http://${worker.host}/tasks/drain`,
        httpMethod: "POST",
        oidcToken: { serviceAccountEmail: "intentvision-sa@intentvision-prod.iam.gserviceaccount.com" },
      },
      retryConfig: { retryCount: 1 },
      attemptDeadline: { seconds: 60 },
    },
    new Date(now.getTime() - DAY),
    now,
    (run) => {
      const took = ok(300 + Math.round(900 * unit(`${run.toISOString()}d`)));
      return unit(run.toISOString()) < 0.03 ? [failed500(900), took] : [took];
    },
  );
  await seedMigrateJob(deps, now);
  return true;
}
