// Finding (issue 17): inputs that pass validation but fail at Google left a
// failed operation row each (292 in one fuzz run), so a flood of doomed submits
// grew the operations table without bound. A row whose change never reached
// Google is removed again; the audit row records each attempt. Here through the
// real actions, the emulator and the official clients.
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator } from "../emulator";
import { coveredPortalDb, makeUser } from "../portal-db";
import { runGuarded } from "@/lib/actions";
import type { Actor } from "@/lib/auth/roles";
import { backupDefinition } from "@/lib/databases";
import type { Db } from "@/lib/db";
import { secretsClient, sqlClients, type RunClients } from "@/lib/gcp/clients";
import { rotateDefinition } from "@/lib/secrets/rotate";
import { getService, shiftTrafficDefinition } from "@/lib/services";

let db: Db;
let run: RunClients;
let endpoint: string;
let setFaults: (rules: unknown) => void;
let stop: () => Promise<void>;
let operator: Actor;
const enqueued: string[] = [];
const enqueueFollow = async (id: string) => void enqueued.push(id);
const ref = { project: "pyplots-prod", region: "europe-west4", service: "pyplots-api" };
const N = 12;

beforeAll(async () => {
  const t = await startTestEmulator();
  run = t.clients;
  endpoint = t.emulator.endpoint;
  setFaults = (rules) => t.emulator.faults.set(rules);
  stop = () => t.emulator.stop();
  db = await coveredPortalDb();
  operator = await makeUser(db, "operator");
}, 120_000);
afterAll(async () => {
  await stop?.();
});
// A test that fails with a fault set must not leave it to the next one.
afterEach(() => {
  setFaults([]);
});

const counts = async () => ({
  operations: await db.operation.count(),
  audits: await db.auditEvent.count({ where: { actorEmail: operator.email } }),
});

describe("a flood of doomed submits", () => {
  it(`${N} traffic changes on a stale etag, to a revision Google does not know, and while Google refuses: no rows left, ${3 * N} audit rows`, async () => {
    const shift = shiftTrafficDefinition(() => ({ clients: run, enqueueFollow }));
    const { service } = await getService(ref, run);
    const before = await counts();
    const results = [];
    for (let i = 0; i < N; i++) {
      const base = { ...ref, idempotencyKey: randomUUID() };
      // Checked by us before sending: someone else changed the service.
      results.push(
        await runGuarded(
          shift,
          operator,
          { ...base, etag: "stale-etag", entries: [{ revision: "LATEST", percent: 100 }] },
          { db },
        ),
      );
      // Passes validation; Google answers that the revision does not exist.
      results.push(
        await runGuarded(
          shift,
          operator,
          {
            ...base,
            idempotencyKey: randomUUID(),
            etag: service.etag,
            entries: [{ revision: `pyplots-api-nope-${i}`, percent: 100 }],
          },
          { db },
        ),
      );
    }
    setFaults([{ method: "UpdateService", code: "PERMISSION_DENIED", message: "not allowed" }]);
    for (let i = 0; i < N; i++) {
      results.push(
        await runGuarded(
          shift,
          operator,
          { ...ref, idempotencyKey: randomUUID(), etag: service.etag, entries: [{ revision: "LATEST", percent: 100 }] },
          { db },
        ),
      );
    }
    setFaults([]);
    expect(results.every((r) => !r.ok)).toBe(true);
    expect(new Set(results.map((r) => (r.ok ? "ok" : r.code)))).toEqual(new Set(["conflict", "invalid", "forbidden"]));
    const after = await counts();
    expect(after.operations).toBe(before.operations);
    expect(after.audits - before.audits).toBe(3 * N);
    expect(enqueued).toEqual([]);
  });

  it(`${N} rotations of a missing secret and ${N} backups of a missing instance leave no rows either`, async () => {
    const rotate = rotateDefinition(() => ({
      run,
      secrets: secretsClient({ emulatorHost: endpoint }),
      sql: sqlClients({ emulatorHost: endpoint }),
      enqueueFollow,
    }));
    const backup = backupDefinition(() => ({ sql: sqlClients({ emulatorHost: endpoint }), enqueueFollow }));
    const before = await counts();
    for (let i = 0; i < N; i++) {
      const r1 = await runGuarded(
        rotate,
        operator,
        { project: "pyplots-prod", secret: `missing-${i}`, idempotencyKey: randomUUID(), mode: "generate" },
        { db },
      );
      const r2 = await runGuarded(
        backup,
        operator,
        { project: "pyplots-prod", instance: `missing-db-${i}`, idempotencyKey: randomUUID() },
        { db },
      );
      expect([r1.ok || r1.code, r2.ok || r2.code]).toEqual(["not_found", "not_found"]);
    }
    const after = await counts();
    expect(after.operations).toBe(before.operations);
    expect(after.audits - before.audits).toBe(2 * N);
  });

  it("a change that may have reached Google (no answer) keeps its failed row, as before", async () => {
    const shift = shiftTrafficDefinition(() => ({ clients: run, enqueueFollow }));
    const { service } = await getService(ref, run);
    setFaults([{ method: "UpdateService", code: "INTERNAL", message: "backend error" }]);
    const key = randomUUID();
    const r = await runGuarded(
      shift,
      operator,
      { ...ref, idempotencyKey: key, etag: service.etag, entries: [{ revision: "LATEST", percent: 100 }] },
      { db },
    );
    setFaults([]);
    expect(r).toMatchObject({ ok: false, code: "upstream" });
    expect(await db.operation.findFirst({ where: { idempotencyKey: key } })).toMatchObject({
      status: "failed",
      error: "Cloud Run failed while shifting traffic of pyplots-api: backend error",
    });
  });
});
