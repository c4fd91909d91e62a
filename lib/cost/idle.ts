// Idle min instances of request-based services, priced. On Cloud Run with
// request-based billing, CPU and memory are billed only while requests run,
// except that instances kept warm by min instances are billed while idle at
// the Min Instance SKUs (google-apis.md §6); Monitoring's allocation time does
// not count that time. The report adds it as its own line, estimated from the
// instance-count gauge (mean idle instances over the last day) with the same
// function the min-instances suggestion prices its saving with. Instance-based
// services pay for idle time in their CPU and memory already.
import type { protos } from "@google-cloud/billing";
import type { ServiceView } from "../services";
import { priceSheet, rateOf, type PriceSheet } from "./pricing";
import { minInstanceIdleCost, type UnitPrices } from "./recommendations";

type Sku = protos.google.cloud.billing.v1.ISku;

export const parseCpu = (v: string) => (v.endsWith("m") ? Number(v.slice(0, -1)) / 1000 : Number(v) || 1);
export function parseGiB(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(Mi|Gi|M|G)?$/.exec(v);
  if (!m) return 0.5;
  return Number(m[1]) * ({ Mi: 1 / 1024, Gi: 1, M: 1e6 / 2 ** 30, G: 1e9 / 2 ** 30 }[m[2] ?? "Gi"] ?? 1);
}

const squash = (s: string) => s.replace(/\s+/g, " ").trim();
const paid = (sku: Sku | undefined) => (sku ? (rateOf(sku).tiers.find((t) => t.price > 0)?.price ?? 0) : 0);

/** Request-based, instance-based and idle min-instance unit prices for a region (instance-based 0 where the catalog has none). */
export function unitPrices(skus: Sku[], region: string, mode: "request" | "instance"): UnitPrices {
  const request = priceSheet(skus, region, "request");
  let instance: PriceSheet | null = null;
  try {
    instance = priceSheet(skus, region, "instance");
  } catch {
    instance = null;
  }
  const find = (d: string) =>
    skus.find((s) => squash(s.description ?? "") === d && (s.serviceRegions?.includes(region) ?? false));
  const tier2 = request.tier === 2 ? " Tier 2" : "";
  const firstPaid = (r: PriceSheet["cpu"] | null | undefined) => r?.tiers.find((t) => t.price > 0)?.price ?? 0;
  const inst = { cpu: firstPaid(instance?.cpu), memory: firstPaid(instance?.memory) };
  const minCpu = paid(find(`Services Min Instance CPU${tier2} (Request-based billing)`));
  const minMemory =
    paid(find(`Services Min Instance Memory${tier2} (Request-based billing)`)) ||
    paid(find("Services Min Instance Memory (Request-based billing)"));
  return {
    request: { cpu: firstPaid(request.cpu), memory: firstPaid(request.memory), request: firstPaid(request.requests) },
    instance: inst,
    idle: mode === "instance" ? inst : { cpu: minCpu, memory: minMemory },
  };
}

/** Mean idle instances per service (`project/service`), from the instance-count gauge. */
export type IdleInstances = Map<string, number>;

/**
 * What a service's idle min instances cost per day: 0 unless it is
 * request-based, keeps min instances and the gauge measured idle ones (or
 * the catalog does not price its region).
 */
export function idleCostPerDay(s: ServiceView, idleInstances: number | null | undefined, skus: Sku[]): number {
  if (s.template.billing !== "request" || s.template.minInstances < 1 || idleInstances == null) return 0;
  let prices: UnitPrices;
  try {
    prices = unitPrices(skus, s.region, "request");
  } catch {
    return 0;
  }
  return minInstanceIdleCost(
    { minInstances: s.template.minInstances, cpu: parseCpu(s.template.cpu), memoryGiB: parseGiB(s.template.memory) },
    idleInstances,
    86_400,
    prices.idle,
  );
}
