// Billing accounts and budgets through the official clients: which account
// pays for each covered project (and so the currency every figure is shown
// in), and the budgets of those accounts. Budgets carry no spend: the cost
// insight computes it (budget-math.ts). Google names a budget's projects by
// number; they are mapped to ids (gcp/project-ids.ts), which the usage is
// keyed on. Cached briefly; writes invalidate.
import "server-only";
import type { protos } from "@google-cloud/billing-budgets";
import { TtlCache } from "../cache";
import type { BillingClients } from "../gcp/clients";
import { upstreamError } from "../gcp/errors";
import { projectIdsOf } from "../gcp/project-ids";
import type { Threshold } from "./budget-math";

export type BillingAccountView = { name: string; displayName: string; currency: string; projects: string[] };
export type BudgetView = {
  name: string;
  account: string;
  displayName: string;
  /** null: last period's spend. */
  amount: number | null;
  currency: string;
  /** Project ids the budget is limited to (empty: the whole account); a number the portal may not resolve stays a number. */
  projects: string[];
  thresholds: Threshold[];
  etag: string;
};

const accountsCache = new TtlCache<BillingAccountView[]>(10 * 60_000);
const budgetsCache = new TtlCache<BudgetView[]>(60_000);

/** The accounts paying for `projects` (one GetProjectBillingInfo per project, one GetBillingAccount per account). */
export function billingAccountsOf(clients: BillingClients, projects: string[]): Promise<BillingAccountView[]> {
  return accountsCache.get([...projects].sort().join(","), async () => {
    try {
      const infos = await Promise.all(
        projects.map((p) =>
          clients.accounts.getProjectBillingInfo({ name: `projects/${p}` }, { timeout: 20_000 }).then(([i]) => i),
        ),
      );
      const byAccount = new Map<string, string[]>();
      infos.forEach((info, i) => {
        if (!info.billingAccountName) return;
        (
          byAccount.get(info.billingAccountName) ??
          byAccount.set(info.billingAccountName, []).get(info.billingAccountName)!
        ).push(projects[i]);
      });
      return await Promise.all(
        [...byAccount.entries()].map(async ([name, ps]) => {
          const [a] = await clients.accounts.getBillingAccount({ name }, { timeout: 20_000 });
          return { name, displayName: a.displayName ?? name, currency: a.currencyCode || "USD", projects: ps };
        }),
      );
    } catch (err) {
      throw upstreamError(err, "Cloud Billing", "reading the billing accounts of the covered projects");
    }
  });
}

type Budget = protos.google.cloud.billing.budgets.v1.IBudget;

/** The view with the budget's project numbers mapped to ids (one cached GetProject per number). */
export async function budgetViewOf(clients: BillingClients, b: Budget, account: string): Promise<BudgetView> {
  const view = toBudgetView(b, account);
  return { ...view, projects: await projectIdsOf(clients.projects, view.projects) };
}

/** The view as Google returned it: projects as named there (by number, on Google). */
export function toBudgetView(b: Budget, account: string): BudgetView {
  const money = b.amount?.specifiedAmount;
  return {
    name: b.name ?? "",
    account,
    displayName: b.displayName ?? "",
    amount: money ? Number(money.units ?? 0) + Number(money.nanos ?? 0) / 1e9 : null,
    currency: money?.currencyCode || "USD",
    projects: (b.budgetFilter?.projects ?? []).map((p) => p.replace(/^projects\//, "")),
    thresholds: (b.thresholdRules ?? []).map((r) => ({
      percent: Number(r.thresholdPercent ?? 0),
      basis: r.spendBasis === "FORECASTED_SPEND" ? "FORECASTED_SPEND" : "CURRENT_SPEND",
    })),
    etag: b.etag ?? "",
  };
}

export function budgetsOf(clients: BillingClients, account: string): Promise<BudgetView[]> {
  return budgetsCache.get(account, async () => {
    try {
      const [list] = await clients.budgets.listBudgets({ parent: account }, { timeout: 20_000 });
      return await Promise.all(list.map((b) => budgetViewOf(clients, b, account)));
    } catch (err) {
      throw upstreamError(err, "Cloud Billing", `listing the budgets of ${account}`);
    }
  });
}

export const forgetBudgets = (account: string) => budgetsCache.invalidate(account);
