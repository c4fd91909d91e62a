// Cloud Run jobs against the real emulator through the official Run v2
// clients: a run with overrides is a job-run operation followed to the end;
// a failing task ends it failed; cancel stops a running execution and refuses
// a finished one with a clear message; a viewer and an out-of-scope job are
// refused with nothing started.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../emulator/testing/harness";
import { startTestEmulator } from "../../test/emulator";
import { freshPortalDb, makeUser } from "../../test/portal-db";
import { runGuarded } from "../actions";
import type { Actor } from "../auth/roles";
import type { Db } from "../db";
import { runJobsClients, type RunJobsClients } from "../gcp/clients";
import { followOperation, getOperation } from "../operations";
import { EMULATOR_DEFAULT_LOCATIONS, ensureLocations } from "../services/locations";
import { cancelExecutionDefinition, jobFollowers, listExecutions, runJobDefinition } from ".";

let db: Db;
let clients: RunJobsClients;
let stop: () => Promise<void>;
let dev: Actor;
let viewer: Actor;
const enqueued: string[] = [];
const deps = () => ({ jobs: clients, enqueueFollow: async (id: string) => void enqueued.push(id) });
const LOC = { project: "pyplots-prod", location: "europe-west4" };
const IMAGE = "europe-west4-docker.pkg.dev/pyplots-prod/jobs/pyplots-migrate:v3";
let n = 0;

beforeAll(async () => {
  const t = await startTestEmulator();
  clients = runJobsClients({ emulatorHost: t.emulator.endpoint });
  stop = () => t.emulator.stop();
  db = await freshPortalDb();
  await ensureLocations(db, EMULATOR_DEFAULT_LOCATIONS);
  dev = await makeUser(db, "developer");
  viewer = await makeUser(db, "viewer");
}, 120_000);

afterAll(async () => {
  await stop?.();
});

/** A Cloud Run job of this test's own (tests run in random order and share none). */
async function newJob(env: Record<string, string>, maxRetries = 0, taskCount = 1) {
  const ref = { ...LOC, job: `portal-jobs-${++n}-${Date.now().toString(36)}` };
  const [op] = await clients.jobs.createJob({
    parent: `projects/${LOC.project}/locations/${LOC.location}`,
    jobId: ref.job,
    job: {
      template: {
        taskCount,
        template: {
          maxRetries,
          containers: [
            {
              image: IMAGE,
              env: Object.entries({ ROWS: "500", STEP_MS: "20", ...env }).map(([name, value]) => ({ name, value })),
            },
          ],
        },
      },
    },
  });
  await op.promise();
  return ref;
}

async function run(actor: Actor, input: Record<string, unknown>) {
  return runGuarded(
    runJobDefinition(deps),
    actor,
    { args: "", env: "", taskCount: "", idempotencyKey: randomUUID(), ...input },
    { db },
  );
}

const audits = (action: string) => db.auditEvent.findMany({ where: { action }, orderBy: { at: "asc" } });
const operationId = (r: unknown) => (r as { data: { operationId: string } }).data.operationId;

