// Finding (issue 14, 8): a copied session cookie still worked after sign-out,
// and until it expired. Cookies now carry the user's session version; sign-out
// moves it on. The role is read on every request. (The whole browser flow, a
// copied cookie after a real sign-out, is in e2e/hardening.spec.ts.)
import { beforeAll, describe, expect, it } from "vitest";
import { freshPortalDb, makeUser } from "../portal-db";
import { actorFromClaims, currentSessionVersion, revokeSessions } from "@/lib/auth/revocation";
import type { Config } from "@/lib/config";
import type { Db } from "@/lib/db";

let db: Db;
const auth: Config["auth"] = { google: null, allowedDomains: [], adminEmails: [], localSignIn: true, iap: null };
beforeAll(async () => {
  db = await freshPortalDb();
});

describe("session cookies", () => {
  it("stop working on the next request after sign-out, on every device; a new sign-in works", async () => {
    const ann = await makeUser(db, "developer");
    const cookie = { uid: ann.id, sv: await currentSessionVersion(db, ann.id) };
    const otherDevice = { ...cookie };
    expect(await actorFromClaims(db, auth, cookie)).toMatchObject({ id: ann.id, role: "developer" });
    await revokeSessions(db, ann.id);
    expect(await actorFromClaims(db, auth, cookie)).toBeNull();
    expect(await actorFromClaims(db, auth, otherDevice)).toBeNull();
    const fresh = { uid: ann.id, sv: await currentSessionVersion(db, ann.id) };
    expect(await actorFromClaims(db, auth, fresh)).toMatchObject({ id: ann.id });
  });

  it("carry no role: a role change applies on the next request", async () => {
    const bob = await makeUser(db, "operator");
    const cookie = { uid: bob.id, sv: 0 };
    expect((await actorFromClaims(db, auth, cookie))?.role).toBe("operator");
    await db.user.update({ where: { id: bob.id }, data: { role: "viewer" } });
    expect((await actorFromClaims(db, auth, cookie))?.role).toBe("viewer");
  });

  it("from before versions (none in the cookie) count as version 0; none at all is anonymous", async () => {
    const cid = await makeUser(db, "viewer");
    expect(await actorFromClaims(db, auth, { uid: cid.id })).toMatchObject({ id: cid.id });
    await revokeSessions(db, cid.id);
    expect(await actorFromClaims(db, auth, { uid: cid.id })).toBeNull();
    expect(await actorFromClaims(db, auth, {})).toBeNull();
  });

  it("of local accounts stop working when local sign-in is switched off", async () => {
    const local = await makeUser(db, "admin", "admin@runway.local");
    expect(await actorFromClaims(db, { ...auth, localSignIn: false }, { uid: local.id, sv: 0 })).toBeNull();
  });
});
