// The databases capability against the real emulator, through the official
// Cloud SQL v1 clients: reads, "Back up now", restore with its safety backup,
// and the guards.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "../../emulator/testing/harness";
import { startTestEmulator } from "../../test/emulator";
import { coveredPortalDb, makeUser } from "../../test/portal-db";
import { runGuarded } from "../actions";
import type { Actor } from "../auth/roles";
import type { Db } from "../db";
import { sqlClients, type SqlClients } from "../gcp/clients";
import { followOperation, getOperation, pollOperation } from "../operations";
import { backupDefinition, databaseFollowers, listBackupRuns, listDatabases, restoreDefinition } from ".";

let db: Db;
let sql: SqlClients;
let routerPort: number;
let stop: () => Promise<void>;
let operator: Actor;
let dev: Actor;
const enqueued: string[] = [];
const deps = () => ({ sql, enqueueFollow: async (id: string) => void enqueued.push(id) });
const ref = { project: "pyplots-prod", instance: "pyplots-db" };
const API = "pyplots-api.europe-west4.localhost";

beforeAll(async () => {
  const t = await startTestEmulator({ sqlOperationMs: 300 });
  sql = sqlClients({ emulatorHost: t.emulator.endpoint });
  routerPort = t.emulator.routerPort;
  stop = () => t.emulator.stop();
  db = await coveredPortalDb();
  operator = await makeUser(db, "operator");
  dev = await makeUser(db, "developer");
}, 120_000);

afterAll(async () => {
  await stop?.();
});

async function runAndFollow(result: { ok: boolean } & Record<string, unknown>) {
  expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
  const id = (result as unknown as { data: { operationId: string } }).data.operationId;
  expect(enqueued).toContain(id);
  expect(
    await followOperation(
      db,
      databaseFollowers(() => sql),
      id,
      60_000,
    ),
  ).toBe(true);
  return (await getOperation(db, id))!;
}

const slugs = async () =>
  ((await request(routerPort, API, "/plots", { timeoutMs: 20_000 })).json().plots as { id: string }[]).map((p) => p.id);
/** Names of every Cloud SQL operation on the instance, as Cloud SQL lists them. */
const sqlOperations = async () =>
  ((await sql.operations.list({ project: ref.project, instance: ref.instance }))[0].items ?? []).map((o) => o.name);
const audits = (action: string) => db.auditEvent.findMany({ where: { action }, orderBy: { at: "asc" } });

describe("reading", () => {
  it("lists the instances of each project with their backup configuration and backups, newest first", async () => {
    const [pyplots, other] = await listDatabases(["pyplots-prod", "intentvision-prod"], sql);
    expect(pyplots.error).toBeNull();
    expect(pyplots.instances.map((i) => i.name)).toEqual(["pyplots-db", "pyplots-db-staging"]);
    const main = pyplots.instances[0];
    expect(main).toMatchObject({
      state: "RUNNABLE",
      version: "POSTGRES_15",
      region: "europe-west4",
      connectionName: "pyplots-prod:europe-west4:pyplots-db",
      backups: { enabled: true, startTime: "03:00" },
    });
    // The three seeded nightly backups (other tests here may add on-demand ones, in any order).
    const automated = main.backupRuns.filter((b) => b.type === "AUTOMATED");
    expect(automated.map((b) => b.status)).toEqual(["SUCCESSFUL", "SUCCESSFUL", "SUCCESSFUL"]);
    expect(main.backupRuns.filter((b) => b.type !== "ON_DEMAND")).toEqual(automated);
    const starts = main.backupRuns.map((b) => b.enqueuedAt!.getTime());
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    expect(other.error).toBeNull();
  });
});

describe("back up now", () => {
  it("creates an on-demand backup run and follows it to SUCCESSFUL", async () => {
    const op = await runAndFollow(
      await runGuarded(backupDefinition(deps), operator, { ...ref, idempotencyKey: randomUUID() }, { db }),
    );
    expect(op).toMatchObject({
      kind: "backup",
      status: "succeeded",
      target: "projects/pyplots-prod/instances/pyplots-db",
    });
    expect(op.steps.map((s) => s.state)).toEqual(["done", "done"]);
    const [newest] = await listBackupRuns(sql, ref.project, ref.instance);
    expect(newest).toMatchObject({ type: "ON_DEMAND", status: "SUCCESSFUL" });
    expect(newest.description).toContain(operator.email);
    const mine = (a: { details: unknown }) =>
      (a.details as { runwayOperation?: string } | null)?.runwayOperation === op.id;
    const audit = (await audits("databases.backup")).find(mine)!;
    expect(audit).toMatchObject({ outcome: "success", target: "projects/pyplots-prod/instances/pyplots-db" });
    expect(audit.details).toMatchObject({ operation: op.googleName, after: { backupId: newest.id } });
    expect((await audits("databases.backup.completed")).find(mine)).toMatchObject({ outcome: "success" });
  });
});