describe("run a Cloud Run job", () => {
  it("runs with overrides as a job-run operation, followed to the end with its task counts", async () => {
    const ref = await newJob({});
    const r = await run(dev, { ...ref, env: "ROWS=800\nSECRET_TOKEN=do-not-audit", taskCount: "3" });
    expect(r, JSON.stringify(r)).toMatchObject({ ok: true, data: { duplicate: false } });
    const id = operationId(r);
    expect(enqueued).toContain(id);
    expect(
      await followOperation(
        db,
        jobFollowers(() => clients),
        id,
        90_000,
      ),
    ).toBe(true);
    const op = (await getOperation(db, id))!;
    expect(op).toMatchObject({
      kind: "job-run",
      status: "succeeded",
      target: `projects/pyplots-prod/locations/europe-west4/jobs/${ref.job}`,
    });
    expect(op.steps.map((s) => [s.label, s.state])).toEqual([
      ["Starting the execution", "done"],
      ["Running tasks", "done"],
      ["Finished", "done"],
    ]);
    expect(op.steps[1].detail).toBe("3 of 3 tasks done");

    const [execution] = await listExecutions(ref, clients);
    expect(execution).toMatchObject({ state: "succeeded", counts: { tasks: 3, succeeded: 3, failed: 0 } });
    expect(execution.tasks.map((t) => [t.index, t.state])).toEqual([
      [0, "succeeded"],
      [1, "succeeded"],
      [2, "succeeded"],
    ]);
    expect(execution.durationMs).toBeGreaterThan(0);
    expect((await db.operation.findUnique({ where: { id } }))!.after).toMatchObject({
      execution: execution.id,
      state: "succeeded",
    });

    const started = (await audits("jobs.run")).find(
      (a) => (a.details as { runwayOperation?: string } | null)?.runwayOperation === id,
    )!;
    expect(started).toMatchObject({
      outcome: "success",
      details: expect.objectContaining({ overrides: { args: [], variables: ["ROWS", "SECRET_TOKEN"], taskCount: 3 } }),
    });
    expect(JSON.stringify([started.input, started.details])).not.toContain("do-not-audit");
    expect(
      (await audits("jobs.job-run.completed")).find(
        (a) => (a.details as { runwayOperation?: string } | null)?.runwayOperation === id,
      ),
    ).toMatchObject({ outcome: "success" });
  });

  it("ends failed, saying which tasks failed, when a task fails past its retries", async () => {
    const ref = await newJob({ FAIL_TASK_INDEX: "0", FAIL_TIMES: "9" });
    const id = operationId(await run(dev, ref));
    expect(
      await followOperation(
        db,
        jobFollowers(() => clients),
        id,
        90_000,
      ),
    ).toBe(true);
    const op = (await getOperation(db, id))!;
    expect(op.status).toBe("failed");
    expect(op.error).toMatch(new RegExp(`^The execution ${ref.job}-[a-z0-9]+ failed: 1 of 1 tasks failed`));
    expect(op.steps.map((s) => s.state)).toEqual(["done", "done", "failed"]);
  });

  it("refuses a viewer and a job outside the covered projects, audited, starting nothing", async () => {
    const ref = await newJob({});
    const before = await db.operation.count();
    expect(await run(viewer, ref)).toMatchObject({ ok: false, code: "forbidden" });
    expect((await audits("jobs.run")).at(-1)).toMatchObject({ outcome: "denied", actorEmail: viewer.email });
    const outside = await run(dev, { ...ref, project: "someone-elses-project" });
    expect(outside).toEqual({
      ok: false,
      code: "forbidden",
      error:
        "someone-elses-project/europe-west4 is not covered by this portal; an admin adds projects and regions in Settings.",
    });
    expect((await audits("jobs.run")).at(-1)).toMatchObject({ outcome: "denied", actorEmail: dev.email });
    expect(await db.operation.count()).toBe(before);
    expect(await listExecutions(ref, clients)).toEqual([]);
  });
});

describe("cancel an execution", () => {
  it("stops a running execution; the job-run operation ends cancelled", async () => {
    const ref = await newJob({ STEP_MS: "1000" });
    const id = operationId(await run(dev, ref));
    const [running] = await waitFor(
      async () => {
        const list = await listExecutions(ref, clients);
        return list[0]?.state === "running" ? list : null;
      },
      "the execution to run",
      30_000,
      200,
    );
    const r = await runGuarded(cancelExecutionDefinition(deps), dev, { ...ref, execution: running.id }, { db });
    expect(r, JSON.stringify(r)).toMatchObject({
      ok: true,
      message: `Cancelling ${running.id}: its running tasks are being stopped.`,
    });
    expect(
      await followOperation(
        db,
        jobFollowers(() => clients),
        id,
        60_000,
      ),
    ).toBe(true);
    const op = (await getOperation(db, id))!;
    expect(op).toMatchObject({ status: "failed" });
    expect(op.error).toMatch(new RegExp(`^The execution ${running.id} was cancelled`));
    expect((await listExecutions(ref, clients))[0].state).toBe("cancelled");
  });

  it("refuses a finished execution with a clear message, and sends nothing", async () => {
    const ref = await newJob({});
    const id = operationId(await run(dev, ref));
    expect(
      await followOperation(
        db,
        jobFollowers(() => clients),
        id,
        90_000,
      ),
    ).toBe(true);
    const [done] = await listExecutions(ref, clients);
    const r = await runGuarded(cancelExecutionDefinition(deps), dev, { ...ref, execution: done.id }, { db });
    expect(r).toMatchObject({
      ok: false,
      code: "conflict",
      error: `The execution ${done.id} already finished (succeeded); there is nothing to cancel.`,
    });
    expect((await listExecutions(ref, clients))[0]).toEqual(done);
    expect((await audits("jobs.cancel-execution")).at(-1)).toMatchObject({
      outcome: "failed",
      error: r.ok ? "" : r.error,
    });
  });
});
