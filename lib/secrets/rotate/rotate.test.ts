// Secret rotation against the real emulator, through the official clients:
// a database password rotated end to end, a wrong value rolled back with the
// service still serving, and the guards. Each test creates its own secret and
// its own service reading it (pyplots-api's image on the seeded pyplots-db),
// so no test waits on another's rotation lock or sees its versions. The
// follower is driven here; the pg-boss queue that runs it in the portal is
// tested in lib/operations.
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { hostOf, request, waitFor } from "../../../emulator/testing/harness";
import { startTestEmulator } from "../../../test/emulator";
import { freshPortalDb, makeUser } from "../../../test/portal-db";
import { runGuarded } from "../../actions";
import type { Actor } from "../../auth/roles";
import type { Db } from "../../db";
import { secretsClient, sqlClients } from "../../gcp/clients";
import { followOperation, getOperation } from "../../operations";
import { EMULATOR_DEFAULT_LOCATIONS, ensureLocations } from "../../services/locations";
import { getService } from "../../services";
import { pollRotation, rotateDefinition, rotationFollowers, type RotationDeps } from ".";

let db: Db;
let deps: RotationDeps;
let routerPort: number;
let stop: () => Promise<void>;
let setFaults: (rules: object) => void;
let operator: Actor;
const enqueued: string[] = [];
const project = "pyplots-prod";
const region = "europe-west4";
const sqlInstance = "pyplots-db";
const sqlUser = "pyplots";
const API_IMAGE = "europe-west4-docker.pkg.dev/pyplots-prod/app/pyplots-api";

beforeAll(async () => {
  const t = await startTestEmulator({ sqlOperationMs: 100 });
  const target = { emulatorHost: t.emulator.endpoint };
  deps = {
    run: t.clients,
    secrets: secretsClient(target),
    sql: sqlClients(target),
    enqueueFollow: async (id) => void enqueued.push(id),
  };
  routerPort = t.emulator.routerPort;
  stop = () => t.emulator.stop();
  setFaults = (rules) => t.emulator.faults.set(rules);
  db = await freshPortalDb();
  await ensureLocations(db, EMULATOR_DEFAULT_LOCATIONS);
  operator = await makeUser(db, "operator");
}, 120_000);

// Whatever a test asserted, no rotation stays `running` holding its secret's lock.
afterEach(async () => {
  setFaults([]);
  for (const op of await db.operation.findMany({ where: { status: "running" } }))
    await followOperation(
      db,
      rotationFollowers(() => deps),
      op.id,
      90_000,
    );
});

afterAll(async () => {
  await stop?.();
});

let seq = 0;
/** A new id for a test's own secret and service (Cloud Run ids: lowercase, ≤ 49 characters). */
const freshId = (what: string) => `${what}-${++seq}-${randomBytes(3).toString("hex")}`;

/** Sets the Cloud SQL user's password and waits for Cloud SQL's operation to finish. */
async function setSqlPassword(password: string) {
  const [op] = await deps.sql.users.update({ project, instance: sqlInstance, name: sqlUser, body: { password } });
  await waitFor(
    async () => (await deps.sql.operations.get({ project, operation: op.name! }))[0].status === "DONE",
    `Cloud SQL operation ${op.name}`,
    30_000,
  );
}

type Own = {
  secret: string;
  name: string;
  api: { project: string; region: string; service: string };
  /** Full Cloud Run service name, the key of the rotation's `checks`. */
  serviceName: string;
  host: string;
  value: string;
};

/** A new secret with one version, labelled as the password of pyplots on pyplots-db. */
async function ownSecret(prefix: string) {
  const secret = freshId(prefix);
  const value = randomBytes(16).toString("hex");
  const name = `projects/${project}/secrets/${secret}`;
  await deps.secrets.createSecret({
    parent: `projects/${project}`,
    secretId: secret,
    secret: { replication: { automatic: {} }, labels: { "cloudsql-instance": sqlInstance, "cloudsql-user": sqlUser } },
  });
  await deps.secrets.addSecretVersion({ parent: name, payload: { data: Buffer.from(value) } });
  return { secret, name, value };
}

