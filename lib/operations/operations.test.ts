// The generic operation path that every kind shares: start (claim, send,
// record, enqueue), the registry of followers by kind, the start grace and
// the one ending. A small "widget" kind stands in for a capability here; the
// capabilities' own tests drive their real Google calls through the same path.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { freshPortalDb, makeUser } from "../../test/portal-db";
import type { Actor } from "../auth/roles";
import type { Db } from "../db";
import { Conflict, Upstream } from "../errors";
import {
  advance,
  claimOperation,
  combineFollowers,
  finishOperation,
  followOperation,
  getOperation,
  pollOperation,
  startOperation,
  type Followers,
} from ".";

let db: Db;
let actor: Actor;
const STEPS = [
  { key: "sent", label: "Sent" },
  { key: "done", label: "Done" },
] as const;

// The widget's "Google" is a counter: each look moves it one step.
const looks = new Map<string, number>();
const widgets: Followers = {
  widget: {
    area: "widgets",
    system: "the widget API",
    intervalMs: 10,
    async poll(db, op) {
      const n = (looks.get(op.id) ?? 0) + 1;
      looks.set(op.id, n);
      if (n < 3) return op;
      return finishOperation(db, "widgets", op, {
        status: "succeeded",
        steps: advance(op.steps, "done"),
        after: { looks: n },
      });
    },
  },
};

const start = (key: string, send: () => Promise<{ googleName: string }>, enqueued: string[] = []) =>
  startOperation(
    { actor, db, requestId: "r", auditId: null },
    {
      kind: "widget",
      target: "widgets/w1",
      idempotencyKey: key,
      steps: STEPS,
      system: "the widget API",
      enqueueFollow: async (id) => void enqueued.push(id),
    },
    async () => ({ ...(await send()), details: { size: 3 } }),
  );

beforeAll(async () => {
  db = await freshPortalDb();
  actor = await makeUser(db, "developer");
});

describe("starting an operation", () => {
  it("records what was sent and enqueues the follower once; a second submit returns the first", async () => {
    const key = randomUUID();
    const enqueued: string[] = [];
    const first = await start(key, async () => ({ googleName: "ops/1" }), enqueued);
    expect(first.data).toEqual({ operationId: expect.any(String), revision: null, duplicate: false });
    expect(first.details).toEqual({ runwayOperation: first.data.operationId, operation: "ops/1", size: 3 });
    const again = await start(
      key,
      async () => {
        throw new Error("must not send twice");
      },
      enqueued,
    );
    expect(again.data).toEqual({ ...first.data, duplicate: true });
    expect(again.message).toBe("Already submitted: showing the first request's progress.");
    expect(enqueued).toEqual([first.data.operationId]);
    expect(await getOperation(db, first.data.operationId)).toMatchObject({
      status: "running",
      googleName: "ops/1",
      target: "widgets/w1",
      actorEmail: actor.email,
    });
  });

  it("keeps no row when sending was refused; marks it failed when the change may have gone: a typed error's words, otherwise a generic message", async () => {
    const refused = randomUUID();
    await expect(
      start(refused, async () => {
        throw new Conflict("Someone else changed it.");
      }),
    ).rejects.toThrow("Someone else changed it.");
    const typed = randomUUID();
    await expect(
      start(typed, async () => {
        throw new Upstream("The widget API did not answer; try again.");
      }),
    ).rejects.toThrow("did not answer");
    const untyped = randomUUID();
    await expect(
      start(untyped, async () => {
        throw new Error("socket hang up at 10.0.0.7");
      }),
    ).rejects.toThrow("socket hang up");
    const rows = await db.operation.findMany({ where: { idempotencyKey: { in: [refused, typed, untyped] } } });
    const byKey = new Map(rows.map((r) => [r.idempotencyKey, r]));
    expect(byKey.has(refused)).toBe(false);
    expect(byKey.get(typed)).toMatchObject({
      status: "failed",
      error: "The widget API did not answer; try again.",
      googleName: null,
    });
    expect(byKey.get(untyped)).toMatchObject({
      status: "failed",
      error:
        "Failed while sending the change to the widget API; it may or may not have been applied, so check before trying again. The server log has the details.",
    });
    expect((byKey.get(untyped)!.steps as { state: string }[]).map((s) => s.state)).toEqual(["failed", "pending"]);
    // Refused, the same form may be sent again: nothing holds its key.
    const again = await start(refused, async () => ({ googleName: "ops/again" }));
    expect(again.data.duplicate).toBe(false);
  });
});

