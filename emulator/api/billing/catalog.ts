// The Cloud Billing Catalog the emulator serves: a few services, the Cloud
// Run SKUs with the published list prices of shared/docs/google-apis.md §6 and
// Cloud SQL's (cloud-sql-skus.ts). Prices are static (list prices do not move
// within a month); SKU ids are stable made-up ids in Google's XXXX-XXXX-XXXX
// shape. Other currencies are converted (currency.ts).
import { createHash } from "node:crypto";
import { cloudSqlSkuDefs } from "./cloud-sql-skus";
import { money } from "./currency";

export const CLOUD_RUN = "152E-C115-5142";
export const CLOUD_SQL = "9662-B51E-5089";

export const SERVICES = [
  { serviceId: "6F81-5844-456A", displayName: "Compute Engine" },
  { serviceId: CLOUD_RUN, displayName: "Cloud Run" },
  { serviceId: CLOUD_SQL, displayName: "Cloud SQL" },
  { serviceId: "95FF-2EF5-5EA1", displayName: "Cloud Storage" },
  { serviceId: "EE2F-D110-890C", displayName: "Secret Manager" },
  { serviceId: "5490-F7B7-8DF6", displayName: "Cloud Logging" },
  { serviceId: "58CD-E7C3-72CA", displayName: "Cloud Monitoring" },
].map((s) => ({ name: `services/${s.serviceId}`, ...s, businessEntityName: "businessEntities/GCP" }));

export const TIER1_REGIONS = [
  "us-central1",
  "us-east1",
  "us-east4",
  "us-east5",
  "us-south1",
  "us-west1",
  "europe-west1",
  "europe-west4",
  "europe-west8",
  "europe-west9",
  "europe-north1",
  "europe-southwest1",
  "asia-east1",
  "asia-northeast1",
  "asia-northeast2",
  "me-west1",
];
export const TIER2_REGIONS = [
  "europe-west2",
  "europe-west3",
  "europe-west6",
  "asia-south1",
  "asia-southeast1",
  "australia-southeast1",
  "northamerica-northeast1",
  "southamerica-east1",
];

/** Instance-based billing is priced per region; these are the seeded fleet's regions plus one Tier-2 region. */
const INSTANCE_BASED: Record<string, { cpu: number; memory: number }> = {
  "us-central1": { cpu: 0.000018, memory: 0.000002 },
  "europe-west4": { cpu: 0.000018, memory: 0.000002 },
  "europe-west2": { cpu: 0.0000252, memory: 0.0000028 },
};

export type Unit = {
  usageUnit: string;
  usageUnitDescription: string;
  baseUnit: string;
  baseUnitDescription: string;
  baseUnitConversionFactor: number;
};
const SECONDS: Unit = {
  usageUnit: "s",
  usageUnitDescription: "second",
  baseUnit: "s",
  baseUnitDescription: "second",
  baseUnitConversionFactor: 1,
};
const GIB_SECONDS: Unit = {
  usageUnit: "GiBy.s",
  usageUnitDescription: "gibibyte second",
  baseUnit: "By.s",
  baseUnitDescription: "byte second",
  baseUnitConversionFactor: 2 ** 30,
};
const COUNT: Unit = {
  usageUnit: "count",
  usageUnitDescription: "count",
  baseUnit: "count",
  baseUnitDescription: "count",
  baseUnitConversionFactor: 1,
};

/** One SKU: its USD tiers as [start usage, unit price]. */
export type SkuDef = {
  description: string;
  family?: string;
  group: string;
  unit: Unit;
  regions: string[];
  tiers: [number, number][];
};

function cloudRunDefs(): SkuDef[] {
  const out: SkuDef[] = [];
  const pair = (name: string, group: SkuDef["group"], unit: Unit, t1: number, t2: number | null) => {
    out.push({
      description: `Services ${name} (Request-based billing)`,
      group,
      unit,
      regions: TIER1_REGIONS,
      tiers: [[0, t1]],
    });
    // Google's Tier-2 descriptions really carry a double space.
    if (t2 !== null)
      out.push({
        description: `Services ${name} Tier 2  (Request-based billing)`,
        group,
        unit,
        regions: TIER2_REGIONS,
        tiers: [[0, t2]],
      });
  };
  pair("CPU", "CPU", SECONDS, 0.000024, 0.0000336);
  pair("Memory", "RAM", GIB_SECONDS, 0.0000025, 0.0000035);
  pair("Min Instance CPU", "CPU", SECONDS, 0.0000025, 0.0000035);
  pair("Min Instance Memory", "RAM", GIB_SECONDS, 0.0000025, null);
  for (const [region, p] of Object.entries(INSTANCE_BASED)) {
    out.push({
      description: `Services CPU (Instance-based billing) in ${region}`,
      group: "CPU",
      unit: SECONDS,
      regions: [region],
      tiers: [[0, p.cpu]],
    });
    out.push({
      description: `Services Memory (Instance-based billing) in ${region}`,
      group: "RAM",
      unit: GIB_SECONDS,
      regions: [region],
      tiers: [[0, p.memory]],
    });
  }
  // The monthly free allowance appears as a zero-price first tier.
  out.push({
    description: "Requests",
    group: "Requests",
    unit: COUNT,
    regions: ["global"],
    tiers: [
      [0, 0],
      [2_000_000, 0.0000004],
    ],
  });
  return out;
}

// Cloud Run's ids keep their original seed ("cloud-run/…") so they stay stable.
const skuId = (service: string, description: string) => {
  const h = createHash("sha256")
    .update(`${service === CLOUD_RUN ? "cloud-run" : service}/${description}`)
    .digest("hex")
    .toUpperCase();
  return `${h.slice(0, 4)}-${h.slice(4, 8)}-${h.slice(8, 12)}`;
};

const DEFS: Record<string, { displayName: string; family: string; defs: () => SkuDef[] }> = {
  [CLOUD_RUN]: { displayName: "Cloud Run", family: "Compute", defs: cloudRunDefs },
  [CLOUD_SQL]: { displayName: "Cloud SQL", family: "ApplicationServices", defs: cloudSqlSkuDefs },
};

/** A service's SKUs priced in a currency (rate: USD × rate); services without SKUs list none. */
export function skusOf(service: string, effective: Date, currency = "USD", rate = 1) {
  const svc = DEFS[service];
  if (!svc) return [];
  const seconds = String(Math.floor(effective.getTime() / 1000));
  return svc.defs().map((d) => {
    const id = skuId(service, d.description);
    const global = d.regions[0] === "global";
    return {
      name: `services/${service}/skus/${id}`,
      skuId: id,
      description: d.description,
      category: {
        serviceDisplayName: svc.displayName,
        resourceFamily: d.family ?? svc.family,
        resourceGroup: d.group,
        usageType: "OnDemand",
      },
      serviceRegions: d.regions,
      pricingInfo: [
        {
          effectiveTime: { seconds, nanos: 0 },
          summary: "",
          pricingExpression: {
            ...d.unit,
            displayQuantity: 1,
            tieredRates: d.tiers.map(([start, usd]) => ({
              startUsageAmount: start,
              unitPrice: money(usd, currency, rate),
            })),
          },
          aggregationInfo: { aggregationLevel: "ACCOUNT", aggregationInterval: "MONTHLY", aggregationCount: 1 },
          currencyConversionRate: rate,
        },
      ],
      serviceProviderName: "Google",
      geoTaxonomy: {
        type: global ? "GLOBAL" : d.regions.length > 1 ? "MULTI_REGIONAL" : "REGIONAL",
        regions: global ? [] : d.regions,
      },
    };
  });
}
