// The proxy in-process, as Next runs it in front of every page and route: the
// request it passes on carries a host the configuration trusts and a request id
// it made (findings of issue 17: host trust, request ids). Next passes request
// header overrides on as x-middleware-request-<name> response headers.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";

type Proxy = (req: NextRequest) => Promise<Response>;
let proxy: Proxy;

beforeAll(async () => {
  // The portal's configuration as `npm start` gives it (local mode, no AUTH_URL), read on first use.
  Object.assign(process.env, {
    DATABASE_URL: "postgresql://u:p@127.0.0.1:1/unused",
    AUTH_SECRET: "s".repeat(40),
    RUNWAY_MODE: "local",
  });
  proxy = (await import("../../proxy")).proxy as Proxy;
});

const call = (path: string, headers: Record<string, string>) =>
  proxy(new NextRequest(`http://localhost:3000${path}`, { headers }));
const passed = (res: Response, name: string) => res.headers.get(`x-middleware-request-${name}`);

describe("the proxy", () => {
  it("passes on the Host, not a client's X-Forwarded-Host, and sends anonymous visitors to sign-in there", async () => {
    const open = await call("/api/auth/providers", { host: "localhost:3000", "x-forwarded-host": "evil.example" });
    expect(passed(open, "x-forwarded-host")).toBe("localhost:3000");
    const page = await call("/audit", { host: "localhost:3000", "x-forwarded-host": "evil.example" });
    expect(page.status).toBe(307);
    expect(page.headers.get("location")).toBe("http://localhost:3000/signin?callbackUrl=%2Faudit");
  });

  it("replaces a client's x-request-id with its own and passes a well-formed one on apart", async () => {
    const res = await call("/signin", { host: "localhost:3000", "x-request-id": "forged-1" });
    expect(passed(res, "x-request-id")).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(passed(res, "x-client-request-id")).toBe("forged-1");
    const long = await call("/signin", {
      host: "localhost:3000",
      "x-request-id": "x".repeat(65),
      "x-client-request-id": "sneaked-in",
    });
    expect(passed(long, "x-client-request-id")).toBeNull();
    expect(long.headers.get("x-middleware-override-headers")?.split(",")).not.toContain("x-client-request-id");
  });
});

describe("the proxy with AUTH_TRUSTED_HOSTS", () => {
  it("answers 421 to a host not listed (health probes excepted) and believes a listed forwarded host", async () => {
    vi.resetModules();
    Object.assign(process.env, {
      RUNWAY_MODE: "production",
      AUTH_LOCAL_ENABLED: "true",
      AUTH_TRUSTED_HOSTS: "runway.example.com",
    });
    try {
      const strict = (await import("../../proxy")).proxy as Proxy;
      const at = (path: string, headers: Record<string, string>) =>
        strict(new NextRequest(`http://localhost:3000${path}`, { headers }));
      expect((await at("/audit", { host: "evil.example" })).status).toBe(421);
      expect((await at("/api/auth/csrf", { host: "10.0.0.7:8080", "x-forwarded-host": "evil.example" })).status).toBe(
        421,
      );
      const probe = await at("/api/health", { host: "10.0.0.7:8080" });
      expect(probe.status).toBe(200);
      expect(passed(probe, "x-forwarded-host")).toBeNull();
      const behindLb = await at("/api/auth/providers", {
        host: "runway-abc.a.run.app",
        "x-forwarded-host": "runway.example.com",
      });
      expect(passed(behindLb, "x-forwarded-host")).toBe("runway.example.com");
    } finally {
      delete process.env.AUTH_TRUSTED_HOSTS;
      delete process.env.AUTH_LOCAL_ENABLED;
      process.env.RUNWAY_MODE = "local";
    }
  });
});