/**
 * This test's own secret, holding the password of pyplots on pyplots-db (set
 * to a new value here), and its own service running pyplots-api's image with
 * DB_PASSWORD from that secret: `/plots` answers 200 only while the two agree.
 * `pinned` refers to version 1 instead of `latest`, so every instance of the
 * first revision, warm or new, reads the first value. `debugTag` deploys a
 * second revision and rolls back to the first, tagging the second, as the
 * seeded pyplots-api is.
 */
async function ownDatabaseReader(opts: { pinned?: boolean; debugTag?: boolean } = {}): Promise<Own> {
  const { secret: id, name, value } = await ownSecret("rot");
  await setSqlPassword(value);
  const template = (tag: string) => ({
    containers: [
      {
        image: `${API_IMAGE}:${tag}`,
        env: [
          {
            name: "DATABASE_URL",
            valueSource: { secretKeyRef: { secret: "db-connection-string", version: "latest" } },
          },
          { name: "DB_PASSWORD", valueSource: { secretKeyRef: { secret: id, version: opts.pinned ? "1" : "latest" } } },
        ],
      },
    ],
  });
  const parent = `projects/${project}/locations/${region}`;
  const [op] = await deps.run.services.createService({ parent, serviceId: id, service: { template: template("v6") } });
  let [service] = await op.promise();
  if (opts.debugTag) {
    const first = service.latestReadyRevision!;
    const [deploy] = await deps.run.services.updateService({
      service: { name: service.name, template: template("v7") },
    });
    const [deployed] = await deploy.promise();
    const second = deployed.latestReadyRevision!;
    const [route] = await deps.run.services.updateService({
      service: {
        name: service.name,
        traffic: [
          { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: short(first), percent: 100 },
          { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: short(second), percent: 0, tag: "v7-debug" },
        ],
      },
      updateMask: { paths: ["traffic"] },
    });
    [service] = await route.promise();
  }
  const own = {
    secret: id,
    name,
    api: { project, region, service: id },
    serviceName: service.name!,
    host: hostOf(service.uri!),
    value,
  };
  expect((await plotsOf(own)).status).toBe(200);
  return own;
}

const short = (name: string) => name.split("/").pop()!;
const plotsOf = (own: Own) => request(routerPort, own.host, "/plots", { timeoutMs: 20_000 });
const versionsOf = async (own: Pick<Own, "name">) =>
  Object.fromEntries(
    (await deps.secrets.listSecretVersions({ parent: own.name }))[0].map((v) => [
      v.name!.split("/").pop()!,
      String(v.state),
    ]),
  );
const latestValueOf = async (own: Own) =>
  Buffer.from(
    (await deps.secrets.accessSecretVersion({ name: `${own.name}/versions/latest` }))[0].payload!.data as Uint8Array,
  ).toString();
const servingOf = async (own: Own) =>
  (await getService(own.api, deps.run)).service.traffic.map((t) => [t.revision, t.percent, t.tag]);
const rotate = (actor: Actor, own: Pick<Own, "secret" | "serviceName">, input: Record<string, unknown>) =>
  runGuarded(
    rotateDefinition(() => deps),
    actor,
    { project, secret: own.secret, idempotencyKey: randomUUID(), checks: { [own.serviceName]: "/plots" }, ...input },
    { db },
  );
const withSql = { setSqlPassword: "on", sqlInstance, sqlUser };

async function follow(result: Awaited<ReturnType<typeof rotate>>) {
  expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
  const id = (result as { data: { operationId: string } }).data.operationId;
  expect(enqueued).toContain(id);
  expect(
    await followOperation(
      db,
      rotationFollowers(() => deps),
      id,
      90_000,
    ),
  ).toBe(true);
  return (await getOperation(db, id))!;
}

/** Every audit row of the test database as text: a secret value must appear in none. */
const auditText = async () =>
  JSON.stringify(await db.auditEvent.findMany(), (_k, v) => (typeof v === "bigint" ? String(v) : v));

