// Budgets from the portal's side, against a seeded emulator: an operator
// creates and edits one (read back through the Budget API), bad input is
// refused with a field error and nothing saved (neither by the portal's
// checks nor by Google's), the variance threshold is kept per service, and a
// budget Google names by project number has the spend of that project's id.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator } from "../../test/emulator";
import { createPortalDatabaseUrl, makeUser } from "../../test/portal-db";
import { runGuarded } from "../actions";
import { createDb, type Db } from "../db";
import { billingClients } from "../gcp/clients";
import { EMULATOR_DEFAULT_LOCATIONS, ensureLocations } from "../services/locations";
import type { ServiceView } from "../services";
import { billingAccountsOf, budgetsOf, forgetBudgets } from "./billing";
import { saveBudgetDefinition } from "./budget-actions";
import { costInsight } from "./insight";
import { setVarianceThresholdDefinition, thresholdOf, varianceThresholds } from "./thresholds";

const ACCOUNT = "billingAccounts/01A2B3-C4D5E6-F7A8B9";
let db: Db;
let stop: () => Promise<void>;
const savedEnv = { ...process.env };

beforeAll(async () => {
  const t = await startTestEmulator({ seed: true });
  stop = () => t.emulator.stop();
  const portalUrl = await createPortalDatabaseUrl();
  Object.assign(process.env, {
    DATABASE_URL: portalUrl,
    AUTH_SECRET: randomUUID() + randomUUID(),
    GCP_EMULATOR_HOST: t.emulator.endpoint,
  });
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
    expect(budgets.find((b) => b.projects[0] === "pyplots-prod")).toMatchObject({
      amount: 25,
      currency: "USD",
      thresholds: [{ percent: 0.5 }, { percent: 0.9 }, { percent: 1 }],
    });
  });

  it("lets an operator create a budget for a project and edit it, audited", async () => {
    const operator = await makeUser(db, "operator");
    const created = await runGuarded(
      saveBudgetDefinition,
      operator,
      {
        account: ACCOUNT,
        displayName: "elevendops",
        project: "elevendops-prod",
        amount: "40.5",
        thresholds: "90, 50",
        forecastAlert: "on",
      },
      { db },
    );
    expect(created).toMatchObject({
      ok: true,
      data: { displayName: "elevendops", amount: 40.5, projects: ["elevendops-prod"] },
    });
    if (!created.ok) return;
    expect(created.data.thresholds).toEqual([
      { percent: 0.5, basis: "CURRENT_SPEND" },
      { percent: 0.9, basis: "CURRENT_SPEND" },
      { percent: 1, basis: "FORECASTED_SPEND" },
    ]);
    const edited = await runGuarded(
      saveBudgetDefinition,
      operator,
      {
        account: ACCOUNT,
        budget: created.data.name,
        etag: created.data.etag,
        displayName: "elevendops",
        project: "elevendops-prod",
        amount: "60",
        thresholds: "100",
      },
      { db },
    );
    expect(edited).toMatchObject({
      ok: true,
      data: { amount: 60, thresholds: [{ percent: 1, basis: "CURRENT_SPEND" }] },
    });
    expect((await listed()).find((b) => b.name === created.data.name)!.amount!.specifiedAmount!.units).toBe("60");
    // The etag read before the edit is stale now: a second edit from that page is refused, not applied.
    const stale = await runGuarded(
      saveBudgetDefinition,
      operator,
      {
        account: ACCOUNT,
        budget: created.data.name,
        etag: created.data.etag,
        displayName: "x",
        project: "elevendops-prod",
        amount: "1",
        thresholds: "50",
      },
      { db },
    );
    expect(stale).toMatchObject({ ok: false, code: "conflict" });
    const audit = await db.auditEvent.findFirstOrThrow({
      where: { action: "cost.save-budget", outcome: "success", actorEmail: operator.email },
      orderBy: { id: "asc" },
    });
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
      expect(
        (result as { fieldErrors: Record<string, string[]> }).fieldErrors[field]?.join(" "),
        JSON.stringify(change),
      ).toMatch(message);
    }
    // A project outside Settings is refused by the guard's scope check.
    expect(
      await runGuarded(saveBudgetDefinition, operator, { ...base, project: "not-covered-project" }, { db }),
    ).toMatchObject({
      ok: false,
      code: "forbidden",
      error: expect.stringContaining("not-covered-project is not covered"),
    });
    expect((await listed()).length).toBe(before);
  });

  it("takes an edit's scope from the budget Google holds: another project's budget is not widened to the account, nor edited outside Settings (issue 27, item 3)", async () => {
    const operator = await makeUser(db, "operator");
    const { budgets } = billingClients();
    const body = (name: string, projects: string[]) => ({
      displayName: name,
      budgetFilter: { projects },
      amount: { specifiedAmount: { currencyCode: "USD", units: "10" } },
      thresholdRules: [{ thresholdPercent: 0.5 }],
    });
    // A project Settings does not cover (Google names it by number), and a budget over the whole account.
    const [outside] = await budgets.createBudget(
      { parent: ACCOUNT, budget: body("outside", ["projects/999999999998"]) },
      { timeout: 20_000 },
    );
    const [whole] = await budgets.createBudget(
      { parent: ACCOUNT, budget: body("whole account", []) },
      { timeout: 20_000 },
    );
    const edit = (b: typeof outside, project: string) =>
      runGuarded(
        saveBudgetDefinition,
        operator,
        {
          account: ACCOUNT,
          budget: b.name,
          etag: b.etag,
          displayName: "mine now",
          project,
          amount: "99999",
          thresholds: "100",
        },
        { db },
      );

    const widened = await edit(outside, "");
    expect(widened).toMatchObject({
      ok: false,
      code: "invalid",
      fieldErrors: { project: ["Choose the project the budget covers."] },
    });
    // Naming a covered project in the form does not make the budget's own project covered.
    expect(await edit(outside, "pyplots-prod")).toMatchObject({
      ok: false,
      code: "forbidden",
      error: expect.stringContaining("999999999998 is not covered"),
    });
    expect(await edit(whole, "pyplots-prod")).toMatchObject({
      ok: false,
      code: "forbidden",
      error: expect.stringContaining("covers the whole billing account"),
    });
    // A covered budget keeps its project: the form cannot move it.
    const [pyplots] = await budgets.createBudget(
      { parent: ACCOUNT, budget: body("pyplots extra", ["projects/pyplots-prod"]) },
      { timeout: 20_000 },
    );
    expect(await edit(pyplots, "shortfactory-prod")).toMatchObject({
      ok: false,
      code: "invalid",
      fieldErrors: { project: [expect.stringContaining("covers pyplots-prod")] },
    });
    // An edit without the etag it read is refused: Google would apply it over any change.
    expect(
      await runGuarded(
        saveBudgetDefinition,
        operator,
        {
          account: ACCOUNT,
          budget: pyplots.name,
          displayName: "no etag",
          project: "pyplots-prod",
          amount: "5",
          thresholds: "50",
        },
        { db },
      ),
    ).toMatchObject({ ok: false, code: "invalid", fieldErrors: { _form: ["Reload the page and edit again."] } });
    // A new budget needs a project too.
    expect(
      await runGuarded(
        saveBudgetDefinition,
        operator,
        { account: ACCOUNT, displayName: "all", project: "", amount: "5", thresholds: "50" },
        { db },
      ),
    ).toMatchObject({
      ok: false,
      code: "invalid",
      fieldErrors: { project: ["Choose the project the budget covers."] },
    });

    for (const b of [outside, whole, pyplots]) {
      const [now] = await budgets.getBudget({ name: b.name }, { timeout: 20_000 });
      expect(now).toMatchObject({
        displayName: b.displayName,
        etag: b.etag,
        budgetFilter: { projects: b.budgetFilter!.projects },
      });
    }
    expect(
      await db.auditEvent.count({
        where: {
          action: "cost.save-budget",
          actorEmail: operator.email,
          outcome: { in: ["invalid", "denied", "failed"] },
        },
      }),
    ).toBe(6);
    await Promise.all(
      [outside, whole, pyplots].map((b) => budgets.deleteBudget({ name: b.name! }, { timeout: 20_000 })),
    );
    forgetBudgets(ACCOUNT);
  });

  it("refuses the second of two edits from one etag, saying what the budget holds now (issue 27, item 7)", async () => {
    const operator = await makeUser(db, "operator");
    const created = await runGuarded(
      saveBudgetDefinition,
      operator,
      { account: ACCOUNT, displayName: "race", project: "pyplots-prod", amount: "30", thresholds: "50, 90" },
      { db },
    );
    if (!created.ok) throw new Error(created.error);
    const edit = (amount: string, thresholds: string) =>
      runGuarded(
        saveBudgetDefinition,
        operator,
        {
          account: ACCOUNT,
          budget: created.data.name,
          etag: created.data.etag,
          displayName: "race",
          project: "pyplots-prod",
          amount,
          thresholds,
        },
        { db },
      );
    const results = await Promise.all([edit("40", "50"), edit("70", "80")]);
    const won = results.filter((r) => r.ok);
    const lost = results.filter((r) => !r.ok);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const winner = results[0].ok ? { amount: "40", alerts: "50 %" } : { amount: "70", alerts: "80 %" };
    expect(lost[0]).toMatchObject({ ok: false, code: "conflict" });
    const message = (lost[0] as { error: string }).error;
    expect(message).toMatch(/^Someone saved “race” since you opened it, so nothing was saved\. It now has /);
    expect(message).toContain(`amount ${winner.amount} USD (yours: `);
    expect(message).toContain(`alerts at ${winner.alerts} (yours: `);
    const [now] = await billingClients().budgets.getBudget({ name: created.data.name }, { timeout: 20_000 });
    expect(now.amount!.specifiedAmount!.units).toBe(winner.amount);
    await billingClients().budgets.deleteBudget({ name: created.data.name }, { timeout: 20_000 });
    forgetBudgets(ACCOUNT);
  });

  it("refuses a developer", async () => {
    const developer = await makeUser(db, "developer");
    const result = await runGuarded(
      saveBudgetDefinition,
      developer,
      { account: ACCOUNT, displayName: "x", amount: "5", thresholds: "50" },
      { db },
    );
    expect(result).toMatchObject({ ok: false, code: "forbidden" });
  });
});

