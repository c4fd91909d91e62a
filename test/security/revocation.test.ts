// Finding (issue 14, 8): a copied session cookie still worked after sign-out,
// until it expired. Cookies now name their session; sign-out revokes it. The
// role is read on every request. (The browser flow, a copied cookie after a
// real sign-out, is in e2e/hardening.spec.ts.)
import { beforeAll, describe, expect, it } from "vitest";
import { freshPortalDb, makeUser } from "../portal-db";
import { actorFromClaims, newSessionId, revokeSession } from "@/lib/auth/revocation";
import type { Config } from "@/lib/config";
import type { Db } from "@/lib/db";

let db: Db;
const auth: Config["auth"] = { google: null, allowedDomains: [], adminEmails: [], localSignIn: true, iap: null };
const inAnHour = () => new Date(Date.now() + 3600_000);
beforeAll(async () => {
  db = await freshPortalDb();
});

describe("session cookies", () => {
  it("stop working on the next request after sign-out; the person's other sessions carry on", async () => {
    const ann = await makeUser(db, "developer");
    const cookie = { uid: ann.id, sid: newSessionId() };
    const otherBrowser = { uid: ann.id, sid: newSessionId() };
    expect(await actorFromClaims(db, auth, cookie)).toMatchObject({ id: ann.id, role: "developer" });
    await revokeSession(db, cookie.sid, inAnHour());
    expect(await actorFromClaims(db, auth, cookie)).toBeNull();
    expect(await actorFromClaims(db, auth, { ...cookie })).toBeNull();
    expect(await actorFromClaims(db, auth, otherBrowser)).toMatchObject({ id: ann.id });
  });

  it("carry no role: a role change applies on the next request", async () => {
    const bob = await makeUser(db, "operator");
    const cookie = { uid: bob.id, sid: newSessionId() };
    expect((await actorFromClaims(db, auth, cookie))?.role).toBe("operator");
    await db.user.update({ where: { id: bob.id }, data: { role: "viewer" } });
    expect((await actorFromClaims(db, auth, cookie))?.role).toBe("viewer");
  });

  it("without a session id (from before sessions had one) are refused, as is no cookie at all", async () => {
    const cid = await makeUser(db, "viewer");
    expect(await actorFromClaims(db, auth, { uid: cid.id })).toBeNull();
    expect(await actorFromClaims(db, auth, { uid: cid.id, sid: "not-a-uuid" })).toBeNull();
    expect(await actorFromClaims(db, auth, {})).toBeNull();
  });

  it("revoked entries are dropped once the cookie would have expired anyway", async () => {
    const old = newSessionId();
    await revokeSession(db, old, new Date(Date.now() - 1000));
    await revokeSession(db, newSessionId(), inAnHour());
    expect(await db.revokedSession.findUnique({ where: { sessionId: old } })).toBeNull();
  });

  it("of local accounts stop working when local sign-in is switched off", async () => {
    const local = await makeUser(db, "admin", "admin@runway.local");
    expect(
      await actorFromClaims(db, { ...auth, localSignIn: false }, { uid: local.id, sid: newSessionId() }),
    ).toBeNull();
  });
});