describe("rotating a database password", () => {
  it("adds a generated version, sets the Cloud SQL user, redeploys the reader under a checked tag, then disables the old version", async () => {
    const own = await ownDatabaseReader({ debugTag: true });
    const before = await servingOf(own);
    const [previousRevision] = before[0] as [string];
    expect(await versionsOf(own)).toEqual({ "1": "ENABLED" });

    const result = await rotate(operator, own, {
      mode: "generate",
      length: 40,
      alphabet: "letters-digits",
      ...withSql,
    });
    // A second rotation of the same secret waits for the first.
    const second = await rotate(operator, own, { mode: "generate", length: 40, alphabet: "hex" });
    expect(second).toMatchObject({ ok: false, code: "conflict" });
    const op = await follow(result);
    expect(op.status, op.error ?? "").toBe("succeeded");
    expect(op.steps.map((s) => [s.label, s.state])).toEqual([
      [`Add ${own.secret} v2`, "done"],
      ["Set password of pyplots on pyplots-db", "done"],
      [`Redeploy ${own.api.service}`, "done"],
      ["Disable v1", "done"],
    ]);
    expect(await versionsOf(own)).toEqual({ "2": "ENABLED", "1": "DISABLED" });
    const value = await latestValueOf(own);
    expect(value).toMatch(/^[A-Za-z0-9]{40}$/);

    // The serving revision was re-created (same image) and took its share; the debug tag stays where it was.
    const { service, revisions } = await getService(own.api, deps.run);
    const [newRevision, percent] = service.traffic[0] ? [service.traffic[0].revision, service.traffic[0].percent] : [];
    expect(percent).toBe(100);
    expect(newRevision).not.toBe(previousRevision);
    expect(service.traffic.filter((t) => t.tag).map((t) => [t.tag, t.revision])).toEqual(
      before.filter((t) => t[2]).map((t) => [t[2], t[0]]),
    );
    const created = revisions.find((r) => r.name === newRevision)!;
    expect(created.image).toBe(revisions.find((r) => r.name === previousRevision)!.image);
    expect(created.changeRef).toBe(`rotate ${own.secret} to v2`);
    expect(created.deployedBy).toBe(operator.email);
    const answer = await plotsOf(own);
    expect(answer.status).toBe(200);
    expect(answer.headers["x-runway-revision"]).toBe(newRevision);
    expect((answer.json().plots as unknown[]).length).toBe(36);

    const actions = (await db.auditEvent.findMany({ where: { requestId: op.id }, orderBy: { at: "asc" } })).map((a) => [
      a.action,
      a.outcome,
    ]);
    expect(actions).toEqual([
      ["secrets.rotate.sql-password-set", "success"],
      ["secrets.rotate.redeployed", "success"],
      ["secrets.rotate.version-disabled", "success"],
      ["secrets.rotate.completed", "success"],
    ]);
    expect(
      (await db.auditEvent.findFirst({ where: { action: "secrets.rotate", outcome: "success", target: own.name } }))
        ?.details,
    ).toMatchObject({ before: { version: "1" }, after: { version: "2" } });
    expect(await auditText()).not.toContain(value);
    expect(JSON.stringify(await db.operation.findMany())).not.toContain(value);
  });

  it("rolls back a wrong value: the reader keeps serving, the old value is the latest again, the wrong one is disabled", async () => {
    const own = await ownDatabaseReader();
    const before = await servingOf(own);
    const wrong = "not-the-database-password-123";
    const op = await follow(
      await rotate(operator, own, { mode: "enter", newValue: wrong, confirmValue: wrong, setSqlPassword: "off" }),
    );

    expect(op.status).toBe("failed");
    const id = own.api.service;
    expect(op.error).toMatch(
      new RegExp(
        `^${id}'s new revision ${id}-\\d{5}-[a-z0-9]{3} failed its checks: 500 on /plots, 3 of 3 answers failed\\. Rolled back: traffic of ${id} back to 100% ${id}-`,
      ),
    );
    expect(op.error).toContain("v1's value is the latest again as v3; v2 disabled");
    expect(op.steps.map((s) => s.state)).toEqual(["done", "failed", "pending", "done"]);
    expect(await servingOf(own)).toEqual(before);
    expect((await plotsOf(own)).status).toBe(200);
    expect(await versionsOf(own)).toEqual({ "3": "ENABLED", "2": "DISABLED", "1": "ENABLED" });
    expect(await latestValueOf(own)).toBe(own.value);

    const actions = (await db.auditEvent.findMany({ where: { requestId: op.id }, orderBy: { at: "asc" } })).map((a) => [
      a.action,
      a.outcome,
    ]);
    expect(actions).toEqual([
      ["secrets.rotate.stopped", "failed"],
      ["secrets.rotate.rollback.restore-traffic", "success"],
      ["secrets.rotate.rollback.restore-value", "success"],
      ["secrets.rotate.rollback.disable-new-version", "success"],
      ["secrets.rotate.completed", "failed"],
    ]);
    const text = await auditText();
    expect(text).not.toContain(wrong);
    expect(text).not.toContain(own.value);
  });
});

