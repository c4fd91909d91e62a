// Reads the cost page's rows (amounts and the usage in their tooltips) and the
// e2e emulator's Cloud Billing Catalog, so a spec can recompute each figure
// from the usage the page shows and the list prices, independently of lib/cost.
import { CloudCatalogClient } from "@google-cloud/billing";
import { MetricServiceClient } from "@google-cloud/monitoring";
import type { Page } from "@playwright/test";
import { grpc } from "google-gax";
import { E2E } from "../playwright.config";

export type CostRow = {
  service: string;
  region: string;
  project: string;
  billing: "request-based" | "instance-based";
  /** Usage as the row carries it (rounded to whole units). */
  usage: { vcpuSeconds: number; gibSeconds: number; requests: number };
  /** The amounts the row was rendered from (`idle`: warm min instances idling, request-based billing only). */
  shown: { cpu: number; memory: number; requests: number; idle: number; monthToDate: number };
  /** The cells' text; null where the page left the column out (zero for every service). */
  text: { cpu: string | null; memory: string | null; requests: string | null; monthToDate: string };
};

/** "$1,234.56" → 1234.56; "< $0.01" → 0.005 (somewhere under a cent). */
export const dollars = (text: string) => (text.trim().startsWith("<") ? 0.005 : Number(text.replace(/[$,\s]/g, "")));

/** Every service row of /costs, as shown. */
export async function costRows(page: Page): Promise<CostRow[]> {
  const raw = await page.locator('[data-testid^="cost-row-"]').evaluateAll((rows) =>
    rows.map((r) => {
      const cell = (part: string) => r.querySelector(`td[data-part="${part}"]`)?.textContent?.trim() ?? null;
      const n = (a: string) => Number(r.getAttribute(a));
      return {
        service: r.getAttribute("data-testid")!.replace("cost-row-", ""),
        where: r.querySelector("td div")?.textContent ?? "",
        billing: r.getAttribute("data-billing") === "request" ? "request-based" : "instance-based",
        usage: { vcpuSeconds: n("data-vcpu-seconds"), gibSeconds: n("data-gib-seconds"), requests: n("data-requests") },
        shown: {
          cpu: n("data-cost-cpu"),
          memory: n("data-cost-memory"),
          requests: n("data-cost-requests"),
          idle: n("data-cost-idle"),
          monthToDate: n("data-cost-total"),
        },
        text: {
          cpu: cell("cpu"),
          memory: cell("memory"),
          requests: cell("requests"),
          monthToDate: cell("total") ?? "",
        },
      };
    }),
  );
  return raw.map(({ where, ...r }) => {
    const [project, region] = where.split(" · ");
    return { ...r, project, region, billing: r.billing as CostRow["billing"] };
  });
}

/** Unit price (USD) of each Cloud Run SKU, by description with runs of spaces squashed. */
export async function cloudRunPrices(): Promise<Map<string, number>> {
  // Insecure credentials need no auth: keep the client from probing the GCE metadata server.
  process.env.METADATA_SERVER_DETECTION ??= "none";
  const catalog = new CloudCatalogClient({
    apiEndpoint: "127.0.0.1",
    port: E2E.emulatorGrpcPort,
    sslCreds: grpc.credentials.createInsecure(),
    projectId: "runway-e2e",
  });
  try {
    const [skus] = await catalog.listSkus(
      { parent: "services/152E-C115-5142", currencyCode: "USD" },
      { timeout: 20_000 },
    );
    const prices = new Map<string, number>();
    for (const sku of skus) {
      const rates = sku.pricingInfo?.[0]?.pricingExpression?.tieredRates ?? [];
      const paid = rates.find((r) => Number(r.unitPrice?.units ?? 0) > 0 || (r.unitPrice?.nanos ?? 0) > 0);
      if (paid)
        prices.set(
          (sku.description ?? "").replace(/\s+/g, " ").trim(),
          Number(paid.unitPrice?.units ?? 0) + (paid.unitPrice?.nanos ?? 0) / 1e9,
        );
    }
    return prices;
  } finally {
    await catalog.close();
  }
}

/** Google's monthly free tier of a billing account, one per billing mode (google-apis.md §6). */
export const FREE_TIER = {
  "request-based": { vcpuSeconds: 180_000, gibSeconds: 360_000, requests: 2_000_000 },
  "instance-based": { vcpuSeconds: 240_000, gibSeconds: 450_000, requests: 0 },
};

