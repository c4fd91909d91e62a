// Secret rotation against the real emulator, through the official clients:
// a database password rotated end to end, a wrong value rolled back with the
// service still serving, and the guards. The follower is driven here; the
// pg-boss queue that runs it in the portal is tested in lib/operations.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "../../../emulator/testing/harness";
import { startTestEmulator } from "../../../test/emulator";
import { freshPortalDb, makeUser } from "../../../test/portal-db";
import { runGuarded } from "../../actions";
import type { Actor } from "../../auth/roles";
import type { Db } from "../../db";
import { secretsClient, sqlClients } from "../../gcp/clients";
import { getOperation } from "../../operations";
import { EMULATOR_DEFAULT_LOCATIONS, ensureLocations } from "../../services/locations";
import { getService } from "../../services";
import { followOperation } from "../../operations";
import { pollRotation, rotateDefinition, rotationFollowers, type RotationDeps } from ".";

let db: Db;
let deps: RotationDeps;
let routerPort: number;
let stop: () => Promise<void>;
let setFaults: (rules: object) => void;
let operator: Actor;
const enqueued: string[] = [];
const project = "pyplots-prod";
const secret = "db-password";
const name = `projects/${project}/secrets/${secret}`;
const api = { project, region: "europe-west4", service: "pyplots-api" };
const API = "pyplots-api.europe-west4.localhost";

beforeAll(async () => {
  const t = await startTestEmulator({ sqlOperationMs: 100 });
  const target = { emulatorHost: t.emulator.endpoint };
  deps = { run: t.clients, secrets: secretsClient(target), sql: sqlClients(target), enqueueFollow: async (id) => void enqueued.push(id) };
  routerPort = t.emulator.routerPort;
  stop = () => t.emulator.stop();
  setFaults = (rules) => t.emulator.faults.set(rules);
  db = await freshPortalDb();
  await ensureLocations(db, EMULATOR_DEFAULT_LOCATIONS);
  operator = await makeUser(db, "operator");
}, 120_000);

afterAll(async () => {
  await stop?.();
});

const plots = () => request(routerPort, API, "/plots", { timeoutMs: 20_000 });
const versions = async () =>
  Object.fromEntries((await deps.secrets.listSecretVersions({ parent: name }))[0].map((v) => [v.name!.split("/").pop()!, String(v.state)]));
const latestValue = async () => Buffer.from((await deps.secrets.accessSecretVersion({ name: `${name}/versions/latest` }))[0].payload!.data as Uint8Array).toString();
const serving = async () => (await getService(api, deps.run)).service.traffic.map((t) => [t.revision, t.percent, t.tag]);
const rotate = (actor: Actor, input: Record<string, unknown>) =>
  runGuarded(rotateDefinition(() => deps), actor, { project, secret, idempotencyKey: randomUUID(), checks: { [`projects/${project}/locations/europe-west4/services/pyplots-api`]: "/plots" }, ...input }, { db });

async function follow(result: Awaited<ReturnType<typeof rotate>>) {
  expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
  const id = (result as { data: { operationId: string } }).data.operationId;
  expect(enqueued).toContain(id);
  expect(await followOperation(db, rotationFollowers(() => deps), id, 90_000)).toBe(true);
  return (await getOperation(db, id))!;
}

/** Every audit row of the test database as text: a secret value must appear in none. */
const auditText = async () => JSON.stringify(await db.auditEvent.findMany(), (_k, v) => (typeof v === "bigint" ? String(v) : v));