describe("rotating a key read by a service in the middle of a canary", () => {
  it("re-creates both serving revisions and keeps the 90/10 split and the canary tag on their replacements", async () => {
    const id = freshId("canary");
    const name = `projects/${project}/secrets/${id}`;
    await deps.secrets.createSecret({
      parent: `projects/${project}`,
      secretId: id,
      secret: { replication: { automatic: {} } },
    });
    await deps.secrets.addSecretVersion({
      parent: name,
      payload: { data: Buffer.from(randomBytes(16).toString("hex")) },
    });
    const template = (image: string) => ({
      containers: [
        { image, env: [{ name: "API_KEY", valueSource: { secretKeyRef: { secret: id, version: "latest" } } }] },
      ],
    });
    const [created] = await deps.run.services.createService({
      parent: `projects/${project}/locations/${region}`,
      serviceId: id,
      service: { template: template("gcr.io/canary/hello:v1") },
    });
    const [v1] = await created.promise();
    const [deployed] = await deps.run.services.updateService({
      service: {
        name: v1.name,
        template: template("gcr.io/canary/hello:v2"),
        traffic: [
          { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: short(v1.latestReadyRevision!), percent: 90 },
          { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 10, tag: "canary" },
        ],
      },
    });
    await deployed.promise();
    const ref = { project, region, service: id };
    const split = async () =>
      (await getService(ref, deps.run)).service.traffic.map((t) => ({
        revision: t.revision,
        percent: t.percent,
        tag: t.tag,
      }));
    const before = await split();
    expect(before.map((t) => [t.percent, t.tag])).toEqual([
      [90, null],
      [10, "canary"],
    ]);

    const op = await follow(
      await runGuarded(
        rotateDefinition(() => deps),
        operator,
        { project, secret: id, idempotencyKey: randomUUID(), mode: "generate", alphabet: "hex", length: 64 },
        { db },
      ),
    );
    expect(op.status, op.error ?? "").toBe("succeeded");
    const after = await split();
    expect(after.map((t) => [t.percent, t.tag])).toEqual([
      [90, null],
      [10, "canary"],
    ]);
    expect(after.map((t) => t.revision)).not.toContain(before[0].revision);
    expect(after.map((t) => t.revision)).not.toContain(before[1].revision);
    const { revisions } = await getService(ref, deps.run);
    const image = (name: string) => revisions.find((x) => x.name === name)!.image;
    // Each replacement runs what its predecessor ran.
    expect(image(after[0].revision)).toBe("gcr.io/canary/hello:v1");
    expect(image(after[1].revision)).toBe("gcr.io/canary/hello:v2");
  });
});

describe("rolling back after the Cloud SQL password was set", () => {
  it("sets the password back first, so the serving revision heals, then restores traffic and the value", async () => {
    // The serving revision reads version 1: any instance of it, warm or new, holds the old password.
    const own = await ownDatabaseReader({ pinned: true });
    const before = await servingOf(own);
    const r = await rotate(operator, own, { mode: "generate", ...withSql });
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
    expect((await plotsOf(own)).status).toBe(500);
    expect(
      await followOperation(
        db,
        rotationFollowers(() => deps),
        id,
        90_000,
      ),
    ).toBe(true);
    op = (await getOperation(db, id))!;
    expect(op.status).toBe("failed");
    expect(op.error).toMatch(
      new RegExp(
        `^Cloud Run rejected this while rotating ${own.secret}: template rejected for the test\\. Rolled back: password of pyplots on pyplots-db set back to v1's value; traffic of ${own.api.service} back to`,
      ),
    );
    expect((await plotsOf(own)).status).toBe(200);
    expect(await servingOf(own)).toEqual(before);
    expect(await latestValueOf(own)).toBe(own.value);
  });
});

