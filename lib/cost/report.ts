// The cost page's numbers: usage from Cloud Monitoring × list prices from the
// Cloud Billing Catalog, the free tier applied once for the billing account
// (all covered projects are assumed to share one), forecast to month end.
import type { protos } from "@google-cloud/billing";
import type { ServiceView } from "../services";
import { applyFreeTier, forecastMonth, grossCost, priceSheet, type Cost, type PriceSheet, type Rate, type Usage } from "./pricing";
import type { DailyUsage } from "./usage";

export type ServiceCost = {
  project: string;
  region: string;
  service: string;
  billing: "request" | "instance";
  usage: { vcpuSeconds: number; gibSeconds: number; requests: number };
  monthToDate: Cost;
  forecast: number;
  daily: { day: string; total: number }[];
  error: string | null;
};

export type CostReport = { services: ServiceCost[]; projects: { project: string; monthToDate: number; forecast: number }[]; total: { monthToDate: number; forecast: number }; method: string };

export const METHOD = "Usage from Cloud Monitoring (CPU and memory allocation time, request count) × list prices from the Cloud Billing Catalog, with the billing account's monthly free tier applied once per billing mode (request-based: 180,000 vCPU-s, 360,000 GiB-s, 2 M requests; instance-based: 240,000 vCPU-s, 450,000 GiB-s); forecast = month to date extrapolated linearly. Egress, taxes and discounts are not included.";

const zero = (): Cost => ({ cpu: 0, memory: 0, requests: 0, total: 0 });

type Priced = { s: ServiceView; mine: DailyUsage[]; total: Usage; sheet: PriceSheet | Error; gross: Cost; net: Cost };

/** Each service's month of usage at list prices, with the account's free tier applied once across them all. */
function priceServices(services: ServiceView[], usage: DailyUsage[], skus: protos.google.cloud.billing.v1.ISku[]): Priced[] {
  const sheets = new Map<string, PriceSheet | Error>();
  const sheetFor = (region: string, mode: "request" | "instance") => {
    const key = `${region}/${mode}`;
    if (!sheets.has(key)) {
      try { sheets.set(key, priceSheet(skus, region, mode)); } catch (err) { sheets.set(key, err as Error); }
    }
    return sheets.get(key)!;
  };
  const tier1 = { request: priceSheet(skus, "us-central1", "request"), instance: priceSheet(skus, "us-central1", "instance") };
  const byService = new Map<string, DailyUsage[]>();
  for (const u of usage) {
    const key = `${u.project}/${u.service}`;
    if (!byService.has(key)) byService.set(key, []);
    byService.get(key)!.push(u);
  }
  const rows = services.map((s) => {
    const mine = byService.get(`${s.project}/${s.id}`) ?? [];
    const total = mine.reduce((a, u) => ({ vcpuSeconds: a.vcpuSeconds + u.vcpuSeconds, gibSeconds: a.gibSeconds + u.gibSeconds, requests: a.requests + u.requests }), { vcpuSeconds: 0, gibSeconds: 0, requests: 0 });
    const sheet = sheetFor(s.region, s.template.billing);
    return { s, mine, total, sheet, gross: sheet instanceof Error ? zero() : grossCost(sheet, total) };
  });
  const paid = (rate: Rate | null) => rate?.tiers.find((t) => t.price > 0)?.price ?? 0;
  const prices = (sheet: PriceSheet) => ({ cpu: paid(sheet.cpu), memory: paid(sheet.memory), request: paid(sheet.requests) });
  const net = applyFreeTier(rows.map((r) => ({ id: r.s.name, gross: r.gross, mode: r.s.template.billing })), { request: prices(tier1.request), instance: prices(tier1.instance) });
  return rows.map((r) => ({ ...r, net: net.get(r.s.name) ?? zero() }));
}

/**
 * Only the month-to-date total per service (by full service name): what the
 * fleet's cost column needs, without days, forecasts or project sums. A
 * service whose region the catalog does not price is left out.
 */
export function monthToDateCosts(services: ServiceView[], usage: DailyUsage[], skus: protos.google.cloud.billing.v1.ISku[]): Map<string, number> {
  return new Map(priceServices(services, usage, skus).filter((r) => !(r.sheet instanceof Error)).map((r) => [r.s.name, r.net.total]));
}

export function costReport(services: ServiceView[], usage: DailyUsage[], skus: protos.google.cloud.billing.v1.ISku[], now = new Date()): CostReport {
  const out: ServiceCost[] = priceServices(services, usage, skus).map(({ s, mine, total, sheet, gross, net: mtd }) => {
    // Each day's share of the service's net cost, in proportion to its gross cost that day.
    const daily = mine.map((u) => {
      const g = sheet instanceof Error ? 0 : grossCost(sheet, u).total;
      return { day: u.day, total: gross.total > 0 ? (mtd.total * g) / gross.total : 0 };
    });
    return {
      project: s.project, region: s.region, service: s.id, billing: s.template.billing, usage: total,
      monthToDate: mtd, forecast: forecastMonth(mtd.total, now), daily,
      error: sheet instanceof Error ? sheet.message : null,
    };
  });
  const projects = [...new Set(out.map((r) => r.project))].map((project) => {
    const rs = out.filter((r) => r.project === project);
    return { project, monthToDate: rs.reduce((a, r) => a + r.monthToDate.total, 0), forecast: rs.reduce((a, r) => a + r.forecast, 0) };
  });
  return {
    services: out.sort((a, b) => b.monthToDate.total - a.monthToDate.total),
    projects,
    total: { monthToDate: projects.reduce((a, p) => a + p.monthToDate, 0), forecast: projects.reduce((a, p) => a + p.forecast, 0) },
    method: METHOD,
  };
}
