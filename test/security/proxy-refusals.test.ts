// Findings (issue 14: 2, 5, 6, 7, 9) at the proxy, in-process with the real
// test PostgreSQL: cross-origin action posts are a 403, oversized and
// undecodable payloads a plain 4xx (not 500s), refused anonymous mutation
// attempts leave a compact, capped audit trail, every response carries the
// security headers, and sign-in and actions answer 429 past their limits.
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { encode } from "next-auth/jwt";
import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { createPortalDatabaseUrl, makeUser } from "../portal-db";
import { createDb, type Db } from "@/lib/db";
import { LIMITS } from "@/lib/security/limits";

type Proxy = (req: NextRequest) => Promise<Response>;
let proxy: Proxy;
let db: Db;
const SECRET = "s".repeat(40);

beforeAll(async () => {
  const url = await createPortalDatabaseUrl();
  // The test plays the front end that appends each client's address (as Cloud Run's does): one trusted hop.
  Object.assign(process.env, {
    DATABASE_URL: url,
    AUTH_SECRET: SECRET,
    RUNWAY_MODE: "local",
    RUNWAY_TRUSTED_PROXY_HOPS: "1",
  });
  db = createDb(url);
  proxy = (await import("../../proxy")).proxy as Proxy;
});

const HOST = "localhost:3000";
const ACTION = "7f".repeat(20);
let ipCounter = 0;
/** Each test its own client address, so the per-address limits of one do not touch another. */
const freshIp = () => `198.51.100.${++ipCounter}`;

function post(path: string, body: string | FormData, headers: Record<string, string> = {}) {
  const length = typeof body === "string" ? String(Buffer.byteLength(body)) : undefined;
  const h = new Headers(new Request(`http://${HOST}${path}`, { method: "POST", body }).headers);
  h.set("host", HOST);
  if (length && !("content-length" in headers)) h.set("content-length", length);
  for (const [k, v] of Object.entries(headers)) h.set(k, v);
  return proxy(new NextRequest(`http://${HOST}${path}`, { method: "POST", body, headers: h }));
}
const sessionCookie = async (uid: string, email: string) =>
  `next-auth.session-token=${await encode({ token: { uid, email, sub: uid }, secret: SECRET })}`;
/** Limits count in fixed one-minute windows: start a burst with at least 15 s of its window left, so it is counted in one. */
async function awayFromWindowEdge() {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 15_000) await new Promise((r) => setTimeout(r, left + 50));
}
const rowsFor = (clientRequestId: string) => db.auditEvent.findMany({ where: { clientRequestId } });

