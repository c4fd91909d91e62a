// The seeded scheduled work: the AI usage analytics daily job with 30 days of
// attempts in its logs, the IntentVision drain, the pyplots-migrate Cloud Run
// job with past executions; and both run for real from the seed.
import logging from "@google-cloud/logging";
import run from "@google-cloud/run";
import { CloudSchedulerClient } from "@google-cloud/scheduler";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../test/databases";
import { fromStruct } from "../api/logging/wire";
import { CALL, clientOptions, startTestEmulator, waitFor, type TestEmulator } from "../testing/harness";

let t: TestEmulator;
let sched: CloudSchedulerClient;
let logs: InstanceType<typeof logging.v2.LoggingServiceV2Client>;
let jobs: InstanceType<typeof run.v2.JobsClient>;
let executions: InstanceType<typeof run.v2.ExecutionsClient>;
const DAILY = "projects/ai-usage-analytics-prod/locations/us-central1/jobs/ai-usage-daily-pipeline";
const MIGRATE = "projects/pyplots-prod/locations/europe-west4/jobs/pyplots-migrate";
const NO_PAGING = { ...CALL, autoPaginate: false } as const;
const ms = (ts: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  Number(ts?.seconds ?? 0) * 1000 + (ts?.nanos ?? 0) / 1e6;

beforeAll(async () => {
  t = await startTestEmulator(await createEmptyDatabase(inject("pgAdminUrl"), "emu"), { seed: true });
  const opts = clientOptions(t.emulator.grpcPort);
  sched = new CloudSchedulerClient(opts);
  logs = new logging.v2.LoggingServiceV2Client(opts);
  jobs = new run.v2.JobsClient(opts);
  executions = new run.v2.ExecutionsClient(opts);
});
afterAll(async () => {
  await Promise.allSettled([sched?.close(), logs?.close(), jobs?.close(), executions?.close()]);
  await t?.close();
});

type Attempt = { at: number; severity: string; status?: number | null; payload: Record<string, string> };

async function attempts(jobId: string, project: string, sinceMs: number): Promise<Attempt[]> {
  const [entries] = await logs.listLogEntries(
    {
      resourceNames: [`projects/${project}`],
      pageSize: 1000,
      orderBy: "timestamp asc",
      filter: `resource.type="cloud_scheduler_job" AND resource.labels.job_id="${jobId}" AND timestamp>="${new Date(sinceMs).toISOString()}"`,
    },
    NO_PAGING,
  );
  return entries.map((e: (typeof entries)[number]) => ({
    at: ms(e.timestamp),
    severity: String(e.severity),
    status: e.httpRequest?.status,
    payload: fromStruct(e.jsonPayload as never) as Record<string, string>,
  }));
}

describe("seeded scheduled work", () => {
  it("has the AI usage analytics daily job as the plan sets it, with 30 days of attempts, some failed", async () => {
    const [job] = await sched.getJob({ name: DAILY }, CALL);
    expect(job).toMatchObject({
      schedule: "0 6 * * *",
      timeZone: "America/Los_Angeles",
      state: "ENABLED",
      retryConfig: { retryCount: 3 },
    });
    expect(Number(job.attemptDeadline!.seconds)).toBe(600);
    expect(job.httpTarget).toMatchObject({
      uri: "http://ai-usage-analytics-pipeline.us-central1.localhost/run-daily-job",
      httpMethod: "POST",
    });
    expect(Date.now() - ms(job.lastAttemptTime)).toBeLessThan(26 * 3_600_000);

    const history: Attempt[] = await waitFor(async () => {
      const es = await attempts("ai-usage-daily-pipeline", "ai-usage-analytics-prod", Date.now() - 31 * 86_400_000);
      return es.length >= 60 ? es : null;
    }, "the seeded history to be written");
    const started = history.filter((e) => e.payload["@type"].endsWith("AttemptStarted"));
    const finished = history.filter((e) => e.payload["@type"].endsWith("AttemptFinished"));
    expect(finished.length).toBe(started.length);
    // One execution per day for 30 days (a scheduled time per day), some with retries.
    const days = new Set(started.map((e) => e.payload.scheduledTime));
    expect(days.size).toBeGreaterThanOrEqual(29);
    expect(days.size).toBeLessThanOrEqual(31);
    expect(started.length).toBeGreaterThan(days.size);
    const failures = finished.filter((e) => e.severity === "ERROR");
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((e) => ["INTERNAL", "DEADLINE_EXCEEDED"].includes(e.payload.status))).toBe(true);
    expect(finished.filter((e) => e.severity === "INFO").every((e) => e.status === 200)).toBe(true);
  });

  it("has the IntentVision drain every 15 minutes with a day of history", async () => {
    const [[job]] = await sched.listJobs({ parent: "projects/intentvision-prod/locations/us-central1" }, NO_PAGING);
    expect(job).toMatchObject({
      name: "projects/intentvision-prod/locations/us-central1/jobs/intentvision-queue-drain",
      schedule: "*/15 * * * *",
      state: "ENABLED",
    });
    const es: Attempt[] = await waitFor(async () => {
      const all = await attempts("intentvision-queue-drain", "intentvision-prod", Date.now() - 2 * 86_400_000);
      return all.length >= 2 * 90 ? all : null;
    }, "the drain's history");
    expect(es.filter((e) => e.payload["@type"].endsWith("AttemptStarted")).length).toBeLessThanOrEqual(2 * 97);
  });

  it("has pyplots-migrate with past executions, newest first, one of them failed", async () => {
    const [job] = await jobs.getJob({ name: MIGRATE }, CALL);
    expect(job).toMatchObject({ template: { taskCount: 3, parallelism: 2 } });
    // The seeded ones are days old (another test here may run the job now).
    const [all] = await executions.listExecutions({ parent: MIGRATE }, CALL);
    const list = all.filter((e) => ms(e.createTime) < Date.now() - 3_600_000);
    expect(list).toHaveLength(4);
    expect(Number(job.executionCount)).toBe(all.length);
    expect(list.map((e) => ms(e.createTime))).toEqual(list.map((e) => ms(e.createTime)).sort((a, b) => b - a));
    expect(list.map((e) => [e.succeededCount, e.failedCount])).toEqual([
      [3, 0],
      [2, 1],
      [3, 0],
      [3, 0],
    ]);
    expect(list[1].conditions!.find((c) => c.type === "Completed")).toMatchObject({
      state: "CONDITION_FAILED",
      executionReason: "NON_ZERO_EXIT_CODE",
    });
  });

  it("runs the daily job now through the router to the pipeline, and pyplots-migrate to completion", async () => {
    const since = Date.now();
    const before = Number((await jobs.getJob({ name: MIGRATE }, CALL))[0].executionCount);
    await sched.runJob({ name: DAILY }, CALL);
    const [op] = await jobs.runJob(
      { name: MIGRATE, overrides: { containerOverrides: [{ env: [{ name: "STEP_MS", value: "20" }] }] } },
      CALL,
    );
    const finished: Attempt[] = await waitFor(
      async () => {
        const es = (await attempts("ai-usage-daily-pipeline", "ai-usage-analytics-prod", since)).filter((e) =>
          e.payload["@type"].endsWith("AttemptFinished"),
        );
        return es.length ? es : null;
      },
      "the pipeline run",
      30_000,
    );
    expect(finished[0]).toMatchObject({ severity: "INFO", status: 200 });
    const [done] = await op.promise();
    const [execution] = await executions.getExecution({ name: done.name }, CALL);
    expect(execution).toMatchObject({ succeededCount: 3, failedCount: 0 });
    const [after] = await jobs.getJob({ name: MIGRATE }, CALL);
    expect(after).toMatchObject({
      executionCount: before + 1,
      latestCreatedExecution: { name: done.name, completionStatus: "EXECUTION_SUCCEEDED" },
    });
  }, 60_000);
});
