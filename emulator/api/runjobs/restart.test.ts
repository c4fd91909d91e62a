// Scheduled work survives a restart: Scheduler jobs and Cloud Run jobs are in
// PostgreSQL; an execution that was running when the emulator stopped ends
// FAILED at the next start, with its operation done.
import run from "@google-cloud/run";
import { CloudSchedulerClient } from "@google-cloud/scheduler";
import { describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../../test/databases";
import { CALL, clientOptions, startTestEmulator, waitFor } from "../../testing/harness";
import { operationsProtos } from "google-gax";

const parent = "projects/restarts/locations/us-central1";

describe("restart", () => {
  it("keeps schedules and jobs, and fails the execution the stop cut short", async () => {
    const url = await createEmptyDatabase(inject("pgAdminUrl"), "emu");
    let t = await startTestEmulator(url);
    let sched = new CloudSchedulerClient(clientOptions(t.emulator.grpcPort));
    let jobs = new run.v2.JobsClient(clientOptions(t.emulator.grpcPort));
    let executions = new run.v2.ExecutionsClient(clientOptions(t.emulator.grpcPort));
    const [created] = await sched.createJob(
      {
        parent,
        job: {
          name: `${parent}/jobs/nightly`,
          schedule: "30 2 * * *",
          timeZone: "Europe/Berlin",
          httpTarget: { uri: "http://127.0.0.1:9/" },
        },
      },
      CALL,
    );
    await sched.pauseJob({ name: created.name }, CALL);
    const [op] = await jobs.createJob(
      {
        parent,
        jobId: "long",
        job: {
          template: {
            template: {
              containers: [{ image: "gcr.io/x/pyplots-migrate:v1", env: [{ name: "STEP_MS", value: "60000" }] }],
            },
          },
        },
      },
      CALL,
    );
    await op.promise();
    const [runOp] = await jobs.runJob({ name: `${parent}/jobs/long` }, CALL);
    const name = (runOp.metadata as { name: string }).name;
    await waitFor(async () => (await executions.getExecution({ name }, CALL))[0].runningCount === 1, "the task to run");
    await Promise.all([sched.close(), jobs.close(), executions.close()]);
    await t.close();

    t = await startTestEmulator(url);
    sched = new CloudSchedulerClient(clientOptions(t.emulator.grpcPort));
    jobs = new run.v2.JobsClient(clientOptions(t.emulator.grpcPort));
    executions = new run.v2.ExecutionsClient(clientOptions(t.emulator.grpcPort));
    try {
      const [again] = await sched.getJob({ name: created.name }, CALL);
      expect(again).toMatchObject({
        schedule: "30 2 * * *",
        timeZone: "Europe/Berlin",
        state: "PAUSED",
        userUpdateTime: expect.anything(),
      });
      const [execution] = await executions.getExecution({ name }, CALL);
      expect(execution).toMatchObject({ reconciling: false, runningCount: 0, failedCount: 1 });
      expect(execution.conditions!.find((c) => c.type === "Completed")).toMatchObject({
        state: "CONDITION_FAILED",
        message: expect.stringContaining("emulator restarted"),
      });
      expect((await jobs.getJob({ name: `${parent}/jobs/long` }, CALL))[0].latestCreatedExecution).toMatchObject({
        completionStatus: "EXECUTION_FAILED",
      });
      const [operation] = await jobs.operationsClient.getOperation(
        operationsProtos.google.longrunning.GetOperationRequest.fromObject({ name: runOp.name }),
      );
      expect(operation.done).toBe(true);
    } finally {
      await Promise.all([sched.close(), jobs.close(), executions.close()]);
      await t.close();
    }
  }, 60_000);
});
