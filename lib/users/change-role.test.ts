import { beforeAll, describe, expect, it } from "vitest";
import { freshPortalDb, makeUser } from "../../test/portal-db";
import { runGuarded } from "../actions";
import type { Db } from "../db";
import { changeRole } from "./change-role";

let db: Db;
beforeAll(async () => {
  db = await freshPortalDb();
});

describe("users.change-role", () => {
  it("lets an admin change a role and records before and after", async () => {
    const admin = await makeUser(db, "admin");
    const bob = await makeUser(db, "viewer");
    const result = await runGuarded(changeRole, admin, { userId: bob.id, role: "operator" }, { db });
    expect(result).toMatchObject({ ok: true, data: { email: bob.email, role: "operator" } });
    expect((await db.user.findUniqueOrThrow({ where: { id: bob.id } })).role).toBe("operator");
    const audit = await db.auditEvent.findFirstOrThrow({ orderBy: { id: "desc" } });
    expect(audit).toMatchObject({
      action: "users.change-role",
      target: `users/${bob.id}`,
      outcome: "success",
      details: { email: bob.email, before: "viewer", after: "operator" },
    });
  });

  it.each(["viewer", "developer", "operator"] as const)("refuses a %s and changes nothing", async (role) => {
    const caller = await makeUser(db, role);
    const victim = await makeUser(db, "viewer");
    const result = await runGuarded(changeRole, caller, { userId: victim.id, role: "admin" }, { db });
    expect(result).toMatchObject({ ok: false, code: "forbidden" });
    expect((await db.user.findUniqueOrThrow({ where: { id: victim.id } })).role).toBe("viewer");
    expect(await db.auditEvent.findFirstOrThrow({ orderBy: { id: "desc" } })).toMatchObject({
      outcome: "denied",
      actorEmail: caller.email,
    });
  });

  it("rejects an unknown role with a field error", async () => {
    const admin = await makeUser(db, "admin");
    const bob = await makeUser(db, "viewer");
    const result = await runGuarded(changeRole, admin, { userId: bob.id, role: "root" }, { db });
    expect(result).toMatchObject({
      ok: false,
      code: "invalid",
      fieldErrors: { role: [expect.stringContaining("viewer")] },
    });
  });

  it("never demotes the last admin", async () => {
    const lonely = await freshPortalDb();
    const admin = await makeUser(lonely, "admin");
    const result = await runGuarded(changeRole, admin, { userId: admin.id, role: "viewer" }, { db: lonely });
    expect(result).toMatchObject({ ok: false, code: "conflict" });
    expect((await lonely.user.findUniqueOrThrow({ where: { id: admin.id } })).role).toBe("admin");
  });

  it("lets only one of two admins demoting each other at once succeed", async () => {
    const pair = await freshPortalDb();
    const a = await makeUser(pair, "admin");
    const b = await makeUser(pair, "admin");
    const results = await Promise.all([
      runGuarded(changeRole, a, { userId: b.id, role: "viewer" }, { db: pair }),
      runGuarded(changeRole, b, { userId: a.id, role: "viewer" }, { db: pair }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(await pair.user.count({ where: { role: "admin" } })).toBe(1);
  });

  it("reports a user that does not exist", async () => {
    const admin = await makeUser(db, "admin");
    const result = await runGuarded(
      changeRole,
      admin,
      { userId: "00000000-0000-4000-8000-000000000000", role: "viewer" },
      { db },
    );
    expect(result).toMatchObject({ ok: false, code: "not_found" });
  });
});