type Parts = { cpu: number; memory: number; requests: number };

/**
 * The page's figures recomputed from the usage it shows: per billing mode,
 * usage × the region's list price, less that mode's free tier valued at
 * us-central1 (Tier-1) prices and shared in proportion to each service's cost.
 */
export function expectedCosts(rows: CostRow[], prices: Map<string, number>): Map<string, Parts> {
  const unit = (r: { billing: CostRow["billing"]; region: string }) =>
    r.billing === "request-based"
      ? {
          cpu: prices.get("Services CPU (Request-based billing)")!,
          memory: prices.get("Services Memory (Request-based billing)")!,
          requests: prices.get("Requests")!,
        }
      : {
          cpu: prices.get(`Services CPU (Instance-based billing) in ${r.region}`)!,
          memory: prices.get(`Services Memory (Instance-based billing) in ${r.region}`)!,
          requests: 0,
        };
  const out = new Map<string, Parts>();
  for (const mode of ["request-based", "instance-based"] as const) {
    const mine = rows.filter((r) => r.billing === mode);
    const gross = mine.map((r) => {
      const p = unit(r);
      return {
        r,
        cost: {
          cpu: r.usage.vcpuSeconds * p.cpu,
          memory: r.usage.gibSeconds * p.memory,
          requests: r.usage.requests * p.requests,
        },
      };
    });
    const tier1 = unit({ billing: mode, region: "us-central1" });
    const free = FREE_TIER[mode];
    const credit = {
      cpu: free.vcpuSeconds * tier1.cpu,
      memory: free.gibSeconds * tier1.memory,
      requests: free.requests * tier1.requests,
    };
    const total = (k: keyof Parts) => gross.reduce((s, g) => s + g.cost[k], 0);
    const left = (k: keyof Parts) => (total(k) === 0 ? 0 : Math.max(0, 1 - credit[k] / total(k)));
    for (const g of gross)
      out.set(g.r.service, {
        cpu: g.cost.cpu * left("cpu"),
        memory: g.cost.memory * left("memory"),
        requests: g.cost.requests * left("requests"),
      });
  }
  return out;
}

export type Usage = CostRow["usage"];

/**
 * This month's usage per service (`project/service`) as Cloud Monitoring reads it, independently of lib/cost:
 * the three Cloud Run metrics the bill is made of, summed per service from the 1st of the month (UTC).
 */
export async function monitoringUsage(projects: string[], now = new Date()): Promise<Map<string, Usage>> {
  process.env.METADATA_SERVER_DETECTION ??= "none";
  const metrics = new MetricServiceClient({
    apiEndpoint: "127.0.0.1",
    port: E2E.emulatorGrpcPort,
    sslCreds: grpc.credentials.createInsecure(),
    projectId: "runway-e2e",
  });
  const types: [keyof Usage, string][] = [
    ["vcpuSeconds", "run.googleapis.com/container/cpu/allocation_time"],
    ["gibSeconds", "run.googleapis.com/container/memory/allocation_time"],
    ["requests", "run.googleapis.com/request_count"],
  ];
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1) / 1000;
  const end = Math.ceil(now.getTime() / 1000 / 86_400) * 86_400;
  const out = new Map<string, Usage>();
  try {
    for (const project of projects) {
      for (const [field, type] of types) {
        const [series] = await metrics.listTimeSeries(
          {
            name: `projects/${project}`,
            filter: `metric.type="${type}"`,
            interval: { startTime: { seconds: start }, endTime: { seconds: end } },
            aggregation: {
              alignmentPeriod: { seconds: 86_400 },
              perSeriesAligner: "ALIGN_SUM",
              crossSeriesReducer: "REDUCE_SUM",
              groupByFields: ["resource.labels.service_name"],
            },
            view: "FULL",
          },
          { timeout: 20_000 },
        );
        for (const s of series) {
          const key = `${project}/${s.resource?.labels?.service_name ?? ""}`;
          if (!out.has(key)) out.set(key, { vcpuSeconds: 0, gibSeconds: 0, requests: 0 });
          for (const p of s.points ?? [])
            out.get(key)![field] += Number(p.value?.doubleValue ?? p.value?.int64Value ?? 0);
        }
      }
    }
    return out;
  } finally {
    await metrics.close();
  }
}
