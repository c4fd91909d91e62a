// What a cost view needs besides the fleet: usage per project from Cloud
// Monitoring and the Cloud Run price list, fetched in parallel. A failing
// project or catalog is reported, not fatal.
import type { protos } from "@google-cloud/billing";
import { catalogClient, observabilityClients, type GcpTarget } from "../gcp/clients";
import type { ServiceView } from "../services";
import { cloudRunSkus } from "./catalog";
import { costReport, monthToDateCosts, type CostReport } from "./report";
import { monthUsage, type DailyUsage } from "./usage";

export type CostInputs = {
  usage: DailyUsage[];
  skus: protos.google.cloud.billing.v1.ISku[] | null;
  failures: string[];
  /** Projects whose usage could not be read: their cost is unknown, not zero. */
  unreadProjects: string[];
};

/** `target` defaults to the configured Google side (benchmarks pass their own). */
export async function loadUsageAndPrices(projects: string[], opts: { now?: Date; target?: GcpTarget } = {}): Promise<CostInputs> {
  const [skus, ...usage] = await Promise.allSettled([
    cloudRunSkus(catalogClient(opts.target)),
    ...projects.map((p) => monthUsage(observabilityClients(opts.target), p, opts.now)),
  ]);
  const failures: string[] = [];
  const value = <T,>(r: PromiseSettledResult<T>): T | null => (r.status === "fulfilled" ? r.value : (failures.push((r.reason as Error).message), null));
  return {
    skus: value(skus as PromiseSettledResult<protos.google.cloud.billing.v1.ISku[]>),
    usage: usage.flatMap((u) => value(u as PromiseSettledResult<DailyUsage[]>) ?? []),
    failures,
    unreadProjects: projects.filter((_, i) => usage[i].status === "rejected"),
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
export function monthToDateFor(services: ServiceView[], inputs: CostInputs): Map<string, number> | null {
  if (!inputs.skus) return null;
  const costs = monthToDateCosts(services, inputs.usage, inputs.skus);
  for (const s of services) if (inputs.unreadProjects.includes(s.project)) costs.delete(s.name);
  return costs;
}
