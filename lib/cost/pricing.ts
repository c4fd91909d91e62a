// Cloud Run list prices from the Cloud Billing Catalog, and what usage costs
// under them: tiered rates, billing mode, region tier, and the monthly free
// tier of a billing account (valued at Tier-1 prices, google-apis.md §6).
import type { protos } from "@google-cloud/billing";

type Sku = protos.google.cloud.billing.v1.ISku;

export const CLOUD_RUN_SERVICE = "services/152E-C115-5142";

export type Tier = { start: number; price: number };
export type Rate = { sku: string; description: string; unit: string; tiers: Tier[] };
export type BillingMode = "request" | "instance";
export type Usage = { vcpuSeconds: number; gibSeconds: number; requests: number };
export type Cost = { cpu: number; memory: number; requests: number; total: number };

/** Monthly free tier per billing account, per billing mode (google-apis.md §6). */
export const FREE_TIER: Record<BillingMode, Usage> = {
  request: { vcpuSeconds: 180_000, gibSeconds: 360_000, requests: 2_000_000 },
  instance: { vcpuSeconds: 240_000, gibSeconds: 450_000, requests: 0 },
};

const money = (m: protos.google.type.IMoney | null | undefined) => Number(m?.units ?? 0) + Number(m?.nanos ?? 0) * 1e-9;

export function rateOf(sku: Sku): Rate {
  const expression = sku.pricingInfo?.[0]?.pricingExpression;
  return {
    sku: sku.skuId ?? "",
    description: sku.description ?? "",
    unit: expression?.usageUnit ?? "",
    tiers: (expression?.tieredRates ?? [])
      .map((t) => ({ start: Number(t.startUsageAmount ?? 0), price: money(t.unitPrice) }))
      .sort((a, b) => a.start - b.start),
  };
}

/** Σ over tiers of the usage that falls in each, times its price. */
export function tieredCost(usage: number, tiers: Tier[]): number {
  let cost = 0;
  tiers.forEach((t, i) => {
    const end = tiers[i + 1]?.start ?? Infinity;
    cost += Math.max(0, Math.min(usage, end) - t.start) * t.price;
  });
  return cost;
}

export type PriceSheet = {
  cpu: Rate;
  memory: Rate;
  requests: Rate | null;
  region: string;
  mode: BillingMode;
  tier: 1 | 2;
};

const squash = (s: string) => s.replace(/\s+/g, " ").trim();

/** The CPU, memory and request rates that apply to a service in `region`. */
export function priceSheet(skus: Sku[], region: string, mode: BillingMode): PriceSheet {
  const inRegion = skus.filter((s) => s.serviceRegions?.includes(region) || s.serviceRegions?.includes("global"));
  const find = (test: (d: string) => boolean) => inRegion.find((s) => test(squash(s.description ?? "")));
  let cpu: Sku | undefined,
    memory: Sku | undefined,
    tier: 1 | 2 = 1;
  if (mode === "instance") {
    cpu = find((d) => d === `Services CPU (Instance-based billing) in ${region}`);
    memory = find((d) => d === `Services Memory (Instance-based billing) in ${region}`);
  } else {
    cpu = find((d) => d === "Services CPU (Request-based billing)");
    memory = find((d) => d === "Services Memory (Request-based billing)");
    if (!cpu) {
      tier = 2;
      cpu = find((d) => d === "Services CPU Tier 2 (Request-based billing)");
      memory = find((d) => d === "Services Memory Tier 2 (Request-based billing)");
    }
  }
  if (!cpu || !memory)
    throw new Error(`the catalog has no Cloud Run ${mode}-based CPU and memory prices for ${region}`);
  const requests = mode === "request" ? find((d) => d === "Requests") : undefined;
  return { cpu: rateOf(cpu), memory: rateOf(memory), requests: requests ? rateOf(requests) : null, region, mode, tier };
}

/**
 * List-price cost of usage, before the free tier. The catalog's free first
 * tier of Requests is the account's allowance, so it is left to applyFreeTier
 * and every request is priced at the paid rate here.
 */
export function grossCost(sheet: PriceSheet, usage: Usage): Cost {
  const cpu = tieredCost(usage.vcpuSeconds, sheet.cpu.tiers);
  const memory = tieredCost(usage.gibSeconds, sheet.memory.tiers);
  const requests = usage.requests * (sheet.requests?.tiers.find((t) => t.price > 0)?.price ?? 0);
  return { cpu, memory, requests, total: cpu + memory + requests };
}

/** Tier-1 unit prices (us-central1) of each billing mode: what the free tier is valued at. */
export type Tier1Prices = Record<BillingMode, { cpu: number; memory: number; request: number }>;

/**
 * The account's monthly free tier as a credit, valued at Tier-1 prices: one
 * allowance for request-based services and one for instance-based services,
 * each shared by the services of that mode in proportion to their gross cost.
 */
export function applyFreeTier(
  items: { id: string; gross: Cost; mode: BillingMode }[],
  tier1: Tier1Prices,
): Map<string, Cost> {
  const out = new Map<string, Cost>();
  for (const mode of ["request", "instance"] as const) {
    const free = FREE_TIER[mode];
    const credit = {
      cpu: free.vcpuSeconds * tier1[mode].cpu,
      memory: free.gibSeconds * tier1[mode].memory,
      requests: free.requests * tier1[mode].request,
    };
    const eligible = items.filter((i) => i.mode === mode);
    const sum = (k: keyof typeof credit) => eligible.reduce((s, i) => s + i.gross[k], 0);
    const totals = { cpu: sum("cpu"), memory: sum("memory"), requests: sum("requests") };
    for (const item of eligible) {
      const net = (k: keyof typeof credit) =>
        totals[k] === 0 ? 0 : item.gross[k] * Math.max(0, 1 - credit[k] / totals[k]);
      const cost = { cpu: net("cpu"), memory: net("memory"), requests: net("requests") };
      out.set(item.id, { ...cost, total: cost.cpu + cost.memory + cost.requests });
    }
  }
  return out;
}

/** Month-to-date cost extrapolated linearly to the end of the month. */
export function forecastMonth(monthToDate: number, now: Date): number {
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  const elapsed = Math.max(1, now.getTime() - start);
  return (monthToDate * (end - start)) / elapsed;
}
