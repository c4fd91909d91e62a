// Behind Identity-Aware Proxy (issue 14, production deployment), Runway trusts
// IAP's signed header instead of its own sign-in, and only when it verifies:
// IAP's issuer, this deployment's audience, a key IAP signs with, not expired.
// The keys here are made for the test in IAP's format (ES256, by key id); the
// verification is google-auth-library's, as in production.
import { createSign, generateKeyPairSync } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { freshPortalDb, makeUser } from "../portal-db";
import { iapActor, verifyIapAssertion } from "@/lib/auth/iap";
import { parseConfig, type Config } from "@/lib/config";
import type { Db } from "@/lib/db";

const AUDIENCE = "/projects/123456789/global/backendServices/987654321";
const iapKey = generateKeyPairSync("ec", { namedCurve: "P-256" });
const otherKey = generateKeyPairSync("ec", { namedCurve: "P-256" });
const certs = { "iap-key-1": iapKey.publicKey.export({ type: "spki", format: "pem" }).toString() };
const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString("base64url");

function assertion(claims: Record<string, unknown>, key = iapKey.privateKey, kid = "iap-key-1"): string {
  const now = Math.floor(Date.now() / 1000);
  const body = `${b64({ alg: "ES256", kid, typ: "JWT" })}.${b64({ iss: "https://cloud.google.com/iap", aud: AUDIENCE, sub: "accounts.google.com:1", email: "Ann@Example.com", iat: now - 10, exp: now + 600, ...claims })}`;
  const signature = createSign("SHA256").update(body).sign({ key, dsaEncoding: "ieee-p1363" }).toString("base64url");
  return `${body}.${signature}`;
}

let db: Db;
beforeAll(async () => {
  db = await freshPortalDb();
});

describe("the IAP assertion header", () => {
  it("names the person when IAP signed it for this audience", async () => {
    expect(await verifyIapAssertion(assertion({}), AUDIENCE, certs)).toBe("ann@example.com");
  });

  it("is refused when forged, for another audience or issuer, expired, or missing", async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const bad of [
      assertion({}, otherKey.privateKey),
      assertion({}, iapKey.privateKey, "unknown-key"),
      assertion({ aud: "/projects/1/global/backendServices/2" }),
      assertion({ iss: "https://accounts.google.com" }),
      assertion({ iat: now - 7200, exp: now - 3600 }),
      assertion({}).replace(/\.[^.]+$/, ".AAAA"),
      "not-a-jwt",
      null,
    ])
      expect(await verifyIapAssertion(bad, AUDIENCE, certs)).toBeNull();
  });

  it("makes a first-seen person a viewer (admin when listed), and keeps an existing role", async () => {
    const auth: Config["auth"] = {
      google: null,
      allowedDomains: [],
      adminEmails: ["boss@example.com"],
      localSignIn: false,
      iap: { audience: AUDIENCE },
    };
    expect(await iapActor(db, auth, "new@example.com")).toMatchObject({ email: "new@example.com", role: "viewer" });
    expect(await iapActor(db, auth, "boss@example.com")).toMatchObject({ role: "admin" });
    await makeUser(db, "operator", "ops@example.com");
    expect(await iapActor(db, auth, "ops@example.com")).toMatchObject({ role: "operator" });
    expect(await iapActor(db, { ...auth, allowedDomains: ["corp.example"] }, "new@example.com")).toBeNull();
  });
});

describe("IAP_AUDIENCE in the configuration", () => {
  const production = {
    DATABASE_URL: "postgresql://u:p@127.0.0.1:5432/runway",
    AUTH_SECRET: "x".repeat(32),
    NODE_ENV: "production" as const,
    AUTH_URL: "https://runway.example.com",
  };
  it("turns Runway's own sign-in off and satisfies production without Google or local sign-in", () => {
    const cfg = parseConfig({ ...production, IAP_AUDIENCE: AUDIENCE, AUTH_LOCAL_ENABLED: "true" });
    expect(cfg.auth).toMatchObject({ iap: { audience: AUDIENCE }, localSignIn: false, google: null });
    expect(cfg.localSignInWarning).toBe(false);
    expect(() => parseConfig({ ...production, IAP_AUDIENCE: "runway" })).toThrow(
      /IAP_AUDIENCE: expected IAP's audience/,
    );
  });
});
