import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { coveredPortalDb, makeUser } from "../../test/portal-db";
import type { Db } from "../db";
import { Conflict } from "../errors";
import { runGuarded, formDataToObject, type ActionDefinition } from "./guarded";

let db: Db;
let calls = 0;

const Input = z.object({ name: z.string().min(3, "At least 3 characters."), apiToken: z.string().optional() });
const rename: ActionDefinition<typeof Input, string> = {
  name: "test.rename",
  role: "developer",
  input: Input,
  target: (i) => `things/${i.name}`,
  scope: () => "portal",
  async run(_ctx, input) {
    calls++;
    if (input.name === "taken") throw new Conflict("That name is taken.", { existing: "taken" });
    if (input.name === "crash") throw new Error("database exploded at postgres://u:pw@h/db");
    return { data: input.name.toUpperCase(), message: "Renamed.", details: { before: "old", after: input.name } };
  },
};

const lastAudit = () => db.auditEvent.findFirstOrThrow({ orderBy: { id: "desc" } });

beforeAll(async () => {
  db = await coveredPortalDb();
});

describe("runGuarded", () => {
  it("runs the action for a sufficient role and audits success with details", async () => {
    const dev = await makeUser(db, "developer");
    const result = await runGuarded(rename, dev, { name: "alpha" }, { db, requestId: "req-1" });
    expect(result).toEqual({ ok: true, data: "ALPHA", message: "Renamed." });
    const row = await lastAudit();
    expect(row).toMatchObject({
      actorEmail: dev.email,
      actorRole: "developer",
      action: "test.rename",
      target: "things/alpha",
      outcome: "success",
      error: null,
      requestId: "req-1",
      details: { before: "old", after: "alpha" },
    });
    expect(row.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("refuses anonymous callers without running the action, and audits the denial", async () => {
    const before = calls;
    const result = await runGuarded(rename, null, { name: "beta" }, { db });
    expect(result).toMatchObject({ ok: false, code: "unauthenticated" });
    expect(calls).toBe(before);
    expect(await lastAudit()).toMatchObject({ actorEmail: "anonymous", outcome: "denied", target: "things/beta" });
  });

  it("refuses a role below the required one, and audits the denial", async () => {
    const viewer = await makeUser(db, "viewer");
    const before = calls;
    const result = await runGuarded(rename, viewer, { name: "gamma" }, { db });
    expect(result).toMatchObject({ ok: false, code: "forbidden" });
    expect(calls).toBe(before);
    const row = await lastAudit();
    expect(row).toMatchObject({ actorEmail: viewer.email, outcome: "denied" });
    expect(row.error).toContain("developer");
  });

  it("returns field errors for bad input, changes nothing and audits it as invalid", async () => {
    const admin = await makeUser(db, "admin");
    const before = calls;
    const result = await runGuarded(rename, admin, { name: "x" }, { db });
    expect(result).toMatchObject({ ok: false, code: "invalid", fieldErrors: { name: ["At least 3 characters."] } });
    expect(calls).toBe(before);
    expect(await lastAudit()).toMatchObject({
      outcome: "invalid",
      target: null,
      error: "name: At least 3 characters.",
    });
  });

  it("maps typed errors to their message and audits the failure", async () => {
    const dev = await makeUser(db, "developer");
    const result = await runGuarded(rename, dev, { name: "taken" }, { db });
    expect(result).toEqual({ ok: false, code: "conflict", error: "That name is taken.", fieldErrors: undefined });
    expect(await lastAudit()).toMatchObject({
      outcome: "failed",
      error: "That name is taken.",
      details: { existing: "taken" },
    });
  });

  it("hides unknown errors behind a generic message with the request id", async () => {
    const dev = await makeUser(db, "developer");
    const result = await runGuarded(rename, dev, { name: "crash" }, { db, requestId: "req-crash" });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.code).toBe("internal");
      expect(result.error).toContain("req-crash");
      expect(result.error).not.toContain("exploded");
    }
    expect(await lastAudit()).toMatchObject({ outcome: "failed", requestId: "req-crash" });
  });

  it("never writes secret-looking input values to the audit trail", async () => {
    const dev = await makeUser(db, "developer");
    await runGuarded(rename, dev, { name: "delta", apiToken: "s3cr3t-value" }, { db });
    const row = await lastAudit();
    expect(JSON.stringify(row.input)).not.toContain("s3cr3t-value");
    expect(row.input).toEqual({ name: "delta", apiToken: "[redacted]" });
    // Also when the input is invalid and stored raw.
    await runGuarded(rename, dev, { name: "", apiToken: "s3cr3t-value" }, { db });
    expect(JSON.stringify((await lastAudit()).input)).not.toContain("s3cr3t-value");
  });
});

describe("scopes as a list", () => {
  // A promotion reads one service and writes another: both are declared, each is checked.
  const staging = { project: "pyplots-prod", region: "europe-west4", service: "pyplots-api" };
  const promote = (target: {
    project: string;
    region: string;
    service: string;
  }): ActionDefinition<typeof Input, string> => ({ ...rename, name: "test.promote", scope: () => [staging, target] });

  it("runs when every declared scope is in Settings", async () => {
    const dev = await makeUser(db, "developer");
    const result = await runGuarded(
      promote({ ...staging, service: "pyplots-frontend" }),
      dev,
      { name: "epsilon" },
      { db },
    );
    expect(result).toMatchObject({ ok: true });
  });

  it("refuses when any one is outside, names it, and audits which", async () => {
    const dev = await makeUser(db, "developer");
    const before = calls;
    const result = await runGuarded(
      promote({ project: "pyplots-prod", region: "asia-east1", service: "pyplots-api" }),
      dev,
      { name: "zeta" },
      { db },
    );
    expect(result).toEqual({
      ok: false,
      code: "forbidden",
      error: "pyplots-prod/asia-east1 is not covered by this portal; an admin adds projects and regions in Settings.",
    });
    expect(calls).toBe(before);
    expect(await lastAudit()).toMatchObject({
      actorEmail: dev.email,
      outcome: "denied",
      details: {
        refusedScope: "pyplots-prod/asia-east1 (service pyplots-api)",
        scopes: ["pyplots-prod/europe-west4 (service pyplots-api)", "pyplots-prod/asia-east1 (service pyplots-api)"],
      },
    });
  });

  it("refuses an empty list: nothing could be checked", async () => {
    const dev = await makeUser(db, "developer");
    const result = await runGuarded({ ...rename, scope: () => [] }, dev, { name: "eta" }, { db });
    expect(result).toMatchObject({ ok: false, code: "internal" });
    expect(await lastAudit()).toMatchObject({ outcome: "failed", error: expect.stringContaining("empty scope list") });
  });
});

describe("formDataToObject", () => {
  it("keeps repeated keys as arrays and drops Next's action fields", () => {
    const form = new FormData();
    form.append("a", "1");
    form.append("tag", "x");
    form.append("tag", "y");
    form.append("$ACTION_ID_abc", "");
    expect(formDataToObject(form)).toEqual({ a: "1", tag: ["x", "y"] });
  });
});
