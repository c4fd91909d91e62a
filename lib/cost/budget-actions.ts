// Creating and editing a budget (operator+), through the Budget API. The form's
// percents become CURRENT_SPEND threshold rules, plus a FORECASTED_SPEND rule
// at 100 % when asked; a project limits the budget to that project. Google's
// refusals come back as the form field they concern.
import "server-only";
import type { ActionDefinition } from "../actions";
import { Invalid } from "../errors";
import { billingClients } from "../gcp/clients";
import { upstreamError } from "../gcp/errors";
import { forgetBudgets, toBudgetView, type BudgetView } from "./billing";
import { BudgetInput } from "./schemas";

const FIELDS: [RegExp, string][] = [[/amount/, "amount"], [/threshold/, "thresholds"], [/display_name/, "displayName"], [/projects/, "project"]];

function asFieldError(err: unknown): unknown {
  const mapped = upstreamError(err, "Cloud Billing", "saving the budget");
  if (!(mapped instanceof Invalid)) return mapped;
  const field = FIELDS.find(([re]) => re.test(mapped.message))?.[1] ?? "_form";
  return new Invalid("Cloud Billing refused the budget.", { [field]: [mapped.message.replace(/^Cloud Billing rejected this while saving the budget: /, "")] });
}

function budgetBody(input: BudgetInput) {
  const [units, cents = "0"] = input.amount.split(".");
  return {
    displayName: input.displayName,
    budgetFilter: { projects: input.project ? [`projects/${input.project}`] : [], calendarPeriod: "MONTH" as const },
    amount: { specifiedAmount: { units, nanos: Number(cents.padEnd(2, "0")) * 10_000_000 } },
    thresholdRules: [
      ...input.thresholds.map((p) => ({ thresholdPercent: p, spendBasis: "CURRENT_SPEND" as const })),
      ...(input.forecastAlert ? [{ thresholdPercent: 1, spendBasis: "FORECASTED_SPEND" as const }] : []),
    ],
  };
}

export const saveBudgetDefinition: ActionDefinition<typeof BudgetInput, BudgetView> = {
  name: "cost.save-budget",
  role: "operator",
  input: BudgetInput,
  target: (i) => i.budget ?? `${i.account}/budgets/new`,
  // A project's budget is that project's business; one over the whole account is the portal's.
  scope: (i) => (i.project ? { project: i.project } : "portal"),
  async run(_ctx, input) {
    const { budgets } = billingClients();
    const body = budgetBody(input);
    let saved;
    try {
      [saved] = input.budget
        ? await budgets.updateBudget({ budget: { ...body, name: input.budget, etag: input.etag }, updateMask: { paths: ["display_name", "budget_filter", "amount", "threshold_rules"] } }, { timeout: 20_000 })
        : await budgets.createBudget({ parent: input.account, budget: body }, { timeout: 20_000 });
    } catch (err) {
      throw asFieldError(err);
    }
    forgetBudgets(input.account);
    // Google answers with the project's number; the filter is the one sent, so the form's id stands for it.
    const view = { ...toBudgetView(saved, input.account), projects: input.project ? [input.project] : [] };
    return {
      data: view,
      message: `${input.budget ? "Saved" : "Created"} budget “${view.displayName}”.`,
      details: { budget: view.name, amount: input.amount, project: input.project ?? null, thresholds: input.thresholds, forecastAlert: input.forecastAlert },
    };
  },
};
