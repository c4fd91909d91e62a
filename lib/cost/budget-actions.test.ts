// Budgets from the portal's side, against a seeded emulator: an operator
// creates and edits one (read back through the Budget API), bad input is
// refused with a field error and nothing saved (neither by the portal's
// checks nor by Google's), and the variance threshold is kept per service.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator } from "../../test/emulator";
import { createPortalDatabaseUrl, makeUser } from "../../test/portal-db";
import { runGuarded } from "../actions";
import { createDb, type Db } from "../db";
import { billingClients } from "../gcp/clients";
import { EMULATOR_DEFAULT_LOCATIONS, ensureLocations } from "../services/locations";
import { billingAccountsOf, budgetsOf } from "./billing";
import { saveBudgetDefinition } from "./budget-actions";
import { setVarianceThresholdDefinition, thresholdOf, varianceThresholds } from "./thresholds";

const ACCOUNT = "billingAccounts/01A2B3-C4D5E6-F7A8B9";
let db: Db;
let stop: () => Promise<void>;
const savedEnv = { ...process.env };

beforeAll(async () => {
  const t = await startTestEmulator({ seed: true });
  stop = () => t.emulator.stop();
  const portalUrl = await createPortalDatabaseUrl();
  Object.assign(process.env, { DATABASE_URL: portalUrl, AUTH_SECRET: randomUUID() + randomUUID(), GCP_EMULATOR_HOST: t.emulator.endpoint });
  db = createDb(portalUrl);
  await ensureLocations(db, EMULATOR_DEFAULT_LOCATIONS);
}, 120_000);

afterAll(async () => {
  process.env = savedEnv;
  await stop?.();
});

const listed = async () => (await billingClients().budgets.listBudgets({ parent: ACCOUNT }, { timeout: 20_000 }))[0];

describe("budgets", () => {
  it("finds the account paying for the fleet and its currency, and the seeded budgets", async () => {
    const [account] = await billingAccountsOf(billingClients(), ["pyplots-prod", "shortfactory-prod"]);
    expect(account).toMatchObject({ name: ACCOUNT, currency: "USD", projects: ["pyplots-prod", "shortfactory-prod"] });
    const budgets = await budgetsOf(billingClients(), ACCOUNT);
    expect(budgets.find((b) => b.projects[0] === "pyplots-prod")).toMatchObject({ amount: 25, currency: "USD", thresholds: [{ percent: 0.5 }, { percent: 0.9 }, { percent: 1 }] });
  });

  it("lets an operator create a budget for a project and edit it, audited", async () => {
    const operator = await makeUser(db, "operator");
    const created = await runGuarded(saveBudgetDefinition, operator, { account: ACCOUNT, displayName: "elevendops", project: "elevendops-prod", amount: "40.5", thresholds: "90, 50", forecastAlert: "on" }, { db });
    expect(created).toMatchObject({ ok: true, data: { displayName: "elevendops", amount: 40.5, projects: ["elevendops-prod"] } });
    if (!created.ok) return;
    expect(created.data.thresholds).toEqual([{ percent: 0.5, basis: "CURRENT_SPEND" }, { percent: 0.9, basis: "CURRENT_SPEND" }, { percent: 1, basis: "FORECASTED_SPEND" }]);
    const edited = await runGuarded(saveBudgetDefinition, operator, { account: ACCOUNT, budget: created.data.name, etag: created.data.etag, displayName: "elevendops", project: "elevendops-prod", amount: "60", thresholds: "100" }, { db });
    expect(edited).toMatchObject({ ok: true, data: { amount: 60, thresholds: [{ percent: 1, basis: "CURRENT_SPEND" }] } });
    expect((await listed()).find((b) => b.name === created.data.name)!.amount!.specifiedAmount!.units).toBe("60");
    // The etag read before the edit is stale now: a second edit from that page is refused, not applied.
    const stale = await runGuarded(saveBudgetDefinition, operator, { account: ACCOUNT, budget: created.data.name, etag: created.data.etag, displayName: "x", amount: "1", thresholds: "50" }, { db });
    expect(stale).toMatchObject({ ok: false, code: "conflict" });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "cost.save-budget", outcome: "success" }, orderBy: { id: "asc" } });
    expect(audit).toMatchObject({ actorEmail: operator.email, target: `${ACCOUNT}/budgets/new` });
  });

  it("refuses bad input with the field to fix, and saves nothing", async () => {
    const operator = await makeUser(db, "operator");
    const before = (await listed()).length;
    const base = { account: ACCOUNT, displayName: "bad", project: "pyplots-prod", amount: "25", thresholds: "50" };
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ amount: "0" }, "amount", /more than zero/],
      [{ amount: "ten" }, "amount", /such as 25/],
      [{ thresholds: "50, 0" }, "thresholds", /between 1 and 1000/],
      [{ thresholds: "" }, "thresholds", /at least one/],
      [{ displayName: "n".repeat(61) }, "displayName", /60/],
    ];
    for (const [change, field, message] of cases) {
      const result = await runGuarded(saveBudgetDefinition, operator, { ...base, ...change }, { db });
      expect(result, JSON.stringify(change)).toMatchObject({ ok: false, code: "invalid" });
      expect((result as { fieldErrors: Record<string, string[]> }).fieldErrors[field]?.join(" "), JSON.stringify(change)).toMatch(message);
    }
    // A project outside Settings is refused by the guard's scope check.
    expect(await runGuarded(saveBudgetDefinition, operator, { ...base, project: "not-covered-project" }, { db })).toMatchObject({ ok: false, code: "forbidden", error: expect.stringContaining("not-covered-project is not covered") });
    expect((await listed()).length).toBe(before);
  });

  it("refuses a developer", async () => {
    const developer = await makeUser(db, "developer");
    const result = await runGuarded(saveBudgetDefinition, developer, { account: ACCOUNT, displayName: "x", amount: "5", thresholds: "50" }, { db });
    expect(result).toMatchObject({ ok: false, code: "forbidden" });
  });
});

describe("variance thresholds", () => {
  it("defaults to 20 % and keeps an operator's per-service change", async () => {
    const operator = await makeUser(db, "operator");
    expect(thresholdOf(await varianceThresholds(db), "pyplots-prod", "pyplots-api")).toBe(0.2);
    expect(await runGuarded(setVarianceThresholdDefinition, operator, { project: "pyplots-prod", service: "pyplots-api", percent: "35" }, { db })).toMatchObject({ ok: true });
    const t = await varianceThresholds(db);
    expect(thresholdOf(t, "pyplots-prod", "pyplots-api")).toBe(0.35);
    expect(thresholdOf(t, "pyplots-prod", "pyplots-frontend")).toBe(0.2);
    expect(await db.auditEvent.findFirstOrThrow({ where: { action: "cost.set-variance-threshold" } })).toMatchObject({ details: { before: 20, after: 35 } });
  });
});
