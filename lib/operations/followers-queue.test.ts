// Database and rotation operations followed to their end through the real
// pg-boss queue, as the portal runs them (lib/services/queue.test.ts does the same for
// deploys). The followers' own steps are tested in lib/databases and
// lib/secrets/rotate with the follower driven directly.
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator } from "../../test/emulator";
import { operationEnded, startTestJobs } from "../../test/jobs";
import { createPortalDatabaseUrl, makeUser } from "../../test/portal-db";
import { runGuarded } from "../actions";
import type { Actor } from "../auth/roles";
import { backupDefinition, listBackupRuns } from "../databases";
import { createDb, type Db } from "../db";
import { runClients, secretsClient, sqlClients, type SqlClients } from "../gcp/clients";
import { rotateDefinition } from "../secrets/rotate";
import { EMULATOR_DEFAULT_LOCATIONS, ensureLocations } from "../services/locations";
import type { Jobs } from "./jobs";

let db: Db;
let jobs: Jobs;
let sql: SqlClients;
let emulatorHost: string;
let operator: Actor;
let stopEmulator: () => Promise<void>;

beforeAll(async () => {
  const t = await startTestEmulator({ sqlOperationMs: 200 });
  stopEmulator = () => t.emulator.stop();
  emulatorHost = t.emulator.endpoint;
  sql = sqlClients({ emulatorHost });
  const url = await createPortalDatabaseUrl();
  db = createDb(url);
  await ensureLocations(db, EMULATOR_DEFAULT_LOCATIONS);
  operator = await makeUser(db, "operator");
  jobs = await startTestJobs({ databaseUrl: url, db, emulatorHost });
}, 120_000);

afterAll(async () => {
  await jobs?.stop();
  await stopEmulator?.();
});

function operationId(result: { ok: boolean }): string {
  expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
  return (result as unknown as { data: { operationId: string } }).data.operationId;
}

describe("followers through the queue", () => {
  it("follows a backup to SUCCESSFUL", async () => {
    const ref = { project: "pyplots-prod", instance: "pyplots-db-staging" };
    const id = operationId(
      await runGuarded(
        backupDefinition(() => ({ sql, enqueueFollow: (op) => jobs.enqueueFollow(op) })),
        operator,
        { ...ref, idempotencyKey: randomUUID() },
        { db },
      ),
    );
    const op = await operationEnded(db, id);
    expect(op, op.error ?? "").toMatchObject({ kind: "backup", status: "succeeded" });
    expect(op.steps.map((s) => s.state)).toEqual(["done", "done"]);
    const [newest] = await listBackupRuns(sql, ref.project, ref.instance);
    expect(newest).toMatchObject({ type: "ON_DEMAND", status: "SUCCESSFUL" });
    const completed = (await db.auditEvent.findMany({ where: { action: "databases.backup.completed" } })).filter(
      (a) => (a.details as { runwayOperation?: string }).runwayOperation === id,
    );
    expect(completed.map((a) => a.outcome)).toEqual(["success"]);
  });

  it("follows a rotation to its end: new version enabled, old one disabled", async () => {
    const project = "elevendops-prod";
    const secret = `queued-${randomBytes(3).toString("hex")}`;
    const secrets = secretsClient({ emulatorHost });
    const name = `projects/${project}/secrets/${secret}`;
    await secrets.createSecret({
      parent: `projects/${project}`,
      secretId: secret,
      secret: { replication: { automatic: {} } },
    });
    await secrets.addSecretVersion({ parent: name, payload: { data: Buffer.from("first-value") } });
    const deps = {
      run: runClients({ emulatorHost }),
      secrets,
      sql,
      enqueueFollow: (op: string) => jobs.enqueueFollow(op),
    };
    const id = operationId(
      await runGuarded(
        rotateDefinition(() => deps),
        operator,
        { project, secret, idempotencyKey: randomUUID(), mode: "generate", alphabet: "hex", length: 32 },
        { db },
      ),
    );
    const op = await operationEnded(db, id);
    expect(op, op.error ?? "").toMatchObject({ kind: "rotate", status: "succeeded" });
    expect(op.steps.map((s) => [s.label, s.state])).toEqual([
      [`Add ${secret} v2`, "done"],
      ["Disable v1", "done"],
    ]);
    const [versions] = await secrets.listSecretVersions({ parent: name });
    expect(Object.fromEntries(versions.map((v) => [v.name!.split("/").pop(), String(v.state)]))).toEqual({
      "2": "ENABLED",
      "1": "DISABLED",
    });
    const actions = (await db.auditEvent.findMany({ where: { requestId: id }, orderBy: { at: "asc" } })).map((a) => [
      a.action,
      a.outcome,
    ]);
    expect(actions).toEqual([
      ["secrets.rotate.version-disabled", "success"],
      ["secrets.rotate.completed", "success"],
    ]);
  });
});
