// One service's cost by revision (its service page): each revision's cost per
// day and per 1,000 requests from the project's history, and what its latest
// deploy changed against the revision before it, and what its idle min
// instances cost (request-based billing; idle.ts).
import "server-only";
import { billingClients, catalogClient, observabilityClients } from "../gcp/clients";
import type { RevisionView, ServiceView } from "../services";
import { billingAccountsOf } from "./billing";
import { cloudRunSkus } from "./catalog";
import { projectHistory, projectInstances } from "./history";
import { idleCostPerDay, parseCpu, parseGiB } from "./idle";
import { deployImpact, revisionCosts, type DeployImpact, type RevisionCost } from "./per-revision";
import { priceSheet } from "./pricing";

/** Idle min instances: per day at the last day's mean, and this month so far at that rate. */
export type IdleCost = { perDay: number; monthToDate: number; idleInstances: number };
export type ServiceCostView = {
  currency: string;
  revisions: RevisionCost[];
  impact: DeployImpact | null;
  idle: IdleCost | null;
};

const DAY = 86_400_000;

export async function serviceCostByRevision(
  service: ServiceView,
  revisions: RevisionView[],
  now = new Date(),
): Promise<ServiceCostView> {
  const warm = service.template.billing === "request" && service.template.minInstances > 0;
  const [accounts, history, instances] = await Promise.all([
    billingAccountsOf(billingClients(), [service.project]),
    projectHistory(observabilityClients(), service.project, now),
    // Only a request-based service with min instances pays for idle time apart; a failed read leaves the line out.
    warm ? projectInstances(observabilityClients(), service.project, now).catch(() => []) : Promise.resolve([]),
  ]);
  const currency = accounts[0]?.currency ?? "USD";
  const skus = await cloudRunSkus(catalogClient(), currency);
  const sheet = priceSheet(skus, service.region, service.template.billing);
  const idleInstances = instances.find((i) => i.service === service.id)?.idleInstances ?? null;
  const perDay = idleCostPerDay(service, idleInstances, skus);
  const monthDays = (now.getTime() - Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)) / DAY;
  const idle = perDay > 0 && idleInstances !== null ? { perDay, monthToDate: perDay * monthDays, idleInstances } : null;
  const rows = history.filter((h) => h.service === service.id);
  const costs = revisionCosts(rows, sheet);
  const byCreated = [...revisions]
    .filter((r) => r.status === "ready")
    .sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0));
  const [latest, before] = byCreated;
  let impact: DeployImpact | null = null;
  const prevCost = before && costs.find((c) => c.revision === before.name);
  if (latest && before && prevCost && prevCost.days > 0) {
    const cur = costs.find((c) => c.revision === latest.name);
    const fullDay = !!latest.createdAt && now.getTime() - latest.createdAt.getTime() >= DAY && !!cur && cur.days >= 1;
    impact = deployImpact(
      prevCost,
      { cpu: parseCpu(before.cpu), memoryGiB: parseGiB(before.memory) },
      cur,
      latest.name,
      { cpu: parseCpu(latest.cpu), memoryGiB: parseGiB(latest.memory) },
      fullDay,
    );
  }
  const order = new Map(byCreated.map((r, i) => [r.name, i]));
  return {
    currency,
    revisions: costs.sort((a, b) => (order.get(a.revision) ?? 99) - (order.get(b.revision) ?? 99)),
    impact,
    idle,
  };
}
