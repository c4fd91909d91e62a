// Finding (issue 17): a client's x-request-id became the audit row's
// request_id, so a caller could forge or collide ids in the trail. The portal
// makes the id; a client's own is kept apart, and only when short printable ASCII.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { freshPortalDb, makeUser } from "../portal-db";
import { runGuarded, type ActionDefinition } from "@/lib/actions/guarded";
import { clientRequestId } from "@/lib/audit/request-ids";
import type { Db } from "@/lib/db";

let db: Db;
beforeAll(async () => {
  db = await freshPortalDb();
});

const Input = z.object({ name: z.string() });
const touch: ActionDefinition<typeof Input, null> = {
  name: "test.touch",
  role: "viewer",
  input: Input,
  target: (i) => `things/${i.name}`,
  scope: () => "portal",
  run: async () => ({ data: null }),
};

describe("client-sent request ids", () => {
  it.each([
    ["trace-42/abc", "trace-42/abc"],
    ["  spaced  ", "spaced"],
    ["x".repeat(64), "x".repeat(64)],
    ["x".repeat(65), null],
    ["with space", null],
    ["nul\u0000byte", null],
    ["ünïcode", null],
    ["", null],
    [null, null],
  ])("%j is kept as %j", (sent, kept) => {
    expect(clientRequestId(sent)).toBe(kept);
  });

  it("the audit row's request_id is the portal's; the client's is a separate column", async () => {
    const actor = await makeUser(db, "viewer");
    const name = randomUUID();
    const ours = randomUUID();
    await runGuarded(touch, actor, { name }, { db, requestId: ours, clientRequestId: clientRequestId("forged-id") });
    await runGuarded(
      touch,
      actor,
      { name },
      { db, requestId: randomUUID(), clientRequestId: clientRequestId("y".repeat(500)) },
    );
    const rows = await db.auditEvent.findMany({ where: { target: `things/${name}` }, orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.requestId === ours, r.clientRequestId])).toEqual([
      [true, "forged-id"],
      [false, null],
    ]);
    expect(rows[1].requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("an unchecked value handed straight to the audit is dropped there, and the row is still written", async () => {
    const actor = await makeUser(db, "viewer");
    const name = randomUUID();
    await expect(runGuarded(touch, actor, { name }, { db, clientRequestId: "z".repeat(65) })).resolves.toMatchObject({
      ok: true,
    });
    const row = await db.auditEvent.findFirstOrThrow({ where: { target: `things/${name}` } });
    expect(row.clientRequestId).toBeNull();
  });
});
