// Findings (issue 17, and issue 14 item 10): a production server without Google
// sign-in offered passwordless local accounts (one POST signed in as admin), and
// without AUTH_URL it trusted any X-Forwarded-Host for its redirects.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { LocalSignInBanner } from "@/components/shell/local-sign-in-banner";
import { ConfigError, parseConfig } from "@/lib/config";

const base = { DATABASE_URL: "postgresql://u:p@127.0.0.1:5432/runway", AUTH_SECRET: "x".repeat(32) };
const production = { ...base, NODE_ENV: "production" as const };
const problemsOf = (env: Record<string, string>) => {
  try {
    parseConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
};

describe("local sign-in on a production server", () => {
  it("is refused unless AUTH_LOCAL_ENABLED=true is set, with a message naming the variable", () => {
    for (const env of [production, { ...production, AUTH_GOOGLE_ID: "", AUTH_GOOGLE_SECRET: "" }]) {
      expect(problemsOf({ ...env, AUTH_URL: "https://runway.example.com" })).toEqual([
        "AUTH_LOCAL_ENABLED: a production server (NODE_ENV=production) without Google sign-in would offer passwordless local accounts; set AUTH_GOOGLE_ID and AUTH_GOOGLE_SECRET, or AUTH_LOCAL_ENABLED=true to offer them anyway",
      ]);
    }
  });

  it("asked for explicitly, it is on and flagged for the banner", () => {
    const cfg = parseConfig({ ...production, AUTH_URL: "https://runway.example.com", AUTH_LOCAL_ENABLED: "true" });
    expect([cfg.mode, cfg.auth.localSignIn, cfg.localSignInWarning]).toEqual(["production", true, true]);
    expect(renderToStaticMarkup(createElement(LocalSignInBanner, { show: cfg.localSignInWarning }))).toContain(
      "Local sign-in is on (AUTH_LOCAL_ENABLED=true)",
    );
    expect(renderToStaticMarkup(createElement(LocalSignInBanner, { show: false }))).toBe("");
  });

  it("with Google sign-in, production needs nothing more, and no sign-in at all is refused", () => {
    const google = {
      ...production,
      AUTH_URL: "https://runway.example.com",
      AUTH_GOOGLE_ID: "id",
      AUTH_GOOGLE_SECRET: "s",
      AUTH_ALLOWED_DOMAINS: "example.com",
    };
    expect(parseConfig(google)).toMatchObject({
      mode: "production",
      auth: { localSignIn: false },
      localSignInWarning: false,
    });
    expect(
      problemsOf({ ...production, AUTH_URL: "https://runway.example.com", AUTH_LOCAL_ENABLED: "false" })[0],
    ).toMatch(/^AUTH_GOOGLE_ID: no way to sign in/);
  });

  it("`npm start` (RUNWAY_MODE=local under next start's NODE_ENV=production) keeps local sign-in without a banner", () => {
    const cfg = parseConfig({ ...production, RUNWAY_MODE: "local" });
    expect([cfg.mode, cfg.auth.localSignIn, cfg.localSignInWarning, cfg.publicUrl, cfg.trustedHosts]).toEqual([
      "local",
      true,
      false,
      null,
      [],
    ]);
  });

  it("a portal server refuses to start, naming the variable", () => {
    const root = path.resolve(import.meta.dirname, "../..");
    const run = spawnSync(
      path.join(root, "node_modules/.bin/tsx"),
      ["--conditions=react-server", "-e", "import('./lib/startup.ts').then((m) => m.startPortal())"],
      {
        cwd: root,
        encoding: "utf8",
        timeout: 60_000,
        env: { PATH: process.env.PATH, ...production, AUTH_URL: "https://runway.example.com" },
      },
    );
    expect(run.status).toBe(1);
    expect(run.stdout + run.stderr).toContain("AUTH_LOCAL_ENABLED: a production server");
  });

  it("production requires AUTH_URL or AUTH_TRUSTED_HOSTS", () => {
    expect(problemsOf({ ...production, AUTH_LOCAL_ENABLED: "true" })).toEqual([
      "AUTH_URL: required on a production server (the portal's public URL), or list the hosts it answers to in AUTH_TRUSTED_HOSTS",
    ]);
    expect(
      parseConfig({
        ...production,
        AUTH_LOCAL_ENABLED: "true",
        AUTH_TRUSTED_HOSTS: "Runway.example.com, runway-abc-ew.a.run.app",
      }).trustedHosts,
    ).toEqual(["runway.example.com", "runway-abc-ew.a.run.app"]);
    expect(
      problemsOf({ ...production, AUTH_LOCAL_ENABLED: "true", AUTH_TRUSTED_HOSTS: "https://x.example" })[0],
    ).toMatch(/^AUTH_TRUSTED_HOSTS: "https:\/\/x.example" is not a host name/);
  });
});
