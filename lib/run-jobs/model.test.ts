// How executions and tasks read: their state from Cloud Run's Completed
// condition and counts, durations from their times; and the run form's input.
import { describe, expect, it } from "vitest";
import { toExecutionView, toJobView, toTaskView } from "./model";
import { RunJobInput } from "./schemas";

const ts = (iso: string) => ({ seconds: String(Date.parse(iso) / 1000), nanos: 0 });
const EXEC = "projects/pyplots-prod/locations/europe-west4/jobs/pyplots-migrate/executions/pyplots-migrate-x7k2p";

describe("toExecutionView", () => {
  it("reads a finished execution with a retried task", () => {
    const e = toExecutionView(
      {
        name: EXEC,
        createTime: ts("2026-11-30T10:00:00Z"),
        startTime: ts("2026-11-30T10:00:02Z"),
        completionTime: ts("2026-11-30T10:01:32Z"),
        taskCount: 3,
        succeededCount: 3,
        retriedCount: 1,
        conditions: [{ type: "Completed", state: "CONDITION_SUCCEEDED" }],
      },
      [
        {
          name: `${EXEC}/tasks/pyplots-migrate-x7k2p-task2`,
          index: 2,
          retried: 0,
          startTime: ts("2026-11-30T10:00:03Z"),
          completionTime: ts("2026-11-30T10:00:33Z"),
          conditions: [{ type: "Completed", state: "CONDITION_SUCCEEDED" }],
          lastAttemptResult: { exitCode: 0, status: { code: 0 } },
        },
        {
          name: `${EXEC}/tasks/pyplots-migrate-x7k2p-task0`,
          index: 0,
          retried: 1,
          startTime: ts("2026-11-30T10:00:02Z"),
          completionTime: ts("2026-11-30T10:01:32Z"),
          conditions: [{ type: "Completed", state: "CONDITION_SUCCEEDED" }],
          lastAttemptResult: { exitCode: 0 },
        },
      ],
    );
    expect(e).toMatchObject({
      id: "pyplots-migrate-x7k2p",
      state: "succeeded",
      durationMs: 90_000,
      counts: { tasks: 3, succeeded: 3, failed: 0, retried: 1 },
      message: "",
    });
    expect(e.tasks.map((t) => [t.index, t.state, t.retried, t.durationMs])).toEqual([
      [0, "succeeded", 1, 90_000],
      [2, "succeeded", 0, 30_000],
    ]);
  });

  it.each([
    [
      {
        conditions: [
          {
            type: "Completed",
            state: "CONDITION_FAILED",
            message: "Task pyplots-migrate-x7k2p-task1 failed with exit code 1",
          },
        ],
        failedCount: 1,
      },
      "failed",
    ],
    [
      {
        conditions: [{ type: "Completed", state: "CONDITION_FAILED", executionReason: "CANCELLED" }],
        cancelledCount: 2,
      },
      "cancelled",
    ],
    [
      {
        conditions: [{ type: "Completed", state: "CONDITION_PENDING" }],
        startTime: ts("2026-11-30T10:00:02Z"),
        completionTime: null,
        runningCount: 2,
      },
      "running",
    ],
    [{ conditions: [], completionTime: null }, "pending"],
  ])("reads %j as %s", (fields, state) => {
    const e = toExecutionView(
      {
        name: EXEC,
        createTime: ts("2026-11-30T10:00:00Z"),
        completionTime: ts("2026-11-30T10:01:00Z"),
        ...fields,
      } as never,
      [],
    );
    expect(e.state).toBe(state);
  });

  it("says why a failed task failed", () => {
    expect(
      toTaskView({
        name: `${EXEC}/tasks/t1`,
        index: 1,
        completionTime: ts("2026-11-30T10:01:00Z"),
        startTime: ts("2026-11-30T10:00:00Z"),
        lastAttemptResult: { exitCode: 1, status: { code: 2, message: "exit status 1" } },
      }),
    ).toMatchObject({ state: "failed", exitCode: 1, message: "exit status 1" });
  });
});

describe("toJobView", () => {
  it("reads the template and the latest execution", () => {
    expect(
      toJobView({
        name: "projects/pyplots-prod/locations/europe-west4/jobs/pyplots-migrate",
        template: {
          taskCount: 3,
          parallelism: 2,
          template: {
            containers: [{ image: "europe-west4-docker.pkg.dev/pyplots-prod/app/pyplots-api:v6", args: ["migrate"] }],
            maxRetries: 1,
            timeout: { seconds: "600" },
          },
        },
        latestCreatedExecution: {
          name: EXEC,
          completionStatus: "EXECUTION_SUCCEEDED",
          createTime: ts("2026-11-30T10:00:00Z"),
        },
      }),
    ).toMatchObject({
      id: "pyplots-migrate",
      project: "pyplots-prod",
      location: "europe-west4",
      taskCount: 3,
      parallelism: 2,
      maxRetries: 1,
      timeoutSeconds: 600,
      args: ["migrate"],
      latest: { id: "pyplots-migrate-x7k2p", state: "succeeded" },
    });
  });
});

describe("RunJobInput", () => {
  const base = {
    project: "pyplots-prod",
    location: "europe-west4",
    job: "pyplots-migrate",
    idempotencyKey: "6f1c1b1e-6f8a-4a57-9e9e-0f1f5d1c2b3a",
  };
  it("reads one argument and one variable a line; blanks keep the job's own", () => {
    expect(
      RunJobInput.parse({
        ...base,
        args: "migrate\n --to=head \n\n",
        env: "LOG_LEVEL=debug\nDSN=postgres://a=b",
        taskCount: "",
      }),
    ).toMatchObject({
      argList: ["migrate", "--to=head"],
      envList: [
        { name: "LOG_LEVEL", value: "debug" },
        { name: "DSN", value: "postgres://a=b" },
      ],
      taskCount: null,
    });
  });
  it("refuses a line that is not NAME=value and the variables Cloud Run sets", () => {
    const r = RunJobInput.safeParse({ ...base, args: "", env: "just words\nCLOUD_RUN_TASK_COUNT=9", taskCount: "0" });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["taskCount", "At least 1."],
      ["env", '"just words" is not NAME=value.'],
      ["env", "CLOUD_RUN_TASK_COUNT is set by Cloud Run for each task."],
    ]);
  });
});
