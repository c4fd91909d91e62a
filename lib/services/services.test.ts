// The services capability against the real emulator, through the official
// Cloud Run client: reads, deploys, traffic changes, rollback, and the guards.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchViaRouter, startTestEmulator } from "../../test/emulator";
import { coveredPortalDb, makeUser } from "../../test/portal-db";
import { runGuarded } from "../actions";
import type { Actor } from "../auth/roles";
import type { Db } from "../db";
import type { RunClients } from "../gcp/clients";
import { followOperation, getOperation } from "../operations";
import {
  deployDefinition,
  getService,
  listFleet,
  previousServingRevision,
  rollbackDefinition,
  sendAllToLatestDefinition,
  serviceFollowers,
  shiftTrafficDefinition,
} from ".";
import { EMULATOR_DEFAULT_LOCATIONS } from "./locations";

let db: Db;
let clients: RunClients;
let routerPort: number;
let stop: () => Promise<void>;
let dev: Actor;
const enqueued: string[] = [];
const deps = () => ({ clients, enqueueFollow: async (id: string) => void enqueued.push(id) });
const ref = { project: "pyplots-prod", region: "europe-west4", service: "pyplots-api" };

beforeAll(async () => {
  const t = await startTestEmulator();
  clients = t.clients;
  routerPort = t.emulator.routerPort;
  stop = () => t.emulator.stop();
  db = await coveredPortalDb();
  dev = await makeUser(db, "developer");
}, 120_000);

afterAll(async () => {
  await stop?.();
});

async function current() {
  return getService(ref, clients);
}

async function deployInput(overrides: Record<string, unknown> = {}) {
  const { service } = await current();
  return {
    ...ref,
    etag: service.etag,
    idempotencyKey: randomUUID(),
    image: "europe-west4-docker.pkg.dev/pyplots-prod/app/pyplots-api:v99",
    env: [{ name: "ENVIRONMENT", value: "production" }],
    secrets: [],
    cpu: "1",
    memory: "512Mi",
    minInstances: 0,
    maxInstances: 5,
    concurrency: 80,
    timeoutSeconds: 300,
    traffic: "all",
    ...overrides,
  };
}

async function runAndFollow<T extends { operationId: string }>(
  result: { ok: boolean; data?: T } & Record<string, unknown>,
) {
  expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
  const id = (result as { data: T }).data.operationId;
  expect(
    await followOperation(
      db,
      serviceFollowers(() => clients),
      id,
      90_000,
    ),
  ).toBe(true);
  return (await getOperation(db, id))!;
}

