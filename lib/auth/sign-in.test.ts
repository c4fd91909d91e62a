import { beforeAll, describe, expect, it } from "vitest";
import { freshPortalDb } from "../../test/portal-db";
import type { Config } from "../config";
import type { Db } from "../db";
import { Forbidden } from "../errors";
import { ensureLocalAccounts } from "./local-accounts";
import { signInUser } from "./sign-in";

let db: Db;
const google: Config["auth"] = {
  google: { clientId: "id", clientSecret: "secret" },
  allowedDomains: ["example.com"],
  adminEmails: ["boss@example.com"],
  localSignIn: false,
  iap: null,
};
const local: Config["auth"] = { google: null, allowedDomains: [], adminEmails: [], localSignIn: true, iap: null };

beforeAll(async () => {
  db = await freshPortalDb();
  await ensureLocalAccounts(db);
});

describe("signInUser", () => {
  it("creates Google users from allowed domains as viewers", async () => {
    const actor = await signInUser(db, google, { provider: "google", email: "Ann@Example.com", name: "Ann" });
    expect(actor).toMatchObject({ email: "ann@example.com", role: "viewer", name: "Ann" });
    expect((await db.user.findUniqueOrThrow({ where: { email: "ann@example.com" } })).lastSignInAt).not.toBeNull();
  });

  it("makes ADMIN_EMAILS admins when first seen, and keeps roles changed later", async () => {
    expect((await signInUser(db, google, { provider: "google", email: "boss@example.com" })).role).toBe("admin");
    await db.user.update({ where: { email: "boss@example.com" }, data: { role: "operator" } });
    expect((await signInUser(db, google, { provider: "google", email: "boss@example.com" })).role).toBe("operator");
  });

  it("refuses other domains and unverified addresses, creating nobody", async () => {
    await expect(signInUser(db, google, { provider: "google", email: "eve@evil.example" })).rejects.toBeInstanceOf(
      Forbidden,
    );
    await expect(
      signInUser(db, google, { provider: "google", email: "unverified@example.com", emailVerified: false }),
    ).rejects.toBeInstanceOf(Forbidden);
    expect(await db.user.count({ where: { email: { in: ["eve@evil.example", "unverified@example.com"] } } })).toBe(0);
  });

  it("signs in local accounts only while local sign-in is on", async () => {
    expect((await signInUser(db, local, { provider: "local", email: "operator@runway.local" })).role).toBe("operator");
    await expect(signInUser(db, google, { provider: "local", email: "operator@runway.local" })).rejects.toBeInstanceOf(
      Forbidden,
    );
  });

  it("never signs in an arbitrary address through local sign-in", async () => {
    await expect(signInUser(db, local, { provider: "local", email: "ann@example.com" })).rejects.toBeInstanceOf(
      Forbidden,
    );
  });

  it("refuses Google sign-in when it is not configured", async () => {
    await expect(signInUser(db, local, { provider: "google", email: "ann@example.com" })).rejects.toBeInstanceOf(
      Forbidden,
    );
  });

  it("seeds the local accounts once, without resetting changed roles", async () => {
    await db.user.update({ where: { email: "viewer@runway.local" }, data: { role: "developer" } });
    await ensureLocalAccounts(db);
    expect((await db.user.findUniqueOrThrow({ where: { email: "viewer@runway.local" } })).role).toBe("developer");
    expect(await db.user.count({ where: { email: { endsWith: "@runway.local" } } })).toBe(4);
  });
});