describe("rotating a database password", () => {
  it("adds a generated version, sets the Cloud SQL user, redeploys pyplots-api under a checked tag, then disables the old version", async () => {
    expect((await plots()).status).toBe(200);
    const before = await serving();
    const [previousRevision] = before[0] as [string];
    expect(await versions()).toEqual({ "1": "ENABLED" });

    const result = await rotate(operator, { mode: "generate", length: 40, alphabet: "letters-digits", setSqlPassword: "on", sqlInstance: "pyplots-db", sqlUser: "pyplots" });
    // A second rotation of the same secret waits for the first.
    const second = await rotate(operator, { mode: "generate", length: 40, alphabet: "hex" });
    expect(second).toMatchObject({ ok: false, code: "conflict" });
    const op = await follow(result);
    expect(op.status, op.error ?? "").toBe("succeeded");
    expect(op.steps.map((s) => [s.label, s.state])).toEqual([
      ["Add db-password v2", "done"],
      ["Set password of pyplots on pyplots-db", "done"],
      ["Redeploy pyplots-api", "done"],
      ["Disable v1", "done"],
    ]);
    expect(await versions()).toEqual({ "2": "ENABLED", "1": "DISABLED" });
    const value = await latestValue();
    expect(value).toMatch(/^[A-Za-z0-9]{40}$/);

    // The serving revision was re-created (same image) and took its share; the debug tag stays where it was.
    const { service, revisions } = await getService(api, deps.run);
    const [newRevision, percent] = service.traffic[0] ? [service.traffic[0].revision, service.traffic[0].percent] : [];
    expect(percent).toBe(100);
    expect(newRevision).not.toBe(previousRevision);
    expect(service.traffic.filter((t) => t.tag).map((t) => t.tag)).toEqual(["v7-debug"]);
    const created = revisions.find((r) => r.name === newRevision)!;
    expect(created.image).toBe(revisions.find((r) => r.name === previousRevision)!.image);
    expect(created.changeRef).toBe("rotate db-password to v2");
    expect(created.deployedBy).toBe(operator.email);
    const answer = await plots();
    expect(answer.status).toBe(200);
    expect(answer.headers["x-runway-revision"]).toBe(newRevision);
    expect((answer.json().plots as unknown[]).length).toBe(36);

    const actions = (await db.auditEvent.findMany({ where: { requestId: op.id }, orderBy: { at: "asc" } })).map((a) => [a.action, a.outcome]);
    expect(actions).toEqual([
      ["secrets.rotate.sql-password-set", "success"],
      ["secrets.rotate.redeployed", "success"],
      ["secrets.rotate.version-disabled", "success"],
      ["secrets.rotate.completed", "success"],
    ]);
    expect((await db.auditEvent.findFirst({ where: { action: "secrets.rotate", outcome: "success" } }))?.details).toMatchObject({ before: { version: "1" }, after: { version: "2" } });
    expect(await auditText()).not.toContain(value);
    expect(JSON.stringify(await db.operation.findMany())).not.toContain(value);
  });

  it("rolls back a wrong value: pyplots-api keeps serving, the old value is the latest again, the wrong one is disabled", async () => {
    const before = await serving();
    const old = await latestValue();
    const wrong = "not-the-database-password-123";
    const op = await follow(await rotate(operator, { mode: "enter", newValue: wrong, confirmValue: wrong, setSqlPassword: "off" }));

    expect(op.status).toBe("failed");
    expect(op.error).toMatch(/^pyplots-api's new revision pyplots-api-\d{5}-[a-z0-9]{3} failed its checks: 500 on \/plots, 3 of 3 answers failed\. Rolled back: traffic of pyplots-api back to 100% pyplots-api-/);
    expect(op.error).toContain("v2's value is the latest again as v4; v3 disabled");
    expect(op.steps.map((s) => s.state)).toEqual(["done", "failed", "pending", "done"]);
    expect(await serving()).toEqual(before);
    expect((await plots()).status).toBe(200);
    expect(await versions()).toEqual({ "4": "ENABLED", "3": "DISABLED", "2": "ENABLED", "1": "DISABLED" });
    expect(await latestValue()).toBe(old);

    const actions = (await db.auditEvent.findMany({ where: { requestId: op.id }, orderBy: { at: "asc" } })).map((a) => [a.action, a.outcome]);
    expect(actions).toEqual([
      ["secrets.rotate.stopped", "failed"],
      ["secrets.rotate.rollback.restore-traffic", "success"],
      ["secrets.rotate.rollback.restore-value", "success"],
      ["secrets.rotate.rollback.disable-new-version", "success"],
      ["secrets.rotate.completed", "failed"],
    ]);
    const text = await auditText();
    expect(text).not.toContain(wrong);
    expect(text).not.toContain(old);
  });
});

describe("rotating a key read by a service in the middle of a canary", () => {
  it("re-creates both serving revisions and keeps the 90/10 split and the canary tag on their replacements", async () => {
    const ref = { project: "shortfactory-prod", region: "us-central1", service: "shortfactory-backend" };
    const split = async () => (await getService(ref, deps.run)).service.traffic.map((t) => ({ revision: t.revision, percent: t.percent, tag: t.tag }));
    const before = await split();
    expect(before.map((t) => [t.percent, t.tag])).toEqual([[90, null], [10, "canary"]]);
    const r = await runGuarded(rotateDefinition(() => deps), operator, { project: ref.project, secret: "gemini-api-key", idempotencyKey: randomUUID(), mode: "generate", alphabet: "hex", length: 64 }, { db });
    const op = await follow(r);
    expect(op.status, op.error ?? "").toBe("succeeded");
    const after = await split();
    expect(after.map((t) => [t.percent, t.tag])).toEqual([[90, null], [10, "canary"]]);
    expect(after.map((t) => t.revision)).not.toContain(before[0].revision);
    expect(after.map((t) => t.revision)).not.toContain(before[1].revision);
    const { revisions } = await getService(ref, deps.run);
    const image = (name: string) => revisions.find((x) => x.name === name)!.image;
    // Each replacement runs what its predecessor ran.
    expect(image(after[0].revision)).toBe(image(before[0].revision));
    expect(image(after[1].revision)).toBe(image(before[1].revision));
  });
});

describe("rolling back after the Cloud SQL password was set", () => {
  it("sets the password back first, so the serving revision heals, then restores traffic and the value", async () => {
    const before = await serving();
    const old = await latestValue();
    const r = await rotate(operator, { mode: "generate", setSqlPassword: "on", sqlInstance: "pyplots-db", sqlUser: "pyplots" });
    const id = (r as { data: { operationId: string } }).data.operationId;
    // Cloud Run refuses the new revision after the password has changed.
    setFaults({ method: "UpdateService", code: "INVALID_ARGUMENT", message: "template rejected for the test" });
    let op = (await getOperation(db, id))!;
    try {
      while (!op.steps.some((s) => s.key === "rollback")) op = await pollRotation(db, deps, op);
    } finally {
      setFaults([]);
    }
    expect(op.steps.map((s) => s.state)).toEqual(["done", "done", "failed", "pending", "active"]);
    // Until the rollback runs, the serving revision holds the old password and cannot connect.
    expect((await plots()).status).toBe(500);
    expect(await followOperation(db, rotationFollowers(() => deps), id, 90_000)).toBe(true);
    op = (await getOperation(db, id))!;
    expect(op.status).toBe("failed");
    expect(op.error).toMatch(/^Google Cloud rejected this while rotating db-password: template rejected for the test\. Rolled back: password of pyplots on pyplots-db set back to v\d+'s value; traffic of pyplots-api back to/);
    expect((await plots()).status).toBe(200);
    expect(await serving()).toEqual(before);
    expect(await latestValue()).toBe(old);
  });
});

describe("resuming", () => {
  it("carries on from the row when the instance that started it stopped half-way", async () => {
    const r = await rotate(operator, { mode: "generate", setSqlPassword: "on", sqlInstance: "pyplots-db", sqlUser: "pyplots" });
    const id = (r as { data: { operationId: string } }).data.operationId;
    // The first instance got as far as the Cloud SQL password and the new revision's plan, then died.
    let op = (await getOperation(db, id))!;
    for (let i = 0; i < 2; i++) op = await pollRotation(db, deps, op);
    expect(op.status).toBe("running");
    expect(op.steps.map((s) => s.state)).toEqual(["done", "done", "active", "pending"]);
    // Another follower picks it up from what the row says.
    expect(await followOperation(db, rotationFollowers(() => deps), id, 90_000)).toBe(true);
    expect((await getOperation(db, id))!.status).toBe("succeeded");
    expect((await plots()).status).toBe(200);
  });
});

describe("guards", () => {
  it("refuses a developer, audits it, and adds nothing", async () => {
    const dev = await makeUser(db, "developer");
    const before = await versions();
    const r = await rotate(dev, { mode: "generate" });
    expect(r).toMatchObject({ ok: false, code: "forbidden" });
    expect(await versions()).toEqual(before);
    expect(await db.auditEvent.findFirst({ where: { action: "secrets.rotate", actorEmail: dev.email } })).toMatchObject({ outcome: "denied" });
  });

  it("refuses values that differ or carry a trailing line break, without echoing them anywhere", async () => {
    const before = await versions();
    const typo = await rotate(operator, { mode: "enter", newValue: "s3cret-value-one", confirmValue: "s3cret-value-0ne" });
    expect(typo).toMatchObject({ ok: false, code: "invalid", fieldErrors: { confirmValue: ["The two values differ."] } });
    const pasted = await rotate(operator, { mode: "enter", newValue: "s3cret-value-two\n", confirmValue: "s3cret-value-two\n" });
    expect(pasted).toMatchObject({ ok: false, code: "invalid", fieldErrors: { newValue: [expect.stringContaining("line break")] } });
    const noUser = await rotate(operator, { mode: "generate", setSqlPassword: "on", sqlInstance: "pyplots-db", sqlUser: "nobody" });
    expect(noUser).toMatchObject({ ok: false, code: "invalid", fieldErrors: { sqlUser: ["pyplots-db has no user nobody."] } });
    expect(await versions()).toEqual(before);
    const text = await auditText();
    expect(text).not.toContain("s3cret-value");
  });

  it("runs one rotation for a form submitted twice", async () => {
    const key = randomUUID();
    const input = { project, secret, idempotencyKey: key, mode: "generate", setSqlPassword: "on", sqlInstance: "pyplots-db", sqlUser: "pyplots" };
    const [a, b] = await Promise.all([runGuarded(rotateDefinition(() => deps), operator, input, { db }), runGuarded(rotateDefinition(() => deps), operator, input, { db })]);
    expect([a, b].filter((r) => r.ok && !(r as { data: { duplicate: boolean } }).data.duplicate)).toHaveLength(1);
    const first = [a, b].find((r) => r.ok && !(r as { data: { duplicate: boolean } }).data.duplicate)!;
    expect((await follow(first)).status).toBe("succeeded");
    expect((await plots()).status).toBe(200);
  });
});
