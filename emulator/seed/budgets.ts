// The fleet plans' budgets on the default billing account: pyplots $25 a month
// with alerts at 50, 90 and 100 %, ShortFactory $200 and IntentVision $100
// (alerts at 50, 90 and 100 % of current spend, and 100 % of the forecast).
import { DEFAULT_ACCOUNT } from "../api/billing/accounts";
import type { BudgetStore } from "../api/billing/budgets";

const rules = (...pcts: number[]) => pcts.map((p) => ({ thresholdPercent: p, spendBasis: "CURRENT_SPEND" }));

export const SEED_BUDGETS = [
  { displayName: "pyplots monthly", project: "pyplots-prod", usd: 25, thresholdRules: rules(0.5, 0.9, 1) },
  {
    displayName: "ShortFactory monthly",
    project: "shortfactory-prod",
    usd: 200,
    thresholdRules: [...rules(0.5, 0.9, 1), { thresholdPercent: 1, spendBasis: "FORECASTED_SPEND" }],
  },
  {
    displayName: "IntentVision MVP",
    project: "intentvision-prod",
    usd: 100,
    thresholdRules: [...rules(0.5, 0.9, 1), { thresholdPercent: 1, spendBasis: "FORECASTED_SPEND" }],
  },
];

export async function seedBudgets(store: BudgetStore): Promise<void> {
  for (const b of SEED_BUDGETS) {
    await store.create(DEFAULT_ACCOUNT, {
      displayName: b.displayName,
      budgetFilter: { projects: [`projects/${b.project}`], calendarPeriod: "MONTH" },
      amount: { specifiedAmount: { currencyCode: "USD", units: String(b.usd), nanos: 0 } },
      thresholdRules: b.thresholdRules,
    });
  }
}