const price = (usd: number) => ({ units: "0", nanos: Math.round(usd * 1e9) });
const sku = (description: string, regions: string[], tiers: [number, number][]) => ({
  description,
  serviceRegions: regions,
  pricingInfo: [
    { pricingExpression: { tieredRates: tiers.map(([s, usd]) => ({ startUsageAmount: s, unitPrice: price(usd) })) } },
  ],
});
const SKUS = [
  sku("Services CPU (Request-based billing)", ["us-central1"], [[0, 0.000024]]),
  sku("Services Memory (Request-based billing)", ["us-central1"], [[0, 0.0000025]]),
  sku("Services CPU (Instance-based billing) in us-central1", ["us-central1"], [[0, 0.000018]]),
  sku("Services Memory (Instance-based billing) in us-central1", ["us-central1"], [[0, 0.000002]]),
  sku(
    "Requests",
    ["global"],
    [
      [0, 0],
      [2_000_000, 0.0000004],
    ],
  ),
];
const service = (project: string, id: string, billing: "request" | "instance") =>
  ({
    name: `projects/${project}/locations/us-central1/services/${id}`,
    id,
    project,
    region: "us-central1",
    latestReadyRevision: `${id}-00001-aaa`,
    template: { billing, cpu: "1", memory: "512Mi", minInstances: 0, concurrency: 80 },
  }) as unknown as ServiceView;

