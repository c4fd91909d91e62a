// Contract tests for the Budget API v1 (official @google-cloud/billing-budgets
// client) and the billing-account reads of CloudBilling (@google-cloud/billing):
// create, list, get, update, delete; Google's validation, each refusal
// leaving nothing stored; etags; the seeded plans' budgets.
import { CloudBillingClient } from "@google-cloud/billing";
import { BudgetServiceClient } from "@google-cloud/billing-budgets";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../../test/databases";
import { CALL, clientOptions, code, startTestEmulator, type TestEmulator } from "../../testing/harness";
import { projectNumber } from "../projects";

const ACCOUNT = "billingAccounts/01A2B3-C4D5E6-F7A8B9";
let t: TestEmulator;
let budgets: BudgetServiceClient;
let billing: CloudBillingClient;

beforeAll(async () => {
  t = await startTestEmulator(await createEmptyDatabase(inject("pgAdminUrl"), "emu"), { seed: true });
  budgets = new BudgetServiceClient(clientOptions(t.emulator.grpcPort));
  billing = new CloudBillingClient(clientOptions(t.emulator.grpcPort));
}, 60_000);
afterAll(async () => {
  await Promise.allSettled([budgets?.close(), billing?.close()]);
  await t?.close();
});

const usd = (units: number, nanos = 0) => ({ specifiedAmount: { currencyCode: "USD", units: String(units), nanos } });
const count = async () => (await budgets.listBudgets({ parent: ACCOUNT }, CALL))[0].length;

describe("CloudBilling reads", () => {
  it("names the account paying for a project, and the account's currency", async () => {
    const [info] = await billing.getProjectBillingInfo({ name: "projects/pyplots-prod" }, CALL);
    expect(info).toMatchObject({
      name: "projects/pyplots-prod/billingInfo",
      projectId: "pyplots-prod",
      billingAccountName: ACCOUNT,
      billingEnabled: true,
    });
    const [account] = await billing.getBillingAccount({ name: ACCOUNT }, CALL);
    expect(account).toMatchObject({ name: ACCOUNT, open: true, currencyCode: "USD" });
    expect((await code(billing.getBillingAccount({ name: "billingAccounts/000000-000000-000000" }, CALL))).code).toBe(
      5,
    );
  });
});

