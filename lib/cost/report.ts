// The cost page's numbers: usage from Cloud Monitoring × list prices from the
// Cloud Billing Catalog, the free tier applied once for the billing account
// (all covered projects are assumed to share one), plus the idle min
// instances of request-based services (idle.ts), forecast to month end.
import type { protos } from "@google-cloud/billing";
import type { ServiceView } from "../services";
import {
  applyFreeTier,
  forecastMonth,
  grossCost,
  priceSheet,
  type Cost,
  type PriceSheet,
  type Rate,
  type Usage,
} from "./pricing";
import type { DailyUsage } from "./usage";

export type ServiceCost = {
  project: string;
  region: string;
  service: string;
  billing: "request" | "instance";
  usage: { vcpuSeconds: number; gibSeconds: number; requests: number };
  /** `idle`: min instances idling (request-based billing), included in `total`; outside the free tier. */
  monthToDate: Cost & { idle: number };
  forecast: number;
  daily: { day: string; total: number }[];
  error: string | null;
};

export type CostReport = {
  services: ServiceCost[];
  projects: { project: string; monthToDate: number; forecast: number }[];
  total: { monthToDate: number; forecast: number };
  method: string;
};

export const METHOD =
  "Usage from Cloud Monitoring (CPU and memory allocation time, request count) × list prices from the Cloud Billing Catalog, with the billing account's monthly free tier applied once per billing mode (request-based: 180,000 vCPU-s, 360,000 GiB-s, 2 M requests; instance-based: 240,000 vCPU-s, 450,000 GiB-s). Request-based services with min instances add their idle instances at the Min Instance prices: the mean idle instances over the last day (instance-count gauge), at most min instances, × their vCPU and GiB, for every day of the month (an estimate; instance-based services pay for idle time in CPU and memory already). Forecast = month to date extrapolated linearly. Egress, taxes and discounts are not included.";

const zero = (): Cost => ({ cpu: 0, memory: 0, requests: 0, total: 0 });

type Priced = { s: ServiceView; mine: DailyUsage[]; total: Usage; sheet: PriceSheet | Error; gross: Cost; net: Cost };

/** Each service's month of usage at list prices, with the account's free tier applied once across them all. */
function priceServices(
  services: ServiceView[],
  usage: DailyUsage[],
  skus: protos.google.cloud.billing.v1.ISku[],
): Priced[] {
  const sheets = new Map<string, PriceSheet | Error>();
  const sheetFor = (region: string, mode: "request" | "instance") => {
    const key = `${region}/${mode}`;
    if (!sheets.has(key)) {
      try {
        sheets.set(key, priceSheet(skus, region, mode));
      } catch (err) {
        sheets.set(key, err as Error);
      }
    }
    return sheets.get(key)!;
  };
  const tier1 = {
    request: priceSheet(skus, "us-central1", "request"),
    instance: priceSheet(skus, "us-central1", "instance"),
  };
  const byService = new Map<string, DailyUsage[]>();
  for (const u of usage) {
    const key = `${u.project}/${u.service}`;
    if (!byService.has(key)) byService.set(key, []);
    byService.get(key)!.push(u);
  }
  const rows = services.map((s) => {
    const mine = byService.get(`${s.project}/${s.id}`) ?? [];
    const total = mine.reduce(
      (a, u) => ({
        vcpuSeconds: a.vcpuSeconds + u.vcpuSeconds,
        gibSeconds: a.gibSeconds + u.gibSeconds,
        requests: a.requests + u.requests,
      }),
      { vcpuSeconds: 0, gibSeconds: 0, requests: 0 },
    );
    const sheet = sheetFor(s.region, s.template.billing);
    return { s, mine, total, sheet, gross: sheet instanceof Error ? zero() : grossCost(sheet, total) };
  });
  const paid = (rate: Rate | null) => rate?.tiers.find((t) => t.price > 0)?.price ?? 0;
  const prices = (sheet: PriceSheet) => ({
    cpu: paid(sheet.cpu),
    memory: paid(sheet.memory),
    request: paid(sheet.requests),
  });
  const net = applyFreeTier(
    rows.map((r) => ({ id: r.s.name, gross: r.gross, mode: r.s.template.billing })),
    { request: prices(tier1.request), instance: prices(tier1.instance) },
  );
  return rows.map((r) => ({ ...r, net: net.get(r.s.name) ?? zero() }));
}

