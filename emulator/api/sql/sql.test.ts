// Contract tests for Cloud SQL Admin v1 through the official @google-cloud/sql
// v1 clients (gRPC, their default), against real databases on the test
// PostgreSQL server, with the seeded pyplots-api reading from pyplots-db.
import { createHash, randomBytes } from "node:crypto";
import { v1 } from "@google-cloud/sql";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../../test/databases";
import {
  CALL,
  clientOptions,
  request,
  startTestEmulator,
  waitFor,
  code,
  type TestEmulator,
} from "../../testing/harness";
import { openDb } from "../../db";
import { SqlServer } from "./databases";

let t: TestEmulator;
let url: string;
let instances: v1.SqlInstancesServiceClient;
let backups: v1.SqlBackupRunsServiceClient;
let users: v1.SqlUsersServiceClient;
let operations: v1.SqlOperationsServiceClient;
const project = "pyplots-prod";
const instance = "pyplots-db";
const API = "pyplots-api.europe-west4.localhost";

beforeAll(async () => {
  url = await createEmptyDatabase(inject("pgAdminUrl"), "emu");
  t = await startTestEmulator(url, { seed: true, sqlOperationMs: 700 });
  const o = clientOptions(t.emulator.grpcPort);
  instances = new v1.SqlInstancesServiceClient(o);
  backups = new v1.SqlBackupRunsServiceClient(o);
  users = new v1.SqlUsersServiceClient(o);
  operations = new v1.SqlOperationsServiceClient(o);
});
afterAll(async () => {
  await Promise.allSettled([instances, backups, users, operations].map((c) => c?.close()));
  await t?.close();
});

type Op = { name?: string | null; status?: unknown; error?: { errors?: { message?: string | null }[] | null } | null };
/** Polls SqlOperationsService.Get like the portal does, until DONE; fails on an operation error. */
async function done(op: Op): Promise<Op> {
  const final = await waitFor(
    async () => {
      const [o] = await operations.get({ project, operation: op.name! }, CALL);
      return o.status === "DONE" ? o : null;
    },
    `operation ${op.name}`,
    30_000,
    150,
  );
  expect(final.error?.errors ?? []).toEqual([]);
  return final;
}

const plots = () => request(t.emulator.routerPort, API, "/plots");
const slugs = async () => ((await plots()).json().plots as { id: string }[]).map((p) => p.id);