describe("budgets named by project number", () => {
  it("map the number to the id, so a budget filtered by projects/<number> spends what one filtered by id does", async () => {
    const { budgets, projects } = billingClients();
    const [project] = await projects.getProject({ name: "projects/pyplots-prod" }, { timeout: 20_000 });
    const number = project.name!.split("/")[1];
    expect(number).toMatch(/^\d{12}$/);
    const body = (name: string, p: string) => ({
      displayName: name,
      budgetFilter: { projects: [p] },
      amount: { specifiedAmount: { currencyCode: "USD", units: "10" } },
    });
    const [byNumber] = await budgets.createBudget(
      { parent: ACCOUNT, budget: body("by number", `projects/${number}`) },
      { timeout: 20_000 },
    );
    const [byId] = await budgets.createBudget(
      { parent: ACCOUNT, budget: body("by id", "projects/pyplots-prod") },
      { timeout: 20_000 },
    );
    // A project nobody may read (Google: PERMISSION_DENIED) keeps its number.
    const [unknown] = await budgets.createBudget(
      { parent: ACCOUNT, budget: body("unknown", "projects/999999999999") },
      { timeout: 20_000 },
    );
    // Google's form, whichever was sent.
    expect(byId.budgetFilter!.projects).toEqual([`projects/${number}`]);
    forgetBudgets(ACCOUNT);
    const views = await budgetsOf(billingClients(), ACCOUNT);
    const view = (name: string) => views.find((v) => v.name === name)!;
    expect(view(byNumber.name!).projects).toEqual(["pyplots-prod"]);
    expect(view(byId.name!).projects).toEqual(["pyplots-prod"]);
    expect(view(unknown.name!).projects).toEqual(["999999999999"]);

    // Fixed usage on 9 November. pyplots-prod/api (request-based): 200 000 vCPU-s, 400 000 GiB-s, 2.5 M requests, net of the free tier:
    // (200 000 − 180 000) × 0.000024 = 0.48; (400 000 − 360 000) × 0.0000025 = 0.10; (2.5 M − 2 M) × 0.0000004 = 0.20 → $0.78.
    // other-proj/worker (instance-based, its own free tier): (300 000 − 240 000) × 0.000018 = $1.08, in no pyplots budget.
    const history = [
      {
        project: "pyplots-prod",
        service: "api",
        revision: "api-00001-aaa",
        day: "2026-11-09",
        vcpuSeconds: 200_000,
        gibSeconds: 400_000,
        requests: 2_500_000,
        instanceSeconds: 200_000,
      },
      {
        project: "other-proj",
        service: "worker",
        revision: "worker-00001-aaa",
        day: "2026-11-09",
        vcpuSeconds: 300_000,
        gibSeconds: 150_000,
        requests: 0,
        instanceSeconds: 300_000,
      },
    ];
    const insight = costInsight({
      services: [service("pyplots-prod", "api", "request"), service("other-proj", "worker", "instance")],
      history,
      signals: [],
      skus: SKUS,
      thresholds: new Map(),
      budgets: [view(byNumber.name!), view(byId.name!), view(unknown.name!)],
      accountProjects: new Map(),
      currency: "USD",
      now: new Date("2026-11-11T00:00:00Z"),
    });
    const spent = (name: string) => insight.budgets.find((b) => b.name === name)!.month!.spent;
    expect(spent(byNumber.name!)).toBeCloseTo(0.78, 9);
    expect(spent(byId.name!)).toBeCloseTo(0.78, 9);
    expect(spent(unknown.name!)).toBe(0);
    await Promise.all(
      [byNumber, byId, unknown].map((b) => budgets.deleteBudget({ name: b.name! }, { timeout: 20_000 })),
    );
    forgetBudgets(ACCOUNT);
  });
});

describe("variance thresholds", () => {
  it("defaults to 20 % and keeps an operator's per-service change", async () => {
    const operator = await makeUser(db, "operator");
    expect(thresholdOf(await varianceThresholds(db), "pyplots-prod", "pyplots-api")).toBe(0.2);
    expect(
      await runGuarded(
        setVarianceThresholdDefinition,
        operator,
        { project: "pyplots-prod", service: "pyplots-api", percent: "35" },
        { db },
      ),
    ).toMatchObject({ ok: true });
    const t = await varianceThresholds(db);
    expect(thresholdOf(t, "pyplots-prod", "pyplots-api")).toBe(0.35);
    expect(thresholdOf(t, "pyplots-prod", "pyplots-frontend")).toBe(0.2);
    expect(await db.auditEvent.findFirstOrThrow({ where: { action: "cost.set-variance-threshold" } })).toMatchObject({
      details: { before: 20, after: 35 },
    });
  });
});
