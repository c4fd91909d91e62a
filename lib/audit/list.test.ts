import { beforeAll, describe, expect, it } from "vitest";
import { freshPortalDb, makeUser } from "../../test/portal-db";
import type { Db } from "../db";
import { listAuditActions, listAuditEvents } from "./list";
import { recordAudit } from "./record";
import { AuditQuery } from "./schemas";

let db: Db;
const q = (params: Record<string, string> = {}) => AuditQuery.parse(params);

beforeAll(async () => {
  db = await freshPortalDb();
  const ann = await makeUser(db, "admin", "ann@example.com");
  const bob = await makeUser(db, "viewer", "bob@example.com");
  for (let i = 0; i < 7; i++) {
    await recordAudit(db, {
      actor: i % 2 ? bob : ann,
      action: i < 5 ? "services.deploy" : "users.change-role",
      target: i < 5 ? `projects/p${i % 2}/locations/us-central1/services/s${i}` : `users/${bob.id}`,
      input: { n: i },
      outcome: i === 3 ? "denied" : "success",
      durationMs: i,
      requestId: `r${i}`,
    });
  }
  await recordAudit(db, {
    actor: null,
    action: "users.change-role",
    outcome: "denied",
    durationMs: 0,
    requestId: "anon",
  });
});

describe("listAuditEvents", () => {
  it("lists newest first", async () => {
    const page = await listAuditEvents(db, q());
    expect(page.events.map((e) => e.requestId)).toEqual(["anon", "r6", "r5", "r4", "r3", "r2", "r1", "r0"]);
    expect(page.nextBefore).toBeNull();
  });

  it("pages with a keyset cursor, without gaps or repeats", async () => {
    const seen: string[] = [];
    let before: string | undefined;
    do {
      const page = await listAuditEvents(db, q({ limit: "3", ...(before ? { before } : {}) }));
      seen.push(...page.events.map((e) => e.requestId));
      before = page.nextBefore ?? undefined;
    } while (before);
    expect(seen).toEqual(["anon", "r6", "r5", "r4", "r3", "r2", "r1", "r0"]);
  });

  it("filters by actor, action, outcome and target (exact or prefix)", async () => {
    expect((await listAuditEvents(db, q({ actor: "BOB@example.com" }))).events.map((e) => e.requestId)).toEqual([
      "r5",
      "r3",
      "r1",
    ]);
    expect((await listAuditEvents(db, q({ action: "users.change-role" }))).events).toHaveLength(3);
    expect((await listAuditEvents(db, q({ outcome: "denied" }))).events.map((e) => e.requestId)).toEqual([
      "anon",
      "r3",
    ]);
    expect((await listAuditEvents(db, q({ target: "projects/p1/*" }))).events.map((e) => e.requestId)).toEqual([
      "r3",
      "r1",
    ]);
    expect(
      (await listAuditEvents(db, q({ target: "projects/p0/locations/us-central1/services/s2" }))).events.map(
        (e) => e.requestId,
      ),
    ).toEqual(["r2"]);
    expect(
      (await listAuditEvents(db, q({ actor: "anonymous", outcome: "denied" }))).events.map((e) => e.requestId),
    ).toEqual(["anon"]);
  });

  it("offers the distinct action names for the filter", async () => {
    expect(await listAuditActions(db)).toEqual(["services.deploy", "users.change-role"]);
  });

  it("rejects filters it cannot understand", () => {
    expect(AuditQuery.safeParse({ outcome: "maybe" }).success).toBe(false);
    expect(AuditQuery.safeParse({ before: "1; DROP TABLE" }).success).toBe(false);
    expect(AuditQuery.safeParse({ limit: "100000" }).success).toBe(false);
  });
});