/**
 * Only the month-to-date total per service (by full service name): what the
 * fleet's cost column needs, without days, forecasts or project sums, with
 * idle min instances added as costReport adds them. A service whose region
 * the catalog does not price is left out.
 */
export function monthToDateCosts(
  services: ServiceView[],
  usage: DailyUsage[],
  skus: protos.google.cloud.billing.v1.ISku[],
  idlePerDay: Map<string, number> = new Map(),
  now = new Date(),
): Map<string, number> {
  const daysSoFar = elapsedDays(now).reduce((n, d) => n + d.share, 0);
  return new Map(
    priceServices(services, usage, skus)
      .filter((r) => !(r.sheet instanceof Error))
      .map((r) => [r.s.name, r.net.total + (idlePerDay.get(`${r.s.project}/${r.s.id}`) ?? 0) * daysSoFar]),
  );
}

const DAY_MS = 86_400_000;

/** The days of `now`'s month so far, each with the share of it elapsed (today's partly). */
function elapsedDays(now: Date): { day: string; share: number }[] {
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const out: { day: string; share: number }[] = [];
  for (let t = start; t < now.getTime(); t += DAY_MS)
    out.push({ day: new Date(t).toISOString().slice(0, 10), share: Math.min(1, (now.getTime() - t) / DAY_MS) });
  return out;
}

/** `idlePerDay`: by `project/service`, what its idle min instances cost a day (idle.ts). */
export function costReport(
  services: ServiceView[],
  usage: DailyUsage[],
  skus: protos.google.cloud.billing.v1.ISku[],
  now = new Date(),
  idlePerDay: Map<string, number> = new Map(),
): CostReport {
  const days = elapsedDays(now);
  const out: ServiceCost[] = priceServices(services, usage, skus).map(({ s, mine, total, sheet, gross, net }) => {
    const perDay = sheet instanceof Error ? 0 : (idlePerDay.get(`${s.project}/${s.id}`) ?? 0);
    // Each day's share of the service's net cost, in proportion to its gross cost that day, and its idle min instances.
    const byDay = new Map<string, number>();
    for (const u of mine) {
      const g = sheet instanceof Error ? 0 : grossCost(sheet, u).total;
      byDay.set(u.day, (byDay.get(u.day) ?? 0) + (gross.total > 0 ? (net.total * g) / gross.total : 0));
    }
    let idle = 0;
    if (perDay > 0)
      for (const d of days) {
        idle += perDay * d.share;
        byDay.set(d.day, (byDay.get(d.day) ?? 0) + perDay * d.share);
      }
    const daily = [...byDay.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, t]) => ({ day, total: t }));
    const mtd = { ...net, idle, total: net.total + idle };
    return {
      project: s.project,
      region: s.region,
      service: s.id,
      billing: s.template.billing,
      usage: total,
      monthToDate: mtd,
      forecast: forecastMonth(mtd.total, now),
      daily,
      error: sheet instanceof Error ? sheet.message : null,
    };
  });
  const projects = [...new Set(out.map((r) => r.project))].map((project) => {
    const rs = out.filter((r) => r.project === project);
    return {
      project,
      monthToDate: rs.reduce((a, r) => a + r.monthToDate.total, 0),
      forecast: rs.reduce((a, r) => a + r.forecast, 0),
    };
  });
  return {
    services: out.sort((a, b) => b.monthToDate.total - a.monthToDate.total),
    projects,
    total: {
      monthToDate: projects.reduce((a, p) => a + p.monthToDate, 0),
      forecast: projects.reduce((a, p) => a + p.forecast, 0),
    },
    method: METHOD,
  };
}