describe("server-action posts the proxy refuses", () => {
  it("from another origin: 403, audited with the person, a warning in the log", async () => {
    const dev = await makeUser(db, "developer");
    const rid = randomUUID();
    const res = await post("/services/p/r/s", "[]", {
      origin: "https://evil.example",
      "next-action": ACTION,
      cookie: await sessionCookie(dev.id, dev.email),
      "x-request-id": rid,
      "x-forwarded-for": freshIp(),
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toBe("Cross-origin request refused: https://evil.example is not this portal.\n");
    expect(await rowsFor(rid)).toMatchObject([
      {
        action: "request.cross-origin",
        actorEmail: dev.email,
        outcome: "denied",
        target: "/services/p/r/s",
        details: { method: "POST", status: 403, actionId: ACTION },
      },
    ]);
  });

  it("over the body limit: 413; undecodable: 400; an unknown type: 415", async () => {
    const ip = freshIp();
    const big = await post("/", "x".repeat(10), {
      "content-length": String(2 * 1024 * 1024),
      "next-action": ACTION,
      "x-forwarded-for": ip,
    });
    expect([big.status, await big.text()]).toEqual([413, "The request body is larger than 1 MB.\n"]);
    const notJson = await post("/", "[1, 2", {
      "content-type": "text/plain;charset=UTF-8",
      "next-action": ACTION,
      origin: `http://${HOST}`,
      "x-forwarded-for": ip,
    });
    expect([notJson.status, await notJson.text()]).toEqual([400, "The action's arguments could not be read.\n"]);
    const badForm = await post("/", "--nope\r\n", {
      "content-type": "multipart/form-data; boundary=other",
      "next-action": ACTION,
      "x-forwarded-for": ip,
    });
    expect(badForm.status).toBe(400);
    // React's reply encoding: a `$` reference to a part the body does not have made its decoder fail ("Connection closed", a 500).
    for (const ref of ["$@5", "$1", "$Q2", "$T0", "$"]) {
      const res = await post("/", JSON.stringify([null, { image: ref }]), {
        "content-type": "text/plain;charset=UTF-8",
        "next-action": ACTION,
        "x-forwarded-for": ip,
      });
      expect(res.status, ref).toBe(400);
    }
    const missingPart = new FormData();
    missingPart.set("0", JSON.stringify([null, "$Q7"]));
    const encoded = new Request("http://x/", { method: "POST", body: missingPart });
    const bytes = await encoded.clone().text();
    expect(
      (
        await post("/", bytes, {
          "content-type": encoded.headers.get("content-type")!,
          "next-action": ACTION,
          "x-forwarded-for": ip,
        })
      ).status,
    ).toBe(400);
    const xml = await post("/", "<a/>", {
      "content-type": "application/xml",
      "next-action": ACTION,
      "x-forwarded-for": ip,
    });
    expect(xml.status).toBe(415);
  });

  it("anonymous: 401 and an audit row each, until the per-address cap; then refused unaudited", async () => {
    await awayFromWindowEdge();
    const ip = freshIp();
    const ids = Array.from({ length: LIMITS.refusalAuditsPerIp.limit + 5 }, () => randomUUID());
    for (const rid of ids) {
      const res = await post("/settings", "[]", {
        "content-type": "text/plain",
        "next-action": ACTION,
        origin: `http://${HOST}`,
        "x-request-id": rid,
        "x-forwarded-for": ip,
      });
      expect(res.status).toBe(401);
    }
    const rows = await db.auditEvent.findMany({ where: { clientRequestId: { in: ids } }, orderBy: { id: "asc" } });
    expect(rows).toHaveLength(LIMITS.refusalAuditsPerIp.limit);
    expect(rows[0]).toMatchObject({
      action: "request.anonymous",
      actorEmail: "anonymous",
      outcome: "denied",
      input: null,
      details: { method: "POST", ip, status: 401, actionId: ACTION },
    });
  });
});

describe("server-action bodies Next can decode", () => {
  it("pass on: a form with its parts (as React's encodeReply sends them), escaped and self-contained `$` values", async () => {
    const { undecodableAction } = await import("@/lib/security/requests");
    // What useActionState sends for (null, formData) plus outlined parts: "0" is the root, "_2_" the form's fields, "1", "3" outlined values.
    const form = new FormData();
    form.set("1", JSON.stringify([["a", 1]]));
    form.set("_2_image", "$@5 is just text in a field");
    form.set("3", "[2]");
    form.set("0", JSON.stringify(["$Q1", "$K2", "$W3", null]));
    const req = (body: BodyInit, type?: string) =>
      new Request("http://x/", {
        method: "POST",
        body,
        headers: {
          "next-action": ACTION,
          ...(type ? { "content-type": type } : {}),
          "content-length": String(typeof body === "string" ? Buffer.byteLength(body) : 1),
        },
      });
    const formReq = new Request("http://x/", { method: "POST", body: form });
    const formWithLength = new Request(formReq, {
      headers: { ...Object.fromEntries(formReq.headers), "content-length": "100", "next-action": ACTION },
    });
    expect(await undecodableAction(formWithLength)).toBeNull();
    expect(
      await undecodableAction(
        req(
          JSON.stringify([null, { a: "$$5", d: "$D2026-01-01", n: "$n5", u: "$undefined", i: "$Infinity" }]),
          "text/plain;charset=UTF-8",
        ),
      ),
    ).toBeNull();
  });
});

describe("what React's own client encodes", () => {
  it("passes: (null, formData) as useActionState sends it, and outlined Maps, Sets and promises", async () => {
    const { undecodableAction } = await import("@/lib/security/requests");
    const client = createRequire(import.meta.url)("next/dist/compiled/react-server-dom-turbopack/client.node.js");
    const form = new FormData();
    form.set("userId", "00000000-0000-4000-8000-000000000000");
    form.set("role", "$developer");
    for (const args of [
      [null, form],
      [new Map([["a", 1]]), form, new Set([2]), Promise.resolve(3), "$text", new Date(0), 5n],
    ]) {
      const body = await client.encodeReply(args);
      const req = new Request("http://x/", { method: "POST", body, headers: { "next-action": ACTION } });
      const sized = new Request(req, {
        headers: {
          ...Object.fromEntries(req.headers),
          "content-length": String((await req.clone().arrayBuffer()).byteLength),
          "next-action": ACTION,
        },
      });
      expect(await undecodableAction(sized)).toBeNull();
    }
  });
});

describe("rate limits", () => {
  it("a person's server actions past the limit get 429 with Retry-After, audited (capped)", async () => {
    await awayFromWindowEdge();
    const dev = await makeUser(db, "developer");
    const cookie = await sessionCookie(dev.id, dev.email);
    const statuses: number[] = [];
    for (let i = 0; i <= LIMITS.actionsPerPerson.limit; i++) {
      const res = await post("/", "[]", {
        "content-type": "text/plain",
        "next-action": ACTION,
        origin: `http://${HOST}`,
        cookie,
        "x-forwarded-for": freshIp(),
      });
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    expect(statuses.filter((s) => s === 429)).toHaveLength(1);
    expect(statuses.at(-1)).toBe(429);
    expect(await db.auditEvent.count({ where: { actorEmail: dev.email, action: "request.rate-limited" } })).toBe(1);
  });

  it("sign-in for one account past its limit gets 429, whatever the address", async () => {
    await awayFromWindowEdge();
    const email = `nobody-${randomUUID()}@runway.local`;
    const statuses: number[] = [];
    for (let i = 0; i <= LIMITS.signInPerPerson.limit; i++) {
      const form = new URLSearchParams({ email, csrfToken: "x" }).toString();
      statuses.push(
        (
          await post("/api/auth/callback/local", form, {
            "content-type": "application/x-www-form-urlencoded",
            "x-forwarded-for": freshIp(),
          })
        ).status,
      );
    }
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.slice(0, -1)).not.toContain(429);
  });

  it("sign-in from one address past its limit gets 429, whatever the account", async () => {
    await awayFromWindowEdge();
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i <= LIMITS.signInPerIp.limit; i++) {
      const form = new URLSearchParams({ email: `n${i}-${randomUUID()}@runway.local` }).toString();
      statuses.push(
        (
          await post("/api/auth/callback/local", form, {
            "content-type": "application/x-www-form-urlencoded",
            "x-forwarded-for": ip,
          })
        ).status,
      );
    }
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.slice(0, -1)).not.toContain(429);
  });
});

