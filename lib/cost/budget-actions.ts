// Creating and editing a budget (operator+), through the Budget API. The form's
// percents become CURRENT_SPEND threshold rules, plus a FORECASTED_SPEND rule
// at 100 % when asked. Every budget the portal saves covers one project of
// Settings; an edit's scope is the budget's as Google holds it, never the form's
// (issue 27, item 3), and the edit leaves Google's filter alone. A stale etag
// (Google: ABORTED) is refused with what the budget holds now (item 7). Google's
// refusals come back as the form field they concern.
import "server-only";
import type { ActionDefinition } from "../actions";
import type { Db } from "../db";
import { Conflict, Forbidden, Invalid } from "../errors";
import { billingClients, type BillingClients } from "../gcp/clients";
import { grpcCode, upstreamError } from "../gcp/errors";
import { requireCovered } from "../scope";
import { budgetViewOf, forgetBudgets, toBudgetView, type BudgetView } from "./billing";
import { BudgetInput } from "./schemas";

const ABORTED = 10;
const CALL = { timeout: 20_000 };

const FIELDS: [RegExp, string][] = [
  [/amount/, "amount"],
  [/threshold/, "thresholds"],
  [/display_name/, "displayName"],
  [/projects/, "project"],
];

function asFieldError(err: unknown): unknown {
  const mapped = upstreamError(err, "Cloud Billing", "saving the budget");
  if (!(mapped instanceof Invalid)) return mapped;
  const field = FIELDS.find(([re]) => re.test(mapped.message))?.[1] ?? "_form";
  return new Invalid("Cloud Billing refused the budget.", {
    [field]: [mapped.message.replace(/^Cloud Billing rejected this while saving the budget: /, "")],
  });
}

/** The budget as Google holds it now, its projects as ids. */
async function heldBudget(clients: BillingClients, name: string, account: string): Promise<BudgetView> {
  try {
    const [held] = await clients.budgets.getBudget({ name }, CALL);
    return await budgetViewOf(clients, held, account);
  } catch (err) {
    throw upstreamError(err, "Cloud Billing", `reading the budget ${name}`);
  }
}

/** The one covered project an existing budget covers; anything else is refused before Google is asked to change it. */
async function heldScope(db: Db, held: BudgetView, input: BudgetInput): Promise<string> {
  if (held.projects.length !== 1) {
    throw new Forbidden(
      `“${held.displayName}” covers ${held.projects.length ? "several projects" : "the whole billing account"}; the portal edits only budgets of one project. Change it in the Cloud console.`,
    );
  }
  const [project] = held.projects;
  await requireCovered(db, { project });
  if (input.project !== project)
    throw new Invalid("This budget's project cannot change.", {
      project: [
        `This budget covers ${project}; its project cannot be changed here. Create a new budget for ${input.project}.`,
      ],
    });
  return project;
}

const money = (b: BudgetView) => (b.amount === null ? "last month's spend" : `${b.amount} ${b.currency}`);
const percents = (ps: number[]) => ps.map((p) => `${Math.round(p * 100)}`).join(", ") + " %";

/** A stale edit: nothing saved; says which of the form's fields the budget now holds otherwise. */
function staleEdit(now: BudgetView, input: BudgetInput): Conflict {
  const current = now.thresholds.filter((t) => t.basis === "CURRENT_SPEND").map((t) => t.percent);
  const forecast = now.thresholds.some((t) => t.basis === "FORECASTED_SPEND");
  const changed = [
    now.displayName !== input.displayName && `name “${now.displayName}”`,
    (now.amount === null || Math.abs(now.amount - Number(input.amount)) > 0.001) &&
      `amount ${money(now)} (yours: ${input.amount})`,
    percents(current) !== percents(input.thresholds) &&
      `alerts at ${percents(current)} (yours: ${percents(input.thresholds)})`,
    forecast !== input.forecastAlert && `forecast alert ${forecast ? "on" : "off"}`,
  ].filter(Boolean);
  return new Conflict(
    `Someone saved “${now.displayName}” since you opened it, so nothing was saved. ${changed.length ? `It now has ${changed.join(", ")}.` : "Its values are the ones you sent."} Reload to edit the current version.`,
    { budget: now.name, etag: now.etag },
  );
}

function budgetBody(input: BudgetInput) {
  const [units, cents = "0"] = input.amount.split(".");
  return {
    displayName: input.displayName,
    budgetFilter: { projects: [`projects/${input.project}`], calendarPeriod: "MONTH" as const },
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
  // The form's project, checked against Settings here; an edit is checked again against the budget Google holds (heldScope).
  scope: (i) => ({ project: i.project }),
  async run({ db }, input) {
    const clients = billingClients();
    const body = budgetBody(input);
    // Without the etag read with the form, Google would apply the edit over whatever changed since.
    if (input.budget && !input.etag)
      throw new Invalid("The form did not say which version of the budget it edits.", {
        _form: ["Reload the page and edit again."],
      });
    if (input.budget && !input.budget.startsWith(`${input.account}/`))
      throw new Invalid("The budget is not in this billing account.", {
        _form: [`${input.budget} is not a budget of ${input.account}.`],
      });
    const project = input.budget
      ? await heldScope(db, await heldBudget(clients, input.budget, input.account), input)
      : input.project;
    let saved;
    try {
      // An edit never sends a filter: the budget keeps the scope Google holds.
      [saved] = input.budget
        ? await clients.budgets.updateBudget(
            {
              budget: { ...body, budgetFilter: undefined, name: input.budget, etag: input.etag },
              updateMask: { paths: ["display_name", "amount", "threshold_rules"] },
            },
            CALL,
          )
        : await clients.budgets.createBudget({ parent: input.account, budget: body }, CALL);
    } catch (err) {
      if (input.budget && grpcCode(err) === ABORTED)
        throw staleEdit(await heldBudget(clients, input.budget, input.account), input);
      throw asFieldError(err);
    }
    forgetBudgets(input.account);
    // Google answers with the project's number; it is the project checked above.
    const view = { ...toBudgetView(saved, input.account), projects: [project] };
    return {
      data: view,
      message: `${input.budget ? "Saved" : "Created"} budget “${view.displayName}”.`,
      details: {
        budget: view.name,
        amount: input.amount,
        project,
        thresholds: input.thresholds,
        forecastAlert: input.forecastAlert,
      },
    };
  },
};