describe("Cloud SQL Admin", () => {
  it("gets and lists the seeded instances", async () => {
    const [db] = await instances.get({ project, instance }, CALL);
    expect(db).toMatchObject({
      kind: "sql#instance",
      name: instance,
      project,
      state: "RUNNABLE",
      databaseVersion: "POSTGRES_15",
      region: "europe-west4",
      connectionName: "pyplots-prod:europe-west4:pyplots-db",
    });
    expect(db.ipAddresses).toEqual([expect.objectContaining({ type: "PRIMARY", ipAddress: "127.0.0.1" })]);
    expect(db.settings?.backupConfiguration).toMatchObject({
      enabled: { value: true },
      startTime: "03:00",
      backupRetentionSettings: { retentionUnit: "COUNT", retainedBackups: { value: 7 } },
    });
    const [list] = await instances.list({ project }, CALL);
    expect(list.items?.map((i) => i.name)).toEqual(["pyplots-db", "pyplots-db-staging"]);
    const [filtered] = await instances.list({ project, filter: "name:pyplots-db-staging state:RUNNABLE" }, CALL);
    expect(filtered.items?.map((i) => i.name)).toEqual(["pyplots-db-staging"]);
    expect((await code(instances.get({ project, instance: "nope" }, CALL))).code).toBe(5);
  });

  it("lists the automated daily backups, newest first", async () => {
    const [list] = await backups.list({ project, instance }, CALL);
    expect(list.kind).toBe("sql#backupRunsList");
    // The three seeded nightly runs; on-demand ones other tests here take may come first.
    const automated = list.items!.filter((b) => b.type === "AUTOMATED");
    expect(automated).toHaveLength(3);
    expect(automated.every((b) => b.status === "SUCCESSFUL" && b.windowStartTime)).toBe(true);
    expect(list.items!.every((b) => b.type === "AUTOMATED" || b.type === "ON_DEMAND")).toBe(true);
    const all = list.items!.map((b) => Number(b.enqueuedTime?.seconds));
    expect(all).toEqual([...all].sort((a, b) => b - a));
    expect(new Date(Number(automated[0].enqueuedTime?.seconds) * 1000).getUTCHours()).toBe(3);
    const [one] = await backups.get({ project, instance, id: automated[0].id }, CALL);
    expect(one.id).toBe(automated[0].id);
    expect((await code(backups.get({ project, instance, id: 42 }, CALL))).code).toBe(5);
  });

  it("backs up, loses rows through pyplots-api, restores, and has them back", async () => {
    const before = await slugs();
    expect(before.length).toBe(36);
    const [op] = await backups.insert(
      { project, instance, body: { description: "before cleanup", type: "AUTOMATED" } },
      CALL,
    );
    expect(op).toMatchObject({
      kind: "sql#operation",
      operationType: "BACKUP_VOLUME",
      targetId: instance,
      targetProject: project,
    });
    expect(["PENDING", "RUNNING"]).toContain(op.status);
    const backupId = op.backupContext!.backupId!;
    // One mutation at a time per instance.
    const busy = await code(backups.insert({ project, instance, body: {} }, CALL));
    expect(busy.code).toBe(10);
    await done(op);
    const [run] = await backups.get({ project, instance, id: backupId }, CALL);
    expect(run).toMatchObject({ status: "SUCCESSFUL", type: "ON_DEMAND", description: "before cleanup" });

    for (const id of before.slice(0, 5))
      expect((await request(t.emulator.routerPort, API, `/plots/${id}`, { method: "DELETE" })).status).toBe(200);
    expect((await slugs()).length).toBe(31);

    const [restore] = await instances.restoreBackup(
      { project, instance, body: { restoreBackupContext: { backupRunId: backupId, instanceId: instance, project } } },
      CALL,
    );
    expect(restore.operationType).toBe("RESTORE_VOLUME");
    const [during] = await instances.get({ project, instance }, CALL);
    expect(during.state).toBe("MAINTENANCE");
    expect((await code(users.update({ project, instance, name: "pyplots", body: { password: "x" } }, CALL))).code).toBe(
      10,
    );
    await done(restore);
    const [after] = await instances.get({ project, instance }, CALL);
    expect(after.state).toBe("RUNNABLE");
    expect(await slugs()).toEqual(before);
  });

  it("restores pyplots-db's backup into another instance", async () => {
    const [list] = await backups.list({ project, instance }, CALL);
    const automated = list.items!.find((b) => b.type === "AUTOMATED")!;
    const [op] = await instances.restoreBackup(
      {
        project,
        instance: "pyplots-db-staging",
        body: { restoreBackupContext: { backupRunId: automated.id, instanceId: instance, project } },
      },
      CALL,
    );
    await done(op);
    const staging = new SqlServer(openDb(url), url).instanceDb(project, "pyplots-db-staging");
    const admin = new URL(url);
    admin.pathname = `/${staging}`;
    const c = new pg.Client({ connectionString: admin.toString() });
    await c.connect();
    try {
      expect(Number((await c.query("SELECT count(*) AS n FROM plots")).rows[0].n)).toBe(36);
    } finally {
      await c.end();
    }
    const bad = await code(
      instances.restoreBackup(
        { project, instance, body: { restoreBackupContext: { backupRunId: 1, instanceId: instance, project } } },
        CALL,
      ),
    );
    expect(bad.code).toBe(5);
  });

  it("a wrong user password makes pyplots-api's data endpoints fail, the right one heals them", async () => {
    const [list] = await users.list({ project, instance }, CALL);
    expect(list.items?.map((u) => u.name)).toEqual(["pyplots"]);
    await done(
      (await users.update({ project, instance, name: "pyplots", body: { password: "not-the-secret" } }, CALL))[0],
    );
    const broken = await plots();
    expect(broken.status).toBe(500);
    expect(broken.json().error).toContain("password authentication failed");
    expect((await request(t.emulator.routerPort, API, "/health")).status).toBe(200);

    const { SecretManagerServiceClient } = await import("@google-cloud/secret-manager");
    const sm = new SecretManagerServiceClient(clientOptions(t.emulator.grpcPort));
    const [secret] = await sm.accessSecretVersion(
      { name: `projects/${project}/secrets/db-password/versions/latest` },
      CALL,
    );
    await sm.close();
    const [op] = await users.update(
      {
        project,
        instance,
        name: "pyplots",
        body: { password: Buffer.from(secret.payload!.data as Uint8Array).toString() },
      },
      CALL,
    );
    expect(op.operationType).toBe("UPDATE_USER");
    await done(op);
    expect((await plots()).status).toBe(200);
    expect((await code(users.update({ project, instance, name: "nobody", body: { password: "x" } }, CALL))).code).toBe(
      5,
    );
  });

  it("deletes a backup run and lists operations", async () => {
    const [op] = await backups.insert({ project, instance: "pyplots-db-staging", body: {} }, CALL);
    await done(op);
    const id = op.backupContext!.backupId!;
    const [del] = await backups.delete({ project, instance: "pyplots-db-staging", id }, CALL);
    expect(del.operationType).toBe("DELETE_BACKUP");
    await done(del);
    expect((await code(backups.get({ project, instance: "pyplots-db-staging", id }, CALL))).code).toBe(5);
    const [ops] = await operations.list({ project, instance: "pyplots-db-staging" }, CALL);
    expect(ops.items?.slice(0, 2).map((o) => o.operationType)).toEqual(["DELETE_BACKUP", "BACKUP_VOLUME"]);
    expect((await code(operations.get({ project, operation: "missing" }, CALL))).code).toBe(5);
  });

  it("rotates db-password: a new secret version, the Cloud SQL user, then a new pyplots-api revision", async () => {
    const { SecretManagerServiceClient } = await import("@google-cloud/secret-manager");
    const sm = new SecretManagerServiceClient(clientOptions(t.emulator.grpcPort));
    const fresh = `rotated-${randomBytes(8).toString("hex")}`;
    await done((await users.update({ project, instance, name: "pyplots", body: { password: fresh } }, CALL))[0]);
    // The secret still holds the old password, so every instance, warm or new, is refused.
    expect((await plots()).status).toBe(500);
    try {
      await sm.addSecretVersion(
        { parent: `projects/${project}/secrets/db-password`, payload: { data: Buffer.from(fresh) } },
        CALL,
      );
    } finally {
      await sm.close();
    }
    const name = "projects/pyplots-prod/locations/europe-west4/services/pyplots-api";
    const [svc] = await t.services.getService({ name }, CALL);
    const [op] = await t.services.updateService(
      {
        service: {
          name,
          template: {
            ...svc.template,
            revision: "",
            annotations: { ...svc.template!.annotations, "runway.dev/change": "rotate db-password" },
          },
          traffic: [{ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 100 }],
        },
      },
      CALL,
    );
    await op.promise();
    const r = await plots();
    expect(r.status).toBe(200);
    expect(r.json().count).toBe(36);
    const env = (await request(t.emulator.routerPort, API, "/debug/env")).json().env as Record<string, string>;
    expect(env.DB_PASSWORD).toBe(`sha256:${createHash("sha256").update(fresh).digest("hex").slice(0, 16)}`);
  });
});