describe("security headers", () => {
  it("every answer carries them: a passed page, a redirect, a refusal; HSTS only over HTTPS", async () => {
    const page = await proxy(new NextRequest(`http://${HOST}/signin`, { headers: { host: HOST } }));
    const redirect = await proxy(new NextRequest(`http://${HOST}/audit`, { headers: { host: HOST } }));
    const https = await proxy(
      new NextRequest(`http://${HOST}/signin`, { headers: { host: HOST, "x-forwarded-proto": "https" } }),
    );
    for (const res of [page, redirect, https]) {
      const csp = res.headers.get("content-security-policy")!;
      expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}' 'strict-dynamic'(;|$)/);
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      expect(res.headers.get("permissions-policy")).toContain("camera=()");
    }
    expect(page.headers.get("strict-transport-security")).toBeNull();
    expect(https.headers.get("strict-transport-security")).toBe("max-age=63072000; includeSubDomains");
    // Next reads the nonce from the request's CSP header, which the proxy passes on.
    const nonce = /'nonce-([^']+)'/.exec(page.headers.get("content-security-policy")!)![1];
    expect(page.headers.get("x-middleware-request-x-nonce")).toBe(nonce);
    expect(page.headers.get("x-middleware-request-content-security-policy")).toContain(`'nonce-${nonce}'`);
  });
});