describe("resuming", () => {
  it("carries on from the row when the instance that started it stopped half-way", async () => {
    const own = await ownDatabaseReader();
    const r = await rotate(operator, own, { mode: "generate", ...withSql });
    const id = (r as { data: { operationId: string } }).data.operationId;
    // The first instance got as far as the Cloud SQL password and the new revision's plan, then died.
    let op = (await getOperation(db, id))!;
    for (let i = 0; i < 2; i++) op = await pollRotation(db, deps, op);
    expect(op.status).toBe("running");
    expect(op.steps.map((s) => s.state)).toEqual(["done", "done", "active", "pending"]);
    // Another follower picks it up from what the row says.
    expect(
      await followOperation(
        db,
        rotationFollowers(() => deps),
        id,
        90_000,
      ),
    ).toBe(true);
    expect((await getOperation(db, id))!.status).toBe("succeeded");
    expect((await plotsOf(own)).status).toBe(200);
  });
});

describe("guards", () => {
  it("refuses a developer, audits it, and adds nothing", async () => {
    const own = { ...(await ownSecret("guard")), serviceName: "" };
    const dev = await makeUser(db, "developer");
    const r = await rotate(dev, own, { mode: "generate" });
    expect(r).toMatchObject({ ok: false, code: "forbidden" });
    expect(await versionsOf(own)).toEqual({ "1": "ENABLED" });
    expect(await db.auditEvent.findFirst({ where: { action: "secrets.rotate", actorEmail: dev.email } })).toMatchObject(
      { outcome: "denied" },
    );
  });

  it("refuses values that differ or carry a trailing line break, without echoing them anywhere", async () => {
    const own = { ...(await ownSecret("guard")), serviceName: "" };
    const typo = await rotate(operator, own, {
      mode: "enter",
      newValue: "s3cret-value-one",
      confirmValue: "s3cret-value-0ne",
    });
    expect(typo).toMatchObject({
      ok: false,
      code: "invalid",
      fieldErrors: { confirmValue: ["The two values differ."] },
    });
    const pasted = await rotate(operator, own, {
      mode: "enter",
      newValue: "s3cret-value-two\n",
      confirmValue: "s3cret-value-two\n",
    });
    expect(pasted).toMatchObject({
      ok: false,
      code: "invalid",
      fieldErrors: { newValue: [expect.stringContaining("line break")] },
    });
    const noUser = await rotate(operator, own, {
      mode: "generate",
      setSqlPassword: "on",
      sqlInstance,
      sqlUser: "nobody",
    });
    expect(noUser).toMatchObject({
      ok: false,
      code: "invalid",
      fieldErrors: { sqlUser: ["pyplots-db has no user nobody."] },
    });
    expect(await versionsOf(own)).toEqual({ "1": "ENABLED" });
    const text = await auditText();
    expect(text).not.toContain("s3cret-value");
  });

  it("runs one rotation for a form submitted twice", async () => {
    const own = await ownDatabaseReader();
    const input = {
      project,
      secret: own.secret,
      idempotencyKey: randomUUID(),
      mode: "generate",
      checks: { [own.serviceName]: "/plots" },
      ...withSql,
    };
    const [a, b] = await Promise.all([
      runGuarded(
        rotateDefinition(() => deps),
        operator,
        input,
        { db },
      ),
      runGuarded(
        rotateDefinition(() => deps),
        operator,
        input,
        { db },
      ),
    ]);
    expect([a, b].filter((r) => r.ok && !(r as { data: { duplicate: boolean } }).data.duplicate)).toHaveLength(1);
    const first = [a, b].find((r) => r.ok && !(r as { data: { duplicate: boolean } }).data.duplicate)!;
    expect((await follow(first)).status).toBe("succeeded");
    expect(await versionsOf(own)).toEqual({ "2": "ENABLED", "1": "DISABLED" });
    expect((await plotsOf(own)).status).toBe(200);
  });
});