describe("reading the fleet", () => {
  it("lists every seeded service with status, URL, image and traffic", async () => {
    const fleet = await listFleet(EMULATOR_DEFAULT_LOCATIONS, clients);
    expect(fleet.failures).toEqual([]);
    expect(fleet.services.map((s) => s.id).sort()).toEqual([
      "ai-usage-analytics-pipeline",
      "elevendops",
      "intentvision-api",
      "intentvision-worker",
      "pyplots-api",
      "pyplots-frontend",
      "shortfactory-backend",
      "shortfactory-frontend",
    ]);
    for (const s of fleet.services) {
      expect(s.status).toBe("ready");
      expect(s.uri).toMatch(/^http:\/\//);
      expect(s.traffic.reduce((sum, t) => sum + t.percent, 0)).toBe(100);
      expect(s.imageTag).not.toBe("");
    }
  });

  it("reports an unreachable location without failing the others", async () => {
    // Cloud Run rejects the "-" wildcard location for ListServices.
    const fleet = await listFleet(
      [EMULATOR_DEFAULT_LOCATIONS[1], { project: "intentvision-prod", region: "-" }],
      clients,
    );
    expect(fleet.services.map((s) => s.id).sort()).toEqual(["pyplots-api", "pyplots-frontend"]);
    expect(fleet.failures).toEqual([
      expect.objectContaining({
        project: "intentvision-prod",
        region: "-",
        error: expect.stringContaining("intentvision-prod/-"),
      }),
    ]);
  });

  it("reads a service with its revision history, newest first", async () => {
    // A service no test here deploys to.
    const { service, revisions } = await getService(
      { project: "elevendops-prod", region: "us-central1", service: "elevendops" },
      clients,
    );
    expect(revisions.length).toBeGreaterThanOrEqual(2);
    expect(revisions[0].createdAt!.getTime()).toBeGreaterThanOrEqual(revisions[1].createdAt!.getTime());
    expect(revisions.reduce((s, r) => s + r.percent, 0)).toBe(100);
    expect(service.template.env.some((e) => "secret" in e && e.secret === "elevenlabs-api-key")).toBe(true);
  });
});

describe("deploying", () => {
  it("creates a revision that serves all traffic, annotated with who and why", async () => {
    const input = await deployInput({ changeRef: "PR-42", changeUrl: "https://example.com/pr/42" });
    const op = await runAndFollow(await runGuarded(deployDefinition(deps), dev, input, { db }));
    expect(op.status).toBe("succeeded");
    expect(op.steps.map((s) => s.state)).toEqual(["done", "done", "done", "done"]);
    const { service, revisions } = await current();
    expect(service.latestReadyRevision).toBe(op.revision);
    expect(service.imageTag).toBe("v99");
    const rev = revisions.find((r) => r.name === op.revision)!;
    expect(rev).toMatchObject({
      deployedBy: dev.email,
      changeRef: "PR-42",
      changeUrl: "https://example.com/pr/42",
      percent: 100,
    });
    const res = await fetchViaRouter(service.uri!, routerPort);
    expect(res.status).toBe(200);
    expect(res.revision).toBe(op.revision);
    const audit = await db.auditEvent.findFirstOrThrow({
      where: { action: "services.deploy" },
      orderBy: { id: "desc" },
    });
    expect(audit).toMatchObject({
      outcome: "success",
      target: "projects/pyplots-prod/locations/europe-west4/services/pyplots-api",
    });
    expect(audit.details).toMatchObject({ revision: op.revision, operation: expect.stringContaining("/operations/") });
  });

  it("deploys once when the same form is submitted twice", async () => {
    const input = await deployInput();
    const [a, b] = await Promise.all([
      runGuarded(deployDefinition(deps), dev, input, { db }),
      runGuarded(deployDefinition(deps), dev, input, { db }),
    ]);
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(a.data.operationId).toBe(b.data.operationId);
    expect([a.data.duplicate, b.data.duplicate].sort()).toEqual([false, true]);
    await followOperation(
      db,
      serviceFollowers(() => clients),
      a.data.operationId,
      90_000,
    );
    expect(await db.operation.count({ where: { idempotencyKey: input.idempotencyKey } })).toBe(1);
  });

  it("deploys without traffic under a tag reachable at its own URL", async () => {
    const before = (await current()).service.traffic;
    const op = await runAndFollow(
      await runGuarded(
        deployDefinition(deps),
        dev,
        await deployInput({
          traffic: "tagged",
          tag: "green",
          image: "europe-west4-docker.pkg.dev/pyplots-prod/app/pyplots-api:v100",
        }),
        { db },
      ),
    );
    const { service } = await current();
    expect(service.traffic.filter((t) => t.percent > 0).map((t) => [t.revision, t.percent])).toEqual(
      before.filter((t) => t.percent > 0).map((t) => [t.revision, t.percent]),
    );
    const green = service.traffic.find((t) => t.tag === "green")!;
    expect(green).toMatchObject({ revision: op.revision, percent: 0 });
    const res = await fetchViaRouter(green.uri!, routerPort);
    expect(res.revision).toBe(op.revision);
    expect(service.splitSince).not.toBeNull();
  });

  it("fails an unknown image with the reason and leaves traffic where it was", async () => {
    const before = (await current()).service.traffic;
    const op = await runAndFollow(
      await runGuarded(
        deployDefinition(deps),
        dev,
        await deployInput({ image: "europe-west4-docker.pkg.dev/pyplots-prod/app/no-such-image:v1" }),
        { db },
      ),
    );
    expect(op.status).toBe("failed");
    expect(op.error).toMatch(/image|not found|missing/i);
    expect(op.steps.some((s) => s.state === "failed")).toBe(true);
    expect((await current()).service.traffic).toEqual(before);
  });

  it("refuses a stale etag, says what changed, and changes nothing", async () => {
    const input = await deployInput({ etag: '"stale"' });
    const before = await current();
    const result = await runGuarded(deployDefinition(deps), dev, input, { db });
    expect(result).toMatchObject({ ok: false, code: "conflict" });
    if (!result.ok) expect(result.error).toContain("changed");
    expect((await current()).service.generation).toBe(before.service.generation);
  });

  it("refuses a viewer and starts no operation", async () => {
    const viewer = await makeUser(db, "viewer");
    const input = await deployInput();
    const result = await runGuarded(deployDefinition(deps), viewer, input, { db });
    expect(result).toMatchObject({ ok: false, code: "forbidden" });
    expect(await db.operation.count({ where: { idempotencyKey: input.idempotencyKey } })).toBe(0);
  });

  it("rejects bad input with field errors", async () => {
    const result = await runGuarded(
      deployDefinition(deps),
      dev,
      await deployInput({
        image: "not an image",
        minInstances: 9,
        maxInstances: 2,
        env: [{ name: "PORT", value: "1" }],
      }),
      { db },
    );
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(Object.keys(result.fieldErrors ?? {})).toEqual(
        expect.arrayContaining(["image", "minInstances", "env.0.name"]),
      );
  });
});

describe("traffic", () => {
  it("splits traffic between revisions and sends it all back to latest", async () => {
    const { service, revisions } = await current();
    const older = revisions.find((r) => r.status === "ready" && r.name !== service.latestReadyRevision)!;
    const shift = await runGuarded(
      shiftTrafficDefinition(deps),
      dev,
      {
        ...ref,
        etag: service.etag,
        idempotencyKey: randomUUID(),
        entries: [
          { revision: "LATEST", percent: 90 },
          { revision: older.name, percent: 10, tag: "canary" },
        ],
      },
      { db },
    );
    const op = await runAndFollow(shift);
    expect(op.status).toBe("succeeded");
    let after = (await current()).service;
    expect(after.traffic.find((t) => t.revision === older.name)).toMatchObject({ percent: 10, tag: "canary" });
    expect(after.splitSince).not.toBeNull();

    const latest = await runGuarded(
      sendAllToLatestDefinition(deps),
      dev,
      { ...ref, etag: after.etag, idempotencyKey: randomUUID() },
      { db },
    );
    await runAndFollow(latest);
    after = (await current()).service;
    expect(after.traffic.filter((t) => t.percent > 0)).toEqual([
      expect.objectContaining({ latest: true, percent: 100 }),
    ]);
    expect(after.splitSince).toBeNull();
  });

  it("refuses percentages that do not add up to 100", async () => {
    const { service } = await current();
    const result = await runGuarded(
      shiftTrafficDefinition(deps),
      dev,
      { ...ref, etag: service.etag, idempotencyKey: randomUUID(), entries: [{ revision: "LATEST", percent: 60 }] },
      { db },
    );
    expect(result).toMatchObject({
      ok: false,
      code: "invalid",
      fieldErrors: { entries: ["Percentages must add up to 100."] },
    });
  });

  it("rolls back to the previous serving revision", async () => {
    const { service, revisions } = await current();
    const previous = previousServingRevision(service, revisions)!;
    expect(previous).not.toBeNull();
    const op = await runAndFollow(
      await runGuarded(
        rollbackDefinition(deps),
        dev,
        { ...ref, etag: service.etag, idempotencyKey: randomUUID(), toRevision: previous.name },
        { db },
      ),
    );
    expect(op.status).toBe("succeeded");
    const after = (await current()).service;
    expect(after.traffic.filter((t) => t.percent > 0)).toEqual([
      expect.objectContaining({ revision: previous.name, percent: 100, latest: false }),
    ]);
    const res = await fetchViaRouter(after.uri!, routerPort);
    expect(res.revision).toBe(previous.name);
  });

  it("refuses a rollback confirmed for a revision that is no longer the previous one", async () => {
    const { service } = await current();
    const result = await runGuarded(
      rollbackDefinition(deps),
      dev,
      { ...ref, etag: service.etag, idempotencyKey: randomUUID(), toRevision: "pyplots-api-00001-zzz" },
      { db },
    );
    expect(result).toMatchObject({ ok: false, code: "conflict" });
  });
});
