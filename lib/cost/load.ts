// What a cost view needs besides the fleet, fetched in parallel: the billing
// accounts (their currency prices everything), Cloud Run's list prices in that
// currency, two months of usage per revision, and for the cost page the
// utilization signals, the budgets and the variance thresholds. A failing
// project, catalog or account is reported, not fatal.
import "server-only";
import type { protos } from "@google-cloud/billing";
import type { Db } from "../db";
import { billingClients, catalogClient, observabilityClients, type GcpTarget } from "../gcp/clients";
import type { ServiceView } from "../services";
import { billingAccountsOf, budgetsOf, type BillingAccountView, type BudgetView } from "./billing";
import { cloudRunSkus } from "./catalog";
import { projectHistory, projectInstances, projectSignals, type RevisionDay, type Signals } from "./history";
import { idleCostPerDay } from "./idle";
import { costInsight, dailyUsage, type CostInsight } from "./insight";
import { costReport, monthToDateCosts, type CostReport } from "./report";
import { varianceThresholds } from "./thresholds";
import type { DailyUsage } from "./usage";
import { explain } from "./variance";

export type CostInputs = {
  /** This month, per service and day. */
  usage: DailyUsage[];
  /** Since the 1st of last month, per revision and day. */
  history: RevisionDay[];
  skus: protos.google.cloud.billing.v1.ISku[] | null;
  accounts: BillingAccountView[];
  /** The billing account's currency (the first account's when several pay). */
  currency: string;
  failures: string[];
  /** Projects whose usage could not be read: their cost is unknown, not zero. */
  unreadProjects: string[];
};

const value = <T>(r: PromiseSettledResult<T>, failures: string[]): T | null =>
  r.status === "fulfilled" ? r.value : (failures.push((r.reason as Error).message), null);

/** `target` defaults to the configured Google side (benchmarks pass their own). */
export async function loadUsageAndPrices(
  projects: string[],
  opts: { now?: Date; target?: GcpTarget } = {},
): Promise<CostInputs> {
  const now = opts.now ?? new Date();
  const failures: string[] = [];
  const accountsRead = billingAccountsOf(billingClients(opts.target), projects);
  const historyRead = Promise.allSettled(
    projects.map((p) => projectHistory(observabilityClients(opts.target), p, now)),
  );
  const accounts = value((await Promise.allSettled([accountsRead]))[0], failures) ?? [];
  const currency = accounts[0]?.currency ?? "USD";
  const [skus] = await Promise.allSettled([cloudRunSkus(catalogClient(opts.target), currency)]);
  const history = await historyRead;
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString().slice(0, 10);
  const rows = history.flatMap((h) => value(h, failures) ?? []);
  return {
    skus: value(skus, failures),
    history: rows,
    usage: dailyUsage(rows, monthStart, "9999"),
    accounts,
    currency,
    failures,
    unreadProjects: projects.filter((_, i) => history[i].status === "rejected"),
  };
}

/** The report, or null when there are no prices to compute it with. */
export function reportFor(services: ServiceView[], inputs: CostInputs, now = new Date()): CostReport | null {
  return inputs.skus ? costReport(services, inputs.usage, inputs.skus, now) : null;
}

/**
 * Month-to-date cost by service name, or null when there are no prices. The
 * services of a project whose usage could not be read are left out.
 */
export function monthToDateFor(
  services: ServiceView[],
  inputs: CostInputs,
  idlePerDay?: Map<string, number>,
  now = new Date(),
): Map<string, number> | null {
  if (!inputs.skus) return null;
  const costs = monthToDateCosts(services, inputs.usage, inputs.skus, idlePerDay, now);
  for (const s of services) if (inputs.unreadProjects.includes(s.project)) costs.delete(s.name);
  return costs;
}

/**
 * What idle min instances cost a day, by `project/service`, for the fleet's
 * column: one cached instance-count read per project that has a request-based
 * service with min instances (none for the rest). A failed read is reported.
 */
export async function idlePerDayFor(
  services: ServiceView[],
  inputs: CostInputs,
  opts: { now?: Date; target?: GcpTarget } = {},
): Promise<{ idlePerDay: Map<string, number>; failures: string[] }> {
  const failures: string[] = [];
  const skus = inputs.skus;
  const warm = skus ? services.filter((s) => s.template.billing === "request" && s.template.minInstances >= 1) : [];
  const projects = [...new Set(warm.map((s) => s.project))];
  const reads = await Promise.allSettled(
    projects.map((p) => projectInstances(observabilityClients(opts.target), p, opts.now)),
  );
  const idle = new Map(
    reads.flatMap((r) => value(r, failures) ?? []).map((i) => [`${i.project}/${i.service}`, i.idleInstances]),
  );
  return {
    idlePerDay: new Map(
      warm.map((s) => [`${s.project}/${s.id}`, idleCostPerDay(s, idle.get(`${s.project}/${s.id}`), skus!)]),
    ),
    failures,
  };
}

/** The fleet's variance flags: by service name, what a flagged service's increase is and where it came from. */
export function varianceFlagsFor(
  services: ServiceView[],
  inputs: CostInputs,
  thresholds: Map<string, number>,
  now = new Date(),
): Map<string, string> {
  if (!inputs.skus) return new Map();
  const insight = costInsight({
    services,
    history: inputs.history,
    signals: [],
    skus: inputs.skus,
    thresholds,
    budgets: [],
    accountProjects: new Map(),
    currency: inputs.currency,
    now,
  });
  const flags = new Map<string, string>();
  for (const s of insight.services) {
    const name = services.find((x) => x.project === s.project && x.id === s.service)!.name;
    if (s.week.flagged) flags.set(name, explain(s.week, "week over week"));
    else if (s.month.flagged) flags.set(name, explain(s.month, "month over month"));
  }
  return flags;
}
export type CostPageData = { insight: CostInsight | null; inputs: CostInputs; signalsFailures: string[] };

/** Everything the cost page shows; `db` gives the variance thresholds (a Map: benchmarks, which have no portal database). */
export async function loadCostInsight(
  services: ServiceView[],
  projects: string[],
  db: Db | Map<string, number>,
  opts: { now?: Date; target?: GcpTarget } = {},
): Promise<CostPageData> {
  const now = opts.now ?? new Date();
  const [inputs, signalsRead, thresholds] = await Promise.all([
    loadUsageAndPrices(projects, opts),
    Promise.allSettled(projects.map((p) => projectSignals(observabilityClients(opts.target), p, now))),
    db instanceof Map ? db : varianceThresholds(db),
  ]);
  const failures: string[] = [];
  const signals = signalsRead.flatMap((s) => {
    const v = value(s, failures);
    return v ? [v] : [];
  }) as Signals[];
  const budgetsRead = await Promise.allSettled(
    inputs.accounts.map((a) => budgetsOf(billingClients(opts.target), a.name)),
  );
  const budgets = budgetsRead.flatMap((b) => value(b, failures) ?? []) as BudgetView[];
  if (!inputs.skus) return { insight: null, inputs, signalsFailures: failures };
  const accountProjects = new Map(inputs.accounts.map((a) => [a.name, a.projects]));
  // A project whose usage could not be read has an unknown cost, not zero: its services are left out (the failure is shown).
  const known = services.filter((s) => !inputs.unreadProjects.includes(s.project));
  return {
    insight: costInsight({
      services: known,
      history: inputs.history,
      signals,
      skus: inputs.skus,
      thresholds,
      budgets,
      accountProjects,
      currency: inputs.currency,
      now,
    }),
    inputs,
    signalsFailures: failures,
  };
}
