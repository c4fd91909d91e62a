import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./config";

const base = { DATABASE_URL: "postgresql://u:p@127.0.0.1:5432/runway", AUTH_SECRET: "x".repeat(32) };

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe("parseConfig", () => {
  it("defaults to local sign-in when Google is not configured", () => {
    const cfg = parseConfig(base);
    expect(cfg.auth).toEqual({ google: null, allowedDomains: [], adminEmails: [], localSignIn: true, iap: null });
    expect(cfg.gcp).toEqual({ emulatorHost: null, projects: [], regions: [] });
    expect(cfg.splitStaleHours).toBe(24);
  });

  it("takes the trusted proxy hops from RUNWAY_TRUSTED_PROXY_HOPS: 0 locally, 1 (Cloud Run's front end) in production, a digit (issue 27, item 4)", () => {
    expect(parseConfig(base).trustedProxyHops).toBe(0);
    expect(
      parseConfig({
        ...base,
        RUNWAY_MODE: "production",
        AUTH_URL: "https://runway.example.com",
        AUTH_LOCAL_ENABLED: "true",
      }).trustedProxyHops,
    ).toBe(1);
    expect(parseConfig({ ...base, RUNWAY_TRUSTED_PROXY_HOPS: "2" }).trustedProxyHops).toBe(2);
    expect(problemsOf({ ...base, RUNWAY_TRUSTED_PROXY_HOPS: "-1" })).toEqual([
      expect.stringMatching(/^RUNWAY_TRUSTED_PROXY_HOPS: expected a whole number of proxies from 0 to 9/),
    ]);
    expect(problemsOf({ ...base, RUNWAY_TRUSTED_PROXY_HOPS: "yes" })).toHaveLength(1);
  });

  it("names a missing variable", () => {
    expect(problemsOf({ AUTH_SECRET: base.AUTH_SECRET })).toEqual(["DATABASE_URL: is required but not set"]);
  });

  it("names a malformed variable and says what it expected", () => {
    const problems = problemsOf({ ...base, DATABASE_URL: "mysql://x", GCP_EMULATOR_HOST: "localhost" });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^DATABASE_URL: expected a postgresql:\/\/ URL/),
        expect.stringMatching(/^GCP_EMULATOR_HOST: expected host:port/),
      ]),
    );
  });

  it("rejects a short auth secret", () => {
    expect(problemsOf({ ...base, AUTH_SECRET: "short" })[0]).toMatch(/^AUTH_SECRET: must be at least 32 characters/);
  });

  it("turns Google sign-in on with both credentials and switches local sign-in off", () => {
    const cfg = parseConfig({
      ...base,
      AUTH_GOOGLE_ID: "id",
      AUTH_GOOGLE_SECRET: "s",
      AUTH_ALLOWED_DOMAINS: "Example.com, corp.example",
      ADMIN_EMAILS: "Ops@Example.com",
    });
    expect(cfg.auth).toEqual({
      google: { clientId: "id", clientSecret: "s" },
      allowedDomains: ["example.com", "corp.example"],
      adminEmails: ["ops@example.com"],
      localSignIn: false,
      iap: null,
    });
  });

  it("keeps local sign-in beside Google only when asked", () => {
    const cfg = parseConfig({
      ...base,
      AUTH_GOOGLE_ID: "id",
      AUTH_GOOGLE_SECRET: "s",
      AUTH_ALLOWED_DOMAINS: "example.com",
      AUTH_LOCAL_ENABLED: "true",
    });
    expect(cfg.auth.localSignIn).toBe(true);
  });

  it("needs both Google credentials and an allowed domain", () => {
    expect(problemsOf({ ...base, AUTH_GOOGLE_ID: "id" })).toEqual([
      "AUTH_GOOGLE_ID and AUTH_GOOGLE_SECRET: set both or neither",
    ]);
    expect(problemsOf({ ...base, AUTH_GOOGLE_ID: "id", AUTH_GOOGLE_SECRET: "s" })[0]).toMatch(
      /^AUTH_ALLOWED_DOMAINS: required/,
    );
  });

  it("treats empty strings as unset", () => {
    expect(
      parseConfig({ ...base, AUTH_GOOGLE_ID: "", AUTH_GOOGLE_SECRET: " ", GCP_EMULATOR_HOST: "" }).auth.google,
    ).toBeNull();
  });
});
