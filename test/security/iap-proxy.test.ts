// Identity-Aware Proxy mode through the proxy itself (issue 26 item 5), as Next
// runs it in front of every page, route and server action: with IAP_AUDIENCE set
// only IAP's signed assertion is a session. A valid session cookie without an
// assertion, a forged assertion and an expired one are refused (pages and
// routes 401, server actions 401 with an audit row); a valid one passes.
// The assertions are signed with a key made here in IAP's format (ES256, by key
// id), served in place of IAP's public key endpoint (www.gstatic.com, which this
// machine does not reach); the verification is google-auth-library's, as in production.
import { createSign, generateKeyPairSync, randomUUID } from "node:crypto";
import { OAuth2Client } from "google-auth-library";
import { encode } from "next-auth/jwt";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createPortalDatabaseUrl } from "../portal-db";
import { createDb, type Db } from "@/lib/db";

type Proxy = (req: NextRequest) => Promise<Response>;
const AUDIENCE = "/projects/123456789/global/backendServices/987654321";
const SECRET = "i".repeat(40);
const COOKIE = "next-auth.session-token";
const iapKey = generateKeyPairSync("ec", { namedCurve: "P-256" });
const forger = generateKeyPairSync("ec", { namedCurve: "P-256" });
const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString("base64url");

function assertion(claims: Record<string, unknown> = {}, key = iapKey.privateKey): string {
  const now = Math.floor(Date.now() / 1000);
  const body = `${b64({ alg: "ES256", kid: "iap-key-1", typ: "JWT" })}.${b64({ iss: "https://cloud.google.com/iap", aud: AUDIENCE, sub: "accounts.google.com:1", email: "ann@example.com", iat: now - 10, exp: now + 600, ...claims })}`;
  return `${body}.${createSign("SHA256").update(body).sign({ key, dsaEncoding: "ieee-p1363" }).toString("base64url")}`;
}

let db: Db;
let cookie: string;
let iapProxy: Proxy;
let cookieProxy: Proxy;
const ENV = ["DATABASE_URL", "AUTH_SECRET", "RUNWAY_MODE", "AUTH_URL", "IAP_AUDIENCE", "AUTH_LOCAL_ENABLED"] as const;
const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));

async function loadProxy(env: Record<string, string>): Promise<Proxy> {
  vi.resetModules();
  for (const k of ENV) delete process.env[k];
  Object.assign(process.env, env);
  const proxy = (await import("../../proxy")).proxy as Proxy;
  // The configuration is read once, on first use: read it now, under this environment.
  await proxy(new NextRequest("http://localhost:3000/api/health", { headers: { host: "localhost:3000" } }));
  return proxy;
}

beforeAll(async () => {
  const url = await createPortalDatabaseUrl();
  db = createDb(url);
  // IAP's key endpoint, answered with the key IAP signs with here.
  vi.spyOn(OAuth2Client.prototype, "getIapPublicKeys").mockImplementation((async () => ({
    pubkeys: { "iap-key-1": iapKey.publicKey.export({ type: "spki", format: "pem" }).toString() },
    res: null,
  })) as never);
  // A real session cookie of the portal's own sign-in (what a copied or left-over cookie would be).
  cookie = `${COOKIE}=${await encode({ token: { email: "ann@example.com", uid: randomUUID(), sid: randomUUID() }, secret: SECRET })}`;
  const base = { DATABASE_URL: url, AUTH_SECRET: SECRET, RUNWAY_MODE: "production", AUTH_URL: "http://localhost:3000" };
  cookieProxy = await loadProxy({ ...base, AUTH_LOCAL_ENABLED: "true" });
  iapProxy = await loadProxy({ ...base, IAP_AUDIENCE: AUDIENCE });
}, 60_000);

afterAll(() => {
  vi.restoreAllMocks();
  for (const k of ENV) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

const get = (proxy: Proxy, path: string, headers: Record<string, string>) =>
  proxy(new NextRequest(`http://localhost:3000${path}`, { headers: { host: "localhost:3000", ...headers } }));
const action = (proxy: Proxy, headers: Record<string, string>) =>
  proxy(
    new NextRequest("http://localhost:3000/audit", {
      method: "POST",
      body: "[]",
      headers: {
        host: "localhost:3000",
        origin: "http://localhost:3000",
        "next-action": "a".repeat(42),
        "content-type": "text/plain;charset=UTF-8",
        "content-length": "2",
        ...headers,
      },
    }),
  );
const passes = (res: Response) => res.headers.get("x-middleware-next") === "1";

describe("the proxy in IAP mode", () => {
  it("passes a request IAP signed for this audience, page and server action alike", async () => {
    const page = await get(iapProxy, "/audit", { "x-goog-iap-jwt-assertion": assertion() });
    expect(page.status).toBe(200);
    expect(passes(page)).toBe(true);
    expect(passes(await action(iapProxy, { "x-goog-iap-jwt-assertion": assertion() }))).toBe(true);
  });

  it("refuses a valid session cookie that comes without an assertion (the same cookie passes without IAP)", async () => {
    // The cookie is good: the portal's own sign-in takes it.
    expect(passes(await get(cookieProxy, "/audit", { cookie }))).toBe(true);
    const page = await get(iapProxy, "/audit", { cookie });
    expect(page.status).toBe(401);
    expect(passes(page)).toBe(false);
    expect(await page.text()).toBe(
      "This portal is behind Identity-Aware Proxy, and the request carried no valid IAP assertion.\n",
    );
    const route = await get(iapProxy, "/api/releases/00000000-0000-4000-8000-000000000000", { cookie });
    expect(route.status).toBe(401);
    expect(passes(route)).toBe(false);
  });

  it("refuses a forged assertion and an expired one, pages, routes and server actions, and audits the refused actions", async () => {
    const now = Math.floor(Date.now() / 1000);
    const bad = {
      forged: assertion({}, forger.privateKey),
      expired: assertion({ iat: now - 7200, exp: now - 3600 }),
      "another audience": assertion({ aud: "/projects/1/global/backendServices/2" }),
    };
    for (const [what, jwt] of Object.entries(bad)) {
      for (const path of ["/audit", "/api/releases/00000000-0000-4000-8000-000000000000"]) {
        const res = await get(iapProxy, path, { "x-goog-iap-jwt-assertion": jwt, cookie });
        expect(res.status, `${what} ${path}`).toBe(401);
        expect(passes(res), `${what} ${path}`).toBe(false);
      }
      const before = await db.auditEvent.count({ where: { action: "request.anonymous" } });
      const res = await action(iapProxy, { "x-goog-iap-jwt-assertion": jwt, cookie });
      expect(res.status, `${what} action`).toBe(401);
      expect(passes(res), `${what} action`).toBe(false);
      expect(await db.auditEvent.count({ where: { action: "request.anonymous" } }), `${what} action audited`).toBe(
        before + 1,
      );
    }
  });
});
