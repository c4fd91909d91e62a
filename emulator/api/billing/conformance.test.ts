// The Budget API v1 as Google's proto comments describe it, through the
// official @google-cloud/billing-budgets client: the differences found in
// issue 26's second conformance pass, one test each.
import { BudgetServiceClient } from "@google-cloud/billing-budgets";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../../test/databases";
import { CALL, clientOptions, code, startTestEmulator, type TestEmulator } from "../../testing/harness";
import { projectNumber } from "../projects";

const ACCOUNT = "billingAccounts/01A2B3-C4D5E6-F7A8B9";
let t: TestEmulator;
let budgets: BudgetServiceClient;

beforeAll(async () => {
  t = await startTestEmulator(await createEmptyDatabase(inject("pgAdminUrl"), "emu"), { seed: true });
  budgets = new BudgetServiceClient(clientOptions(t.emulator.grpcPort));
}, 60_000);
afterAll(async () => {
  await budgets?.close();
  await t?.close();
});

const usd = (units: number) => ({ specifiedAmount: { currencyCode: "USD", units: String(units) } });

describe("Budget API conformance", () => {
  it("UpdateBudget without a mask updates only the fields the request sets to non-default values, into nested messages", async () => {
    const [created] = await budgets.createBudget(
      {
        parent: ACCOUNT,
        budget: {
          displayName: "no-mask",
          budgetFilter: { projects: ["projects/conf-budget"], calendarPeriod: "QUARTER" },
          amount: usd(40),
          thresholdRules: [{ thresholdPercent: 0.5 }, { thresholdPercent: 1 }],
          notificationsRule: {
            monitoringNotificationChannels: ["projects/conf-budget/notificationChannels/1"],
            disableDefaultIamRecipients: true,
          },
        },
      },
      CALL,
    );
    const [updated] = await budgets.updateBudget(
      {
        budget: {
          name: created.name,
          budgetFilter: { creditTypesTreatment: "EXCLUDE_ALL_CREDITS" },
          notificationsRule: { enableProjectLevelRecipients: true },
        },
      },
      CALL,
    );
    expect(updated).toMatchObject({ displayName: "no-mask", amount: { specifiedAmount: { units: "40" } } });
    expect(updated.budgetFilter).toMatchObject({
      projects: [`projects/${projectNumber("conf-budget")}`],
      calendarPeriod: "QUARTER",
      creditTypesTreatment: "EXCLUDE_ALL_CREDITS",
    });
    expect(updated.thresholdRules!.map((r) => r.thresholdPercent)).toEqual([0.5, 1]);
    expect(updated.notificationsRule).toMatchObject({
      monitoringNotificationChannels: ["projects/conf-budget/notificationChannels/1"],
      disableDefaultIamRecipients: true,
      enableProjectLevelRecipients: true,
    });

    // A member of a oneof replaces its sibling.
    const [last] = await budgets.updateBudget(
      { budget: { name: created.name, amount: { lastPeriodAmount: {} } } },
      CALL,
    );
    expect(last.amount!.lastPeriodAmount).toEqual({});
    expect(last.amount!.specifiedAmount ?? null).toBeNull();
    expect(last.budgetFilter!.calendarPeriod).toBe("QUARTER");
  });

  it("DeleteBudget returns successfully if the budget is already deleted", async () => {
    const [created] = await budgets.createBudget(
      { parent: ACCOUNT, budget: { displayName: "twice", amount: usd(5) } },
      CALL,
    );
    await budgets.deleteBudget({ name: created.name }, CALL);
    await budgets.deleteBudget({ name: created.name }, CALL);
    expect((await code(budgets.getBudget({ name: created.name }, CALL))).code).toBe(5);
    expect((await code(budgets.deleteBudget({ name: "billingAccounts/x/nothing" }, CALL))).code).toBe(3);
  });

  it("ListBudgets pages 100 by default (Google: the default and maximum page size are 100)", async () => {
    const [before] = await budgets.listBudgets({ parent: ACCOUNT }, CALL);
    for (let i = before.length; i < 60; i++)
      await budgets.createBudget({ parent: ACCOUNT, budget: { displayName: `page-${i}`, amount: usd(1) } }, CALL);
    const [page, , raw] = await budgets.listBudgets({ parent: ACCOUNT }, { ...CALL, autoPaginate: false });
    expect(page.length).toBeGreaterThanOrEqual(60);
    expect(raw!.nextPageToken).toBe("");
  });
});
