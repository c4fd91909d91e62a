// Everything the cost page needs, fetched in parallel: the fleet (regions and
// billing modes), usage per project, and the price catalog.
import type { protos } from "@google-cloud/billing";
import type { Db } from "../db";
import { catalogClient, observabilityClients } from "../gcp/clients";
import { listFleet, listLocations, type ServiceView } from "../services";
import { cloudRunSkus } from "./catalog";
import { monthUsage, type DailyUsage } from "./usage";

export type CostInputs = { services: ServiceView[]; usage: DailyUsage[]; skus: protos.google.cloud.billing.v1.ISku[] | null; failures: string[] };

export async function loadCostInputs(db: Db, now = new Date()): Promise<CostInputs> {
  const locations = await listLocations(db);
  const projects = [...new Set(locations.map((l) => l.project))];
  const [fleet, skus, ...usage] = await Promise.allSettled([
    listFleet(locations),
    cloudRunSkus(catalogClient()),
    ...projects.map((p) => monthUsage(observabilityClients(), p, now)),
  ]);
  const failures: string[] = [];
  const value = <T,>(r: PromiseSettledResult<T>): T | null => (r.status === "fulfilled" ? r.value : (failures.push((r.reason as Error).message), null));
  const f = value(fleet);
  failures.push(...(f?.failures ?? []).map((x) => `${x.project}/${x.region}: ${x.error}`));
  return {
    services: f?.services ?? [],
    skus: value(skus),
    usage: usage.flatMap((u) => value(u as PromiseSettledResult<DailyUsage[]>) ?? []),
    failures,
  };
}