describe("sign-in limits that could be sidestepped (issue 27, item 4)", () => {
  const signIn = (form: Record<string, string>, headers: Record<string, string>, through: Proxy = proxy) => {
    const body = new URLSearchParams(form).toString();
    return through(
      new NextRequest(`http://${HOST}/api/auth/callback/local`, {
        method: "POST",
        body,
        headers: {
          host: HOST,
          "content-type": "application/x-www-form-urlencoded",
          "content-length": String(Buffer.byteLength(body)),
          ...headers,
        },
      }),
    );
  };

  it("an e-mail with spaces or capitals around it is the same account", async () => {
    await awayFromWindowEdge();
    const email = `spaced-${randomUUID()}@runway.local`;
    const spellings = [email, ` ${email}`, `${email} `, `\t${email.toUpperCase()}\n`];
    const statuses: number[] = [];
    for (let i = 0; i <= LIMITS.signInPerPerson.limit; i++)
      statuses.push(
        (await signIn({ email: spellings[i % spellings.length], csrfToken: "x" }, { "x-forwarded-for": freshIp() }))
          .status,
      );
    expect(statuses.slice(0, -1)).not.toContain(429);
    expect(statuses.at(-1)).toBe(429);
  });

  it("a sign-in body over 16 kB is a 413, not another account", async () => {
    const email = `padded-${randomUUID()}@runway.local`;
    const res = await signIn({ email, csrfToken: "x", pad: "p".repeat(16_400) }, { "x-forwarded-for": freshIp() });
    expect([res.status, await res.text()]).toEqual([413, "A sign-in form is at most 16 kB.\n"]);
    // Declared small, sent big: the body itself is measured.
    const big = new URLSearchParams({ email, pad: "p".repeat(20_000) }).toString();
    const lying = await proxy(
      new NextRequest(`http://${HOST}/api/auth/callback/local`, {
        method: "POST",
        body: big,
        headers: { host: HOST, "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": freshIp() },
      }),
    );
    expect(lying.status).toBe(413);
  });

  it("takes the client's address only from the trusted hops: what a client writes in X-Forwarded-For is never its address", async () => {
    const { clientIp } = await import("@/lib/security/requests");
    const h = (xff?: string) => new Headers(xff === undefined ? {} : { "x-forwarded-for": xff });
    expect(clientIp(h("6.6.6.6, 203.0.113.9"), 1)).toBe("203.0.113.9");
    expect(clientIp(h("6.6.6.6, 203.0.113.9, 10.0.0.1"), 2)).toBe("203.0.113.9");
    expect(clientIp(h("203.0.113.9"), 2)).toBe("203.0.113.9");
    expect(clientIp(h("6.6.6.6"), 0)).toBe("direct");
    expect(clientIp(h(), 1)).toBe("unknown");

    // Nothing in front (0 hops, the local default): rotating the header used to give 35 sign-ins with no 429.
    vi.resetModules();
    process.env.RUNWAY_TRUSTED_PROXY_HOPS = "0";
    try {
      const direct = (await import("../../proxy")).proxy as Proxy;
      await awayFromWindowEdge();
      const statuses: number[] = [];
      for (let i = 0; i < 35; i++)
        statuses.push(
          (
            await signIn(
              { email: `r${i}-${randomUUID()}@runway.local` },
              { "x-forwarded-for": `192.0.2.${i + 1}` },
              direct,
            )
          ).status,
        );
      expect(statuses.indexOf(429)).toBe(LIMITS.signInPerIp.limit);
    } finally {
      process.env.RUNWAY_TRUSTED_PROXY_HOPS = "1";
      vi.resetModules();
    }
  });
});

describe("requests that were 500s (issue 27, item 5)", () => {
  it("a cross-origin POST to sign-in, to any /api/ path or to /favicon.ico is a plain 403, audited", async () => {
    const ip = freshIp();
    for (const path of [
      "/signin",
      "/api/auth/callback/local",
      "/api/health",
      "/api/no-such-route",
      "/api/operations/x",
      "/favicon.ico",
    ]) {
      const rid = randomUUID();
      const res = await post(path, "[]", {
        origin: "https://evil.example",
        "next-action": ACTION,
        "content-type": "text/plain",
        "x-request-id": rid,
        "x-forwarded-for": ip,
      });
      expect([res.status, await res.text()], path).toEqual([
        403,
        "Cross-origin request refused: https://evil.example is not this portal.\n",
      ]);
      expect(await rowsFor(rid), path).toMatchObject([
        { action: "request.cross-origin", outcome: "denied", target: path },
      ]);
    }
    // Next runs the proxy for /favicon.ico too now; a GET of it passes as public.
    const { config } = await import("../../proxy");
    expect(config.matcher.some((m) => new RegExp(`^${m}$`).test("/favicon.ico"))).toBe(true);
    const icon = await proxy(new NextRequest(`http://${HOST}/favicon.ico`, { headers: { host: HOST } }));
    expect(icon.headers.get("x-middleware-next")).toBe("1");
  });

  it("a path that is not percent-encoded UTF-8 is a plain 400", async () => {
    for (const path of ["/api/operations/%FF", "/services/%E0%A4%A", "/audit/%C0"]) {
      const res = await proxy(new NextRequest(`http://${HOST}${path}`, { headers: { host: HOST } }));
      expect([res.status, await res.text()], path).toEqual([
        400,
        "Malformed URL: the path is not valid percent-encoded UTF-8.\n",
      ]);
    }
  });
});