describe("Budget API v1", () => {
  it("seeds the fleet plans' budgets: pyplots $25 at 50/90/100 %, ShortFactory $200, IntentVision $100", async () => {
    const [list] = await budgets.listBudgets({ parent: ACCOUNT }, CALL);
    // Google names a budget's projects by number, whatever the request said.
    const byProject = Object.fromEntries(list.map((b) => [b.budgetFilter!.projects![0], b]));
    const n = (id: string) => `projects/${projectNumber(id)}`;
    expect(Object.keys(byProject).every((p) => /^projects\/\d{12}$/.test(p))).toBe(true);
    expect(byProject[n("pyplots-prod")].amount!.specifiedAmount).toMatchObject({ currencyCode: "USD", units: "25" });
    expect(byProject[n("pyplots-prod")].thresholdRules!.map((r) => [r.thresholdPercent, r.spendBasis])).toEqual([
      [0.5, "CURRENT_SPEND"],
      [0.9, "CURRENT_SPEND"],
      [1, "CURRENT_SPEND"],
    ]);
    expect(byProject[n("shortfactory-prod")].amount!.specifiedAmount!.units).toBe("200");
    expect(byProject[n("intentvision-prod")].amount!.specifiedAmount!.units).toBe("100");
    // scope: only the budgets of exactly that project, named by id or by number.
    for (const scope of ["projects/pyplots-prod", n("pyplots-prod")]) {
      const [scoped] = await budgets.listBudgets({ parent: ACCOUNT, scope }, CALL);
      expect(scoped.map((b) => b.displayName)).toEqual(["pyplots monthly"]);
    }
  });

  it("creates with Google's defaults, gets, updates with an etag and a mask, and deletes", async () => {
    const [created] = await budgets.createBudget(
      {
        parent: ACCOUNT,
        budget: {
          displayName: "api",
          budgetFilter: { projects: ["projects/contract-proj"] },
          amount: usd(40, 500_000_000),
          thresholdRules: [{ thresholdPercent: 0.8 }],
        },
      },
      CALL,
    );
    expect(created.name).toMatch(new RegExp(`^${ACCOUNT}/budgets/[0-9a-f-]{36}$`));
    expect(created.etag).toMatch(/^[0-9a-f]{16}$/);
    expect(created.budgetFilter).toMatchObject({
      projects: [`projects/${projectNumber("contract-proj")}`],
      calendarPeriod: "MONTH",
      creditTypesTreatment: "INCLUDE_ALL_CREDITS",
    });
    expect(created.thresholdRules).toEqual([
      expect.objectContaining({ thresholdPercent: 0.8, spendBasis: "CURRENT_SPEND" }),
    ]);
    expect(created.amount!.specifiedAmount).toMatchObject({ currencyCode: "USD", units: "40", nanos: 500_000_000 });
    const [read] = await budgets.getBudget({ name: created.name }, CALL);
    expect(read).toEqual(created);

    // A mask changes only what it names; the etag moves.
    const [updated] = await budgets.updateBudget(
      {
        budget: { name: created.name, etag: created.etag, amount: { lastPeriodAmount: {} }, displayName: "ignored" },
        updateMask: { paths: ["amount"] },
      },
      CALL,
    );
    expect(updated.amount!.lastPeriodAmount).toEqual({});
    expect(updated.amount!.specifiedAmount ?? null).toBeNull();
    expect((updated.amount as { budgetAmount?: string }).budgetAmount).toBe("lastPeriodAmount");
    expect(updated.displayName).toBe("api");
    expect(updated.etag).not.toBe(created.etag);
    // The old etag is stale now.
    const stale = await code(
      budgets.updateBudget(
        {
          budget: { name: created.name, etag: created.etag, displayName: "x" },
          updateMask: { paths: ["display_name"] },
        },
        CALL,
      ),
    );
    expect(stale.code).toBe(10);
    expect((await budgets.getBudget({ name: created.name }, CALL))[0].displayName).toBe("api");

    await budgets.deleteBudget({ name: created.name }, CALL);
    expect((await code(budgets.getBudget({ name: created.name }, CALL))).code).toBe(5);
    // Google: "Returns successfully if already deleted" (conformance.test.ts).
    await budgets.deleteBudget({ name: created.name }, CALL);
  });

  it("applies one of several concurrent updates from one etag and answers the others ABORTED (issue 27, item 7)", async () => {
    const [created] = await budgets.createBudget(
      {
        parent: ACCOUNT,
        budget: { displayName: "race", budgetFilter: { projects: ["projects/contract-proj"] }, amount: usd(10) },
      },
      CALL,
    );
    const names = ["a", "b", "c", "d", "e"];
    const results = await Promise.allSettled(
      names.map((n) =>
        budgets.updateBudget(
          {
            budget: { name: created.name, etag: created.etag, displayName: n },
            updateMask: { paths: ["display_name"] },
          },
          CALL,
        ),
      ),
    );
    const applied = results.flatMap((r) => (r.status === "fulfilled" ? [r.value[0]] : []));
    expect(applied).toHaveLength(1);
    expect(results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(
      [10, 10, 10, 10],
    );
    const [now] = await budgets.getBudget({ name: created.name }, CALL);
    expect(now).toMatchObject({ displayName: applied[0].displayName, etag: applied[0].etag });
    await budgets.deleteBudget({ name: created.name }, CALL);
  });

  it("refuses what Google refuses, naming the field, and stores nothing", async () => {
    const before = await count();
    const cases: [string, object, RegExp][] = [
      ["no amount", { displayName: "x" }, /budget\.amount is required/],
      ["zero amount", { amount: usd(0) }, /greater than zero/],
      ["negative amount", { amount: usd(-5) }, /greater than zero/],
      [
        "other currency",
        { amount: { specifiedAmount: { currencyCode: "EUR", units: "10" } } },
        /must match the billing account's currency \(USD\)/,
      ],
      [
        "threshold 0",
        { amount: usd(10), thresholdRules: [{ thresholdPercent: 0 }] },
        /threshold_rules\[0\]\.threshold_percent must be a positive number/,
      ],
      [
        "negative threshold",
        { amount: usd(10), thresholdRules: [{ thresholdPercent: 0.5 }, { thresholdPercent: -1 }] },
        /threshold_rules\[1\]/,
      ],
      ["long name", { displayName: "n".repeat(61), amount: usd(10) }, /display_name must be at most 60/],
      [
        "bad project",
        { amount: usd(10), budgetFilter: { projects: ["pyplots-prod"] } },
        /projects\[0\].*projects\/\{project\}/,
      ],
      [
        "last period on a custom period",
        {
          amount: { lastPeriodAmount: {} },
          budgetFilter: { customPeriod: { startDate: { year: 2026, month: 1, day: 1 } } },
        },
        /last_period_amount cannot be used with a custom period/,
      ],
      [
        "forecast on a custom period",
        {
          amount: usd(10),
          thresholdRules: [{ thresholdPercent: 1, spendBasis: "FORECASTED_SPEND" }],
          budgetFilter: { customPeriod: { startDate: { year: 2026, month: 1, day: 1 } } },
        },
        /FORECASTED_SPEND is not supported/,
      ],
      [
        "impossible date",
        { amount: usd(10), budgetFilter: { customPeriod: { startDate: { year: 2026, month: 2, day: 30 } } } },
        /start_date must be a complete, valid date/,
      ],
    ];
    for (const [what, budget, message] of cases) {
      const err = await code(budgets.createBudget({ parent: ACCOUNT, budget }, CALL));
      expect(err.code, what).toBe(3);
      expect(err.details, what).toMatch(message);
    }
    expect(
      (
        await code(
          budgets.createBudget({ parent: "billingAccounts/000000-000000-000000", budget: { amount: usd(1) } }, CALL),
        )
      ).code,
    ).toBe(5);
    expect(
      (await code(budgets.createBudget({ parent: "projects/pyplots-prod", budget: { amount: usd(1) } }, CALL))).code,
    ).toBe(3);
    expect(await count()).toBe(before);
  });

  it("pages with tokens ending ''", async () => {
    const [page, , raw] = await budgets.listBudgets({ parent: ACCOUNT, pageSize: 2 }, { ...CALL, autoPaginate: false });
    expect(page).toHaveLength(2);
    expect(raw!.nextPageToken).not.toBe("");
    const [rest, , last] = await budgets.listBudgets(
      { parent: ACCOUNT, pageSize: 2, pageToken: raw!.nextPageToken! },
      { ...CALL, autoPaginate: false },
    );
    expect(rest.length).toBeGreaterThan(0);
    expect(last!.nextPageToken).toBe("");
  });
});
