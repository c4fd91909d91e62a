// Finding (issue 14, 1): an input with a NUL character or a lone UTF-16
// surrogate made the audit insert fail ("audit write failed") while the action
// itself could still run. Now such values are escaped, never dropped, and the
// attempt's row is written before the action acts: when it cannot be written,
// the action does not run.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { freshPortalDb, makeUser } from "../portal-db";
import { runGuarded, type ActionDefinition } from "@/lib/actions/guarded";
import { storableJson, storableText } from "@/lib/audit/sanitize";
import type { Db } from "@/lib/db";

let db: Db;
const ran: string[] = [];
beforeAll(async () => {
  db = await freshPortalDb();
  // A database that refuses one action's audit rows, as a full disk or a broken constraint would.
  await db.$executeRawUnsafe(
    `CREATE FUNCTION refuse_audit() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'audit refused'; END $$ LANGUAGE plpgsql`,
  );
  await db.$executeRawUnsafe(
    `CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events FOR EACH ROW WHEN (NEW.action = 'test.unauditable') EXECUTE FUNCTION refuse_audit()`,
  );
});

const Input = z.object({ name: z.string().min(1) });
const definition = (name: string): ActionDefinition<typeof Input, string> => ({
  name,
  role: "viewer",
  input: Input,
  target: (i) => `things/${i.name}`,
  scope: () => "portal",
  run: async (ctx, i) => {
    ran.push(i.name);
    // What the action sees of its own row while it acts: already there, "started".
    const row = await ctx.db.auditEvent.findUniqueOrThrow({ where: { id: ctx.auditId! } });
    return { data: row.outcome, details: { echoed: i.name } };
  },
});

const NASTY = ["nul\u0000here", "lone \ud800 high", "lone \udc00 low", "pair \ud83d\ude00 ok", "\u0000", "back\\slash"];

describe("audited values", () => {
  it("escape NUL and lone surrogates as \\uXXXX and keep everything else as it is", () => {
    expect(NASTY.map(storableText)).toEqual([
      "nul\\u0000here",
      "lone \\ud800 high",
      "lone \\udc00 low",
      "pair \ud83d\ude00 ok",
      "\\u0000",
      "back\\slash",
    ]);
    expect(storableJson({ "k\u0000": ["\ud800", 1, NaN, 2n, null], d: new Date(0) })).toEqual({
      "k\\u0000": ["\\ud800", 1, "NaN", "2", null],
      d: "1970-01-01T00:00:00.000Z",
    });
  });

  it("an action given them runs once and its row holds them escaped, in the input, target and details", async () => {
    const actor = await makeUser(db, "viewer");
    for (const name of NASTY) {
      const requestId = randomUUID();
      const result = await runGuarded(
        definition("test.nasty"),
        actor,
        { name, ["extra\u0000key"]: "\udfff" },
        { db, requestId },
      );
      expect(result).toEqual({ ok: true, data: "started" });
      const rows = await db.auditEvent.findMany({ where: { requestId } });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        outcome: "success",
        target: `things/${storableText(name)}`,
        input: { name: storableText(name) },
        details: { echoed: storableText(name) },
      });
    }
    expect(ran.filter((n) => NASTY.includes(n))).toEqual(NASTY);
  });

  it("invalid input with them is audited raw, escaped", async () => {
    const actor = await makeUser(db, "viewer");
    const requestId = randomUUID();
    const result = await runGuarded(
      definition("test.nasty"),
      actor,
      { name: 5, "\u0000": ["\ud800\u0000"] },
      { db, requestId },
    );
    expect(result).toMatchObject({ ok: false, code: "invalid" });
    expect(await db.auditEvent.findFirstOrThrow({ where: { requestId } })).toMatchObject({
      outcome: "invalid",
      input: { name: 5, "\\u0000": ["\\ud800\\u0000"] },
    });
  });
});

describe("when the attempt cannot be audited", () => {
  it("the action does not run and the person is told nothing changed", async () => {
    const actor = await makeUser(db, "viewer");
    const requestId = randomUUID();
    const name = `must-not-run-${requestId}`;
    const result = await runGuarded(definition("test.unauditable"), actor, { name }, { db, requestId });
    expect(result).toEqual({
      ok: false,
      code: "internal",
      error: `Nothing was changed: the audit trail could not record this attempt (request ${requestId}).`,
    });
    expect(ran).not.toContain(name);
    expect(await db.auditEvent.count({ where: { requestId } })).toBe(0);
  });
});

describe("an action without a declared scope", () => {
  it("is refused before it runs, and the refusal is audited", async () => {
    const actor = await makeUser(db, "viewer");
    const requestId = randomUUID();
    const { scope: _, ...unscoped } = definition("test.unscoped");
    const result = await runGuarded(unscoped, actor, { name: `unscoped-${requestId}` }, { db, requestId });
    expect(result).toEqual({
      ok: false,
      code: "internal",
      error: `This action is not available (request ${requestId}).`,
    });
    expect(ran).not.toContain(`unscoped-${requestId}`);
    expect(await db.auditEvent.findFirstOrThrow({ where: { requestId } })).toMatchObject({
      outcome: "failed",
      error: "test.unscoped declares no scope, so the portal cannot check it against Settings.",
    });
  });
});
