// Finding (issue 17): with AUTH_URL unset, a request carrying
// X-Forwarded-Host: evil.example made sign-in answer with a URL on evil.example.
// The proxy now rewrites X-Forwarded-Host to what trustedHost decides.
import { describe, expect, it } from "vitest";
import { trustedHost } from "@/lib/auth/hosts";

describe("host trust", () => {
  const h = (headers: Record<string, string>) => new Headers(headers);

  it("X-Forwarded-Host: evil.example is never believed", () => {
    const evil = { host: "localhost:3000", "x-forwarded-host": "evil.example" };
    expect(trustedHost({ publicUrl: null, trustedHosts: [] }, h(evil))).toEqual({ ok: true, host: "localhost:3000" });
    expect(trustedHost({ publicUrl: "https://runway.example.com", trustedHosts: [] }, h(evil))).toEqual({
      ok: true,
      host: "runway.example.com",
    });
    expect(
      trustedHost(
        { publicUrl: null, trustedHosts: ["runway.example.com"] },
        h({ host: "runway.example.com", "x-forwarded-host": "evil.example" }),
      ),
    ).toEqual({ ok: true, host: "runway.example.com" });
    expect(trustedHost({ publicUrl: null, trustedHosts: ["runway.example.com"] }, h({ host: "evil.example" }))).toEqual(
      { ok: false, reason: "host evil.example is not in AUTH_TRUSTED_HOSTS" },
    );
  });

  it("a listed forwarded host (a load balancer in front) is believed", () => {
    expect(
      trustedHost(
        { publicUrl: null, trustedHosts: ["runway.example.com"] },
        h({ host: "runway-abc.a.run.app", "x-forwarded-host": "Runway.example.com" }),
      ),
    ).toEqual({ ok: true, host: "runway.example.com" });
  });
});