describe("restore", () => {
  it("refuses a confirmation that is not the target's exact name, and starts nothing", async () => {
    const backupsBefore = await listBackupRuns(sql, ref.project, ref.instance);
    const sqlOpsBefore = await sqlOperations();
    const [backup] = backupsBefore;
    const before = await db.operation.count();
    const r = await runGuarded(
      restoreDefinition(deps),
      operator,
      {
        ...ref,
        sourceInstance: ref.instance,
        backupRunId: backup.id,
        confirmName: "pyplots-DB",
        idempotencyKey: randomUUID(),
      },
      { db },
    );
    expect(r).toMatchObject({
      ok: false,
      code: "invalid",
      fieldErrors: { confirmName: ["Type pyplots-db exactly to confirm."] },
    });
    expect(await db.operation.count()).toBe(before);
    // No safety backup was taken and no restore started.
    expect(await listBackupRuns(sql, ref.project, ref.instance)).toEqual(backupsBefore);
    expect(await sqlOperations()).toEqual(sqlOpsBefore);
    expect((await audits("databases.restore")).at(-1)).toMatchObject({ outcome: "invalid" });
  });

  it("refuses a developer and audits it", async () => {
    const r = await runGuarded(
      restoreDefinition(deps),
      dev,
      {
        ...ref,
        sourceInstance: ref.instance,
        backupRunId: "1",
        confirmName: ref.instance,
        idempotencyKey: randomUUID(),
      },
      { db },
    );
    expect(r).toMatchObject({ ok: false, code: "forbidden" });
    expect((await audits("databases.restore")).at(-1)).toMatchObject({ outcome: "denied", actorEmail: dev.email });
  });

  it("backs up the target first, then restores: deleted rows come back and the safety backup stays", async () => {
    const [backup] = await listBackupRuns(sql, ref.project, ref.instance);
    const before = await slugs();
    expect(before.length).toBeGreaterThan(5);
    for (const id of before.slice(0, 3))
      expect((await request(routerPort, API, `/plots/${id}`, { method: "DELETE" })).status).toBe(200);
    expect((await slugs()).length).toBe(before.length - 3);

    const key = randomUUID();
    const input = {
      ...ref,
      sourceInstance: ref.instance,
      backupRunId: backup.id,
      confirmName: ref.instance,
      idempotencyKey: key,
    };
    const first = await runGuarded(restoreDefinition(deps), operator, input, { db });
    // The same form submitted twice is the same operation.
    const again = await runGuarded(restoreDefinition(deps), operator, input, { db });
    expect(again).toMatchObject({ ok: true, data: { duplicate: true } });
    const op = await runAndFollow(first);
    expect(op, JSON.stringify(op)).toMatchObject({ kind: "restore", status: "succeeded" });
    expect(op.steps.map((s) => [s.label, s.state])).toEqual([
      ["Backing up the target", "done"],
      ["Restoring", "done"],
      ["Done", "done"],
    ]);
    expect(await slugs()).toEqual(before);

    const runs = await listBackupRuns(sql, ref.project, ref.instance);
    const safety = runs.find((b) => b.description.startsWith("Automatic safety backup"))!;
    expect(safety).toMatchObject({ status: "SUCCESSFUL", type: "ON_DEMAND" });
    expect(safety.description).toContain(`restoring backup ${backup.id}`);
    const done = (await audits("databases.restore.completed")).find(
      (a) => (a.details as { runwayOperation?: string }).runwayOperation === op.id,
    );
    expect(done).toMatchObject({
      outcome: "success",
      details: expect.objectContaining({ backupId: safety.id, restoredBackup: backup.id }),
    });
  });

  it("says another operation is running when the instance is busy", async () => {
    const [backup] = await listBackupRuns(sql, ref.project, ref.instance);
    const busy = await runGuarded(backupDefinition(deps), operator, { ...ref, idempotencyKey: randomUUID() }, { db });
    expect(busy.ok).toBe(true);
    const r = await runGuarded(
      restoreDefinition(deps),
      operator,
      {
        ...ref,
        sourceInstance: ref.instance,
        backupRunId: backup.id,
        confirmName: ref.instance,
        idempotencyKey: randomUUID(),
      },
      { db },
    );
    expect(r).toMatchObject({
      ok: false,
      code: "conflict",
      error: "Another operation is running on pyplots-db; wait for it to finish and try again.",
    });
    await runAndFollow(busy);
  });

  it("stops at the failing step with Google's message, audited, when the restore itself is refused (through the shared follower)", async () => {
    const r = await runGuarded(
      restoreDefinition(deps),
      operator,
      {
        ...ref,
        sourceInstance: ref.instance,
        backupRunId: "1",
        confirmName: ref.instance,
        idempotencyKey: randomUUID(),
      },
      { db },
    );
    expect(r, JSON.stringify(r)).toMatchObject({ ok: true });
    const id = (r as { data: { operationId: string } }).data.operationId;
    // The pg-boss follower calls pollOperation, which hands restore rows to the databases follower.
    let op = (await getOperation(db, id))!;
    const deadline = Date.now() + 60_000;
    while (op.status === "running" && Date.now() < deadline) {
      op = await pollOperation(
        db,
        databaseFollowers(() => sql),
        op,
      );
      if (op.status === "running") await new Promise((res) => setTimeout(res, 300));
    }
    expect(op.status).toBe("failed");
    expect(op.steps.map((s) => s.state)).toEqual(["done", "failed", "pending"]);
    expect(op.error).toMatch(/^Cloud SQL: not found while restoring pyplots-db/);
    expect(op.steps[1].detail).toBe(op.error);
    expect((await audits("databases.restore.completed")).at(-1)).toMatchObject({ outcome: "failed", error: op.error });
  });
});
