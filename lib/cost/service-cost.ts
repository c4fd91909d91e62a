// One service's cost by revision (its service page): each revision's cost per
// day and per 1,000 requests from the project's history, and what its latest
// deploy changed against the revision before it.
import "server-only";
import { billingClients, catalogClient, observabilityClients } from "../gcp/clients";
import type { RevisionView, ServiceView } from "../services";
import { billingAccountsOf } from "./billing";
import { cloudRunSkus } from "./catalog";
import { projectHistory } from "./history";
import { parseCpu, parseGiB } from "./insight";
import { deployImpact, revisionCosts, type DeployImpact, type RevisionCost } from "./per-revision";
import { priceSheet } from "./pricing";

export type ServiceCostView = { currency: string; revisions: RevisionCost[]; impact: DeployImpact | null };

const DAY = 86_400_000;

export async function serviceCostByRevision(service: ServiceView, revisions: RevisionView[], now = new Date()): Promise<ServiceCostView> {
  const [accounts, history] = await Promise.all([billingAccountsOf(billingClients(), [service.project]), projectHistory(observabilityClients(), service.project, now)]);
  const currency = accounts[0]?.currency ?? "USD";
  const sheet = priceSheet(await cloudRunSkus(catalogClient(), currency), service.region, service.template.billing);
  const rows = history.filter((h) => h.service === service.id);
  const costs = revisionCosts(rows, sheet);
  const byCreated = [...revisions].filter((r) => r.status === "ready").sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0));
  const [latest, before] = byCreated;
  let impact: DeployImpact | null = null;
  const prevCost = before && costs.find((c) => c.revision === before.name);
  if (latest && before && prevCost && prevCost.days > 0) {
    const cur = costs.find((c) => c.revision === latest.name);
    const fullDay = !!latest.createdAt && now.getTime() - latest.createdAt.getTime() >= DAY && !!cur && cur.days >= 1;
    impact = deployImpact(prevCost, { cpu: parseCpu(before.cpu), memoryGiB: parseGiB(before.memory) }, cur, latest.name, { cpu: parseCpu(latest.cpu), memoryGiB: parseGiB(latest.memory) }, fullDay);
  }
  const order = new Map(byCreated.map((r, i) => [r.name, i]));
  return { currency, revisions: costs.sort((a, b) => (order.get(a.revision) ?? 99) - (order.get(b.revision) ?? 99)), impact };
}
