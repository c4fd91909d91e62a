// The Cloud Billing Catalog the emulator serves: a few services and the Cloud
// Run SKUs with the published list prices of shared/docs/google-apis.md §6.
// Prices are static (list prices do not move within a month); SKU ids are
// stable made-up ids in Google's XXXX-XXXX-XXXX shape.
import { createHash } from "node:crypto";

export const CLOUD_RUN = "152E-C115-5142";

export const SERVICES = [
  { serviceId: "6F81-5844-456A", displayName: "Compute Engine" },
  { serviceId: CLOUD_RUN, displayName: "Cloud Run" },
  { serviceId: "9662-B51E-5089", displayName: "Cloud SQL" },
  { serviceId: "95FF-2EF5-5EA1", displayName: "Cloud Storage" },
  { serviceId: "EE2F-D110-890C", displayName: "Secret Manager" },
  { serviceId: "5490-F7B7-8DF6", displayName: "Cloud Logging" },
  { serviceId: "58CD-E7C3-72CA", displayName: "Cloud Monitoring" },
].map((s) => ({ name: `services/${s.serviceId}`, ...s, businessEntityName: "businessEntities/GCP" }));

export const TIER1_REGIONS = [
  "us-central1", "us-east1", "us-east4", "us-east5", "us-south1", "us-west1", "europe-west1", "europe-west4", "europe-west8",
  "europe-west9", "europe-north1", "europe-southwest1", "asia-east1", "asia-northeast1", "asia-northeast2", "me-west1",
];
export const TIER2_REGIONS = [
  "europe-west2", "europe-west3", "europe-west6", "asia-south1", "asia-southeast1", "australia-southeast1", "northamerica-northeast1", "southamerica-east1",
];

/** Instance-based billing is priced per region; these are the seeded fleet's regions plus one Tier-2 region. */
const INSTANCE_BASED: Record<string, { cpu: number; memory: number }> = {
  "us-central1": { cpu: 0.000018, memory: 0.000002 },
  "europe-west4": { cpu: 0.000018, memory: 0.000002 },
  "europe-west2": { cpu: 0.0000252, memory: 0.0000028 },
};

type Unit = { usageUnit: string; usageUnitDescription: string; baseUnit: string; baseUnitDescription: string; baseUnitConversionFactor: number };
const SECONDS: Unit = { usageUnit: "s", usageUnitDescription: "second", baseUnit: "s", baseUnitDescription: "second", baseUnitConversionFactor: 1 };
const GIB_SECONDS: Unit = { usageUnit: "GiBy.s", usageUnitDescription: "gibibyte second", baseUnit: "By.s", baseUnitDescription: "byte second", baseUnitConversionFactor: 2 ** 30 };
const COUNT: Unit = { usageUnit: "count", usageUnitDescription: "count", baseUnit: "count", baseUnitDescription: "count", baseUnitConversionFactor: 1 };

type SkuDef = { description: string; group: "CPU" | "RAM" | "Requests"; unit: Unit; regions: string[]; tiers: [number, number][] };

/** USD amount → google.type.Money, exact to the nano (prices have ≤ 9 decimals). */
export function money(usd: number) {
  const nanosTotal = Math.round(usd * 1e9);
  return { currencyCode: "USD", units: String(Math.trunc(nanosTotal / 1e9)), nanos: nanosTotal % 1e9 };
}

function defs(): SkuDef[] {
  const out: SkuDef[] = [];
  const pair = (name: string, group: SkuDef["group"], unit: Unit, t1: number, t2: number | null) => {
    out.push({ description: `Services ${name} (Request-based billing)`, group, unit, regions: TIER1_REGIONS, tiers: [[0, t1]] });
    // Google's Tier-2 descriptions really carry a double space.
    if (t2 !== null) out.push({ description: `Services ${name} Tier 2  (Request-based billing)`, group, unit, regions: TIER2_REGIONS, tiers: [[0, t2]] });
  };
  pair("CPU", "CPU", SECONDS, 0.000024, 0.0000336);
  pair("Memory", "RAM", GIB_SECONDS, 0.0000025, 0.0000035);
  pair("Min Instance CPU", "CPU", SECONDS, 0.0000025, 0.0000035);
  pair("Min Instance Memory", "RAM", GIB_SECONDS, 0.0000025, null);
  for (const [region, p] of Object.entries(INSTANCE_BASED)) {
    out.push({ description: `Services CPU (Instance-based billing) in ${region}`, group: "CPU", unit: SECONDS, regions: [region], tiers: [[0, p.cpu]] });
    out.push({ description: `Services Memory (Instance-based billing) in ${region}`, group: "RAM", unit: GIB_SECONDS, regions: [region], tiers: [[0, p.memory]] });
  }
  // The monthly free allowance appears as a zero-price first tier.
  out.push({ description: "Requests", group: "Requests", unit: COUNT, regions: ["global"], tiers: [[0, 0], [2_000_000, 0.0000004]] });
  return out;
}

const skuId = (description: string) => {
  const h = createHash("sha256").update(`cloud-run/${description}`).digest("hex").toUpperCase();
  return `${h.slice(0, 4)}-${h.slice(4, 8)}-${h.slice(8, 12)}`;
};

export function cloudRunSkus(effective: Date) {
  const seconds = String(Math.floor(effective.getTime() / 1000));
  return defs().map((d) => {
    const id = skuId(d.description);
    const global = d.regions[0] === "global";
    return {
      name: `services/${CLOUD_RUN}/skus/${id}`,
      skuId: id,
      description: d.description,
      category: { serviceDisplayName: "Cloud Run", resourceFamily: "Compute", resourceGroup: d.group, usageType: "OnDemand" },
      serviceRegions: d.regions,
      pricingInfo: [{
        effectiveTime: { seconds, nanos: 0 },
        summary: "",
        pricingExpression: {
          ...d.unit,
          displayQuantity: 1,
          tieredRates: d.tiers.map(([start, usd]) => ({ startUsageAmount: start, unitPrice: money(usd) })),
        },
        aggregationInfo: { aggregationLevel: "ACCOUNT", aggregationInterval: "MONTHLY", aggregationCount: 1 },
        currencyConversionRate: 1,
      }],
      serviceProviderName: "Google",
      geoTaxonomy: { type: global ? "GLOBAL" : d.regions.length > 1 ? "MULTI_REGIONAL" : "REGIONAL", regions: global ? [] : d.regions },
    };
  });
}
