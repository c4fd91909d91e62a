// Contract tests for Cloud Run jobs v2 through the official JobsClient,
// ExecutionsClient and TasksClient: CRUD, validation and paging; executions
// whose tasks really run (pyplots-migrate) with parallelism, retries, the task
// timeout and cancel; logs under cloud_run_job.
import logging from "@google-cloud/logging";
import monitoring from "@google-cloud/monitoring";
import run from "@google-cloud/run";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../../test/databases";
import { fromStruct } from "../logging/wire";
import { CALL, clientOptions, code, startTestEmulator, waitFor, type TestEmulator } from "../../testing/harness";

const P = "jobs-contract";
const parent = `projects/${P}/locations/europe-west4`;
let t: TestEmulator;
let jobs: InstanceType<typeof run.v2.JobsClient>;
let executions: InstanceType<typeof run.v2.ExecutionsClient>;
let tasks: InstanceType<typeof run.v2.TasksClient>;
let logs: InstanceType<typeof logging.v2.LoggingServiceV2Client>;
const IMAGE = "europe-west4-docker.pkg.dev/pyplots-prod/jobs/pyplots-migrate:v3";
const ms = (ts: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  Number(ts?.seconds ?? 0) * 1000 + (ts?.nanos ?? 0) / 1e6;
const completed = (r: {
  conditions?: { type?: string | null; state?: unknown; executionReason?: unknown; message?: string | null }[] | null;
}) => r.conditions?.find((c) => c.type === "Completed");

async function createJob(
  id: string,
  env: Record<string, string> = {},
  extra: { taskCount?: number; parallelism?: number; maxRetries?: number } = {},
) {
  const [op] = await jobs.createJob(
    {
      parent,
      jobId: id,
      job: {
        template: {
          taskCount: extra.taskCount ?? 1,
          parallelism: extra.parallelism ?? 0,
          template: {
            maxRetries: extra.maxRetries ?? 3,
            containers: [{ image: IMAGE, env: Object.entries(env).map(([name, value]) => ({ name, value })) }],
          },
        },
      },
    },
    CALL,
  );
  const [created] = await op.promise();
  // The operation's result is decoded by protobufjs (enums as numbers): read the job as a client would.
  return (await jobs.getJob({ name: created.name }, CALL))[0];
}

/** Waits for a RunJob/Cancel operation, then reads the execution back. */
async function settled(op: { promise(): Promise<[{ name?: string | null }, ...unknown[]]> }) {
  const [e] = await op.promise();
  return (await executions.getExecution({ name: e.name }, CALL))[0];
}

beforeAll(async () => {
  t = await startTestEmulator(await createEmptyDatabase(inject("pgAdminUrl"), "emu"));
  const opts = clientOptions(t.emulator.grpcPort);
  jobs = new run.v2.JobsClient(opts);
  executions = new run.v2.ExecutionsClient(opts);
  tasks = new run.v2.TasksClient(opts);
  logs = new logging.v2.LoggingServiceV2Client(opts);
});
afterAll(async () => {
  await Promise.allSettled([jobs?.close(), executions?.close(), tasks?.close(), logs?.close()]);
  await t?.close();
});

describe("Cloud Run jobs", () => {
  it("creates with Google's defaults, gets, lists page by page, updates and deletes", async () => {
    const job = await createJob("crud-a", { ROWS: "10" });
    expect(job).toMatchObject({
      name: `${parent}/jobs/crud-a`,
      generation: "1",
      launchStage: "GA",
      executionCount: 0,
      terminalCondition: { type: "Ready", state: "CONDITION_SUCCEEDED" },
    });
    expect(job.template).toMatchObject({ taskCount: 1, template: { maxRetries: 3, timeout: { seconds: "600" } } });
    expect(job.template!.template!.serviceAccount).toMatch(/^\d{12}-compute@developer\.gserviceaccount\.com$/);
    expect(job.template!.template!.containers![0].resources!.limits).toEqual({ cpu: "1000m", memory: "512Mi" });
    expect((await jobs.getJob({ name: job.name }, CALL))[0]).toEqual(job);
    await createJob("crud-b");
    await createJob("crud-c");
    const [page, , response] = await jobs.listJobs({ parent, pageSize: 2 }, { ...CALL, autoPaginate: false });
    expect(page.map((j) => j.name!.split("/").pop())).toEqual(["crud-a", "crud-b"]);
    const [rest] = await jobs.listJobs(
      { parent, pageSize: 2, pageToken: response!.nextPageToken! },
      { ...CALL, autoPaginate: false },
    );
    expect(rest.map((j) => j.name!.split("/").pop())).toContain("crud-c");

    const [labelled] = await jobs.updateJob({ job: { ...job, labels: { team: "data" } } }, CALL);
    await labelled.promise();
    // UpdateJob replaces the job: the labels left out below are cleared.
    const [op] = await jobs.updateJob(
      { job: { name: job.name, template: { ...job.template, taskCount: 4, parallelism: 2 } } },
      CALL,
    );
    await op.promise();
    const [updated] = await jobs.getJob({ name: job.name }, CALL);
    expect(updated).toMatchObject({
      generation: "3",
      template: { taskCount: 4, parallelism: 2 },
      labels: {},
      createTime: job.createTime,
      uid: job.uid,
    });
    expect(await code(jobs.updateJob({ job: { ...job, etag: '"stale"' } }, CALL))).toMatchObject({ code: 10 });

    const [del] = await jobs.deleteJob({ name: job.name }, CALL);
    await del.promise();
    expect(await code(jobs.getJob({ name: job.name }, CALL))).toMatchObject({ code: 5 });
    expect(await code(jobs.runJob({ name: job.name }, CALL))).toMatchObject({ code: 5 });
  });

  it("keeps an IAM policy per job, gone with the job", async () => {
    const job = await createJob("guarded");
    const binding = {
      role: "roles/run.invoker",
      members: ["serviceAccount:sched@jobs-contract.iam.gserviceaccount.com"],
    };
    const [set] = await jobs.setIamPolicy({ resource: job.name, policy: { bindings: [binding] } }, CALL);
    expect((await jobs.getIamPolicy({ resource: job.name }, CALL))[0]).toMatchObject({
      bindings: [binding],
      etag: set.etag,
    });
    const [allowed] = await jobs.testIamPermissions(
      { resource: job.name, permissions: ["run.jobs.run", "run.services.get"] },
      CALL,
    );
    expect(allowed.permissions).toEqual(["run.jobs.run"]);
    await (await jobs.deleteJob({ name: job.name }, CALL))[0].promise();
    expect(await code(jobs.getIamPolicy({ resource: job.name }, CALL))).toMatchObject({ code: 5 });
    await createJob("guarded");
    expect((await jobs.getIamPolicy({ resource: job.name }, CALL))[0].bindings).toEqual([]);
  });

  it("refuses bad ids, missing images, reserved variables and duplicates", async () => {
    const template = (image: string, env: { name: string; value: string }[] = []) => ({
      template: { containers: [{ image, env }] },
    });
    expect(
      await code(jobs.createJob({ parent, jobId: "Bad_Id", job: { template: template(IMAGE) } }, CALL)),
    ).toMatchObject({ code: 3 });
    expect(
      await code(
        jobs.createJob({ parent, jobId: "no-image", job: { template: template("gcr.io/x/does-not-exist:v1") } }, CALL),
      ),
    ).toMatchObject({ code: 3, details: "Image 'gcr.io/x/does-not-exist:v1' not found." });
    expect(
      await code(
        jobs.createJob(
          {
            parent,
            jobId: "reserved",
            job: { template: template(IMAGE, [{ name: "CLOUD_RUN_TASK_INDEX", value: "1" }]) },
          },
          CALL,
        ),
      ),
    ).toMatchObject({ code: 3 });
    expect(await code(jobs.createJob({ parent, jobId: "no-template", job: {} }, CALL))).toMatchObject({ code: 3 });
    await createJob("dup");
    expect(
      await code(jobs.createJob({ parent, jobId: "dup", job: { template: template(IMAGE) } }, CALL)),
    ).toMatchObject({ code: 6 });
    expect(await code(jobs.getJob({ name: `${parent}/jobs/nope` }, CALL))).toMatchObject({ code: 5 });
  });

  it("runs 3 tasks 2 at a time with overrides; a task failing once is retried and the execution succeeds", async () => {
    const job = await createJob(
      "migrate",
      { STEP_MS: "150", ROWS: "2000" },
      { taskCount: 1, parallelism: 2, maxRetries: 2 },
    );
    const [op] = await jobs.runJob(
      {
        name: job.name,
        overrides: {
          taskCount: 3,
          containerOverrides: [{ env: [{ name: "FAIL_TASK_INDEX", value: "1" }], args: ["--target=0012"] }],
        },
      },
      CALL,
    );
    const running = op.metadata as { name: string };
    expect(running.name).toMatch(new RegExp(`^${job.name}/executions/migrate-[a-z0-9]{5}$`));
    const execution = await settled(op);
    expect(execution).toMatchObject({
      taskCount: 3,
      parallelism: 2,
      succeededCount: 3,
      failedCount: 0,
      cancelledCount: 0,
      retriedCount: 1,
      runningCount: 0,
      reconciling: false,
    });
    expect(completed(execution)).toMatchObject({
      state: "CONDITION_SUCCEEDED",
      message: expect.stringMatching(/^Execution completed successfully in [\d.]+s\.$/),
    });
    expect(execution.template!.containers![0].env).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: "FAIL_TASK_INDEX", value: "1" })]),
    );
    expect(execution.template!.containers![0].args).toEqual(["--target=0012"]);

    const [list] = await tasks.listTasks({ parent: execution.name }, CALL);
    expect(list.map((x) => [x.index, x.retried, completed(x)?.state])).toEqual([
      [0, 0, "CONDITION_SUCCEEDED"],
      [1, 1, "CONDITION_SUCCEEDED"],
      [2, 0, "CONDITION_SUCCEEDED"],
    ]);
    expect(list[1].lastAttemptResult).toMatchObject({ exitCode: 0 });
    // Parallelism 2: the third task starts only once one of the first two is done.
    expect(ms(list[2].startTime)).toBeGreaterThanOrEqual(
      Math.min(ms(list[0].completionTime), ms(list[1].completionTime)),
    );
    expect((await tasks.getTask({ name: list[1].name }, CALL))[0]).toEqual(list[1]);

    const [after] = await jobs.getJob({ name: job.name }, CALL);
    expect(after).toMatchObject({
      executionCount: 1,
      latestCreatedExecution: { name: execution.name, completionStatus: "EXECUTION_SUCCEEDED" },
    });
    const [listed] = await executions.listExecutions({ parent: job.name }, CALL);
    expect(listed.map((e) => e.name)).toEqual([execution.name]);

    // The task saw the contract's variables; its failed first attempt is in the logs.
    const executionId = execution.name!.split("/").pop()!;
    type LogEntry = Awaited<ReturnType<typeof logs.listLogEntries>>[0][number];
    const entries: LogEntry[] = await waitFor(async () => {
      const [es] = await logs.listLogEntries(
        {
          resourceNames: [`projects/${P}`],
          filter: `resource.type="cloud_run_job" AND resource.labels.job_name="migrate" AND labels."run.googleapis.com/execution_name"="${executionId}"`,
          pageSize: 500,
        },
        { ...CALL, autoPaginate: false },
      );
      return es.some((e: (typeof es)[number]) => e.textPayload?.startsWith("Execution completed")) ? es : null;
    }, "the execution's logs");
    const failedLine = entries.find(
      (e) =>
        e.severity === "ERROR" &&
        e.jsonPayload &&
        String(fromStruct(e.jsonPayload as never).message).includes("deadlock"),
    );
    expect(failedLine?.labels).toMatchObject({
      "run.googleapis.com/task_index": "1",
      "run.googleapis.com/task_attempt": "0",
    });
    expect(failedLine?.resource).toMatchObject({
      type: "cloud_run_job",
      labels: { project_id: P, job_name: "migrate", location: "europe-west4" },
    });
    const done = entries.filter(
      (e) => e.jsonPayload && /^task \d done$/.test(String(fromStruct(e.jsonPayload as never).message)),
    );
    expect(done.map((e) => e.labels!["run.googleapis.com/task_index"]).sort()).toEqual(["0", "1", "2"]);
  }, 60_000);

  it("cancel stops the running task and the waiting one; a finished execution cannot be cancelled", async () => {
    const job = await createJob("long", { STEP_MS: "60000" }, { taskCount: 2, parallelism: 1 });
    const [op] = await jobs.runJob({ name: job.name }, CALL);
    const name = (op.metadata as { name: string }).name;
    await waitFor(
      async () => (await executions.getExecution({ name }, CALL))[0].runningCount === 1,
      "the first task to run",
    );
    // Its process is up once it has said what it will apply.
    await waitFor(async () => {
      const [es] = await logs.listLogEntries(
        { resourceNames: [`projects/${P}`], filter: `resource.labels.job_name="long" AND "applying"` },
        { ...CALL, autoPaginate: false },
      );
      return es.length === 1;
    }, "the task's first line");
    const started = Date.now();
    const [cancel] = await executions.cancelExecution({ name }, CALL);
    const cancelled = await settled(cancel);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(cancelled).toMatchObject({ cancelledCount: 2, succeededCount: 0, runningCount: 0 });
    expect(completed(cancelled)).toMatchObject({ state: "CONDITION_FAILED", executionReason: "CANCELLED" });
    expect((await op.promise())[0].name).toBe(name);
    expect((await jobs.getJob({ name: job.name }, CALL))[0].latestCreatedExecution).toMatchObject({
      completionStatus: "EXECUTION_CANCELLED",
    });
    const [list] = await tasks.listTasks({ parent: name }, CALL);
    expect(list.map((x) => completed(x)?.executionReason)).toEqual(["CANCELLED", "CANCELLED"]);
    expect(list[1].startTime).toBeFalsy();
    // The process got SIGTERM (it says so) rather than running on.
    await waitFor(async () => {
      const [es] = await logs.listLogEntries(
        { resourceNames: [`projects/${P}`], filter: `resource.labels.job_name="long" AND "received SIGTERM"` },
        { ...CALL, autoPaginate: false },
      );
      return es.length === 1;
    }, "the task's SIGTERM line");
    expect(await code(executions.cancelExecution({ name }, CALL))).toMatchObject({
      code: 9,
      details: expect.stringContaining("already finished"),
    });
    await (await executions.deleteExecution({ name }, CALL))[0].promise();
    expect(await code(executions.getExecution({ name }, CALL))).toMatchObject({ code: 5 });
  }, 30_000);

  it("counts completed executions, task attempts by result and running executions in the job metrics", async () => {
    const own = "projects/jobs-metrics/locations/us-east1";
    const [create] = await jobs.createJob(
      {
        parent: own,
        jobId: "measured",
        job: {
          template: {
            taskCount: 2,
            template: {
              maxRetries: 1,
              containers: [
                {
                  image: IMAGE,
                  env: [
                    { name: "FAIL_TASK_INDEX", value: "1" },
                    { name: "STEP_MS", value: "50" },
                  ],
                },
              ],
            },
          },
        },
      },
      CALL,
    );
    await create.promise();
    const [op] = await jobs.runJob({ name: `${own}/jobs/measured` }, CALL);
    expect((await settled(op)).succeededCount).toBe(2);
    const mon = new monitoring.MetricServiceClient(clientOptions(t.emulator.grpcPort));
    try {
      const now = Math.floor(Date.now() / 1000) + 120;
      const read = async (type: string) => {
        const [series] = await mon.listTimeSeries(
          {
            name: "projects/jobs-metrics",
            filter: `metric.type = "run.googleapis.com/job/${type}" AND resource.labels.job_name = "measured"`,
            interval: { startTime: { seconds: now - 900 }, endTime: { seconds: now } },
          },
          { ...CALL, autoPaginate: false },
        );
        return Object.fromEntries(
          series.map((x) => [
            x.metric!.labels!.result ?? "",
            x.points!.reduce((n, p) => n + Number(p.value!.int64Value), 0),
          ]),
        );
      };
      expect(await read("completed_task_attempt_count")).toEqual({ succeeded: 2, failed: 1 });
      expect(await read("completed_execution_count")).toEqual({ succeeded: 1 });
      const running = await read("running_executions");
      expect(running[""]).toBeGreaterThanOrEqual(1);
      const [[descriptor]] = await mon.listMetricDescriptors(
        { name: "projects/jobs-metrics", filter: 'metric.type = "run.googleapis.com/job/running_executions"' },
        { ...CALL, autoPaginate: false },
      );
      expect(descriptor).toMatchObject({
        metricKind: "GAUGE",
        valueType: "INT64",
        monitoredResourceTypes: ["cloud_run_job"],
      });
    } finally {
      await mon.close();
    }
  });

  it("fails a task at its timeout, after its retries, and the execution with it", async () => {
    const job = await createJob("slow", { STEP_MS: "60000" }, { maxRetries: 1 });
    const [op] = await jobs.runJob({ name: job.name, overrides: { timeout: { seconds: 1 } } }, CALL);
    const name = (op.metadata as { name: string }).name;
    expect(await code(executions.deleteExecution({ name }, CALL))).toMatchObject({ code: 9 });
    const execution = await settled(op);
    expect(execution).toMatchObject({ failedCount: 1, succeededCount: 0, retriedCount: 1 });
    expect(completed(execution)).toMatchObject({
      state: "CONDITION_FAILED",
      executionReason: "NON_ZERO_EXIT_CODE",
      message: expect.stringContaining("timeout"),
    });
    const [[task]] = await tasks.listTasks({ parent: name }, CALL);
    expect(task).toMatchObject({ retried: 1, lastAttemptResult: { status: { code: 4 } } });
    expect(ms(task.completionTime) - ms(task.startTime)).toBeGreaterThanOrEqual(2_000);
  }, 30_000);
});