describe("the attempt's audit row and the operation row", () => {
  const startAudited = (key: string, auditId: bigint, sent: string[]) =>
    startOperation(
      { actor, db, requestId: "r", auditId },
      {
        kind: "widget",
        target: "widgets/w1",
        idempotencyKey: key,
        steps: STEPS,
        system: "the widget API",
        enqueueFollow: async () => {},
      },
      async () => {
        sent.push(key);
        return { googleName: "ops/linked", details: {} };
      },
    );
  const attemptRow = () =>
    db.auditEvent.create({
      data: {
        actorEmail: actor.email,
        action: "widgets.make",
        outcome: "started",
        durationMs: 0,
        requestId: randomUUID(),
      },
    });

  it("are linked in the transaction that creates the operation, and a second submit's row names the first operation", async () => {
    const key = randomUUID();
    const [first, second] = [await attemptRow(), await attemptRow()];
    const sent: string[] = [];
    const started = await startAudited(key, first.id, sent);
    await startAudited(key, second.id, sent);
    const linked = await db.auditEvent.findMany({
      where: { id: { in: [first.id, second.id] } },
      orderBy: { id: "asc" },
    });
    expect(linked.map((r) => r.operationId)).toEqual([started.data.operationId, started.data.operationId]);
    expect(sent).toEqual([key]);
  });

  it("without its audit row, no operation row is created and nothing is sent", async () => {
    const key = randomUUID();
    const sent: string[] = [];
    await expect(startAudited(key, 999_999_999n, sent)).rejects.toThrow();
    expect(await db.operation.count({ where: { idempotencyKey: key } })).toBe(0);
    expect(sent).toEqual([]);
  });
});

describe("following by kind", () => {
  it("follows a row with its kind's follower to the end, audited as <area>.<kind>.completed", async () => {
    const r = await start(randomUUID(), async () => ({ googleName: "ops/2" }));
    const id = r.data.operationId;
    expect(await followOperation(db, widgets, id, 10_000)).toBe(true);
    expect(looks.get(id)).toBe(3);
    const op = (await getOperation(db, id))!;
    expect(op).toMatchObject({ status: "succeeded", error: null });
    expect(op.steps.map((s) => s.state)).toEqual(["done", "done"]);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { requestId: id } });
    expect(audit).toMatchObject({
      action: "widgets.widget.completed",
      target: "widgets/w1",
      outcome: "success",
      actorEmail: actor.email,
    });
  });

  it("gives a row that never recorded what it sent the start grace, then calls it interrupted", async () => {
    const { operation } = await claimOperation(db, {
      idempotencyKey: randomUUID(),
      kind: "widget",
      target: "widgets/w2",
      actorEmail: actor.email,
      steps: [],
    });
    expect(await pollOperation(db, widgets, operation)).toEqual(operation);
    const old = { ...operation, createdAt: new Date(Date.now() - 121_000) };
    const done = await pollOperation(db, widgets, old);
    expect(done).toMatchObject({
      status: "failed",
      error: "Interrupted before the change reached the widget API; nothing was changed.",
    });
    expect(looks.has(operation.id)).toBe(false);
    expect(await db.auditEvent.findFirstOrThrow({ where: { requestId: operation.id } })).toMatchObject({
      action: "widgets.widget.completed",
      outcome: "failed",
    });
  });

  it("refuses a kind nobody registered, and a kind registered twice", async () => {
    const { operation } = await claimOperation(db, {
      idempotencyKey: randomUUID(),
      kind: "gadget",
      target: "gadgets/g1",
      actorEmail: actor.email,
      steps: [],
    });
    await expect(followOperation(db, widgets, operation.id, 1_000)).rejects.toThrow(
      'no follower is registered for operations of kind "gadget" (known: widget)',
    );
    expect(() => combineFollowers(widgets, widgets)).toThrow('operations of kind "widget" have two followers');
  });
});
