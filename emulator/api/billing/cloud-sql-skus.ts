// Cloud SQL for PostgreSQL (Enterprise edition) SKUs for the regions the seed
// uses (us-central1 "Iowa", europe-west4 "Netherlands"): vCPU, RAM and SSD
// storage, zonal and regional (high availability, twice the zonal price, as
// Google prices it). Descriptions follow the catalog's "Cloud SQL for
// PostgreSQL: Zonal - vCPU in Iowa" naming; SKU ids are made up.
// Where each price comes from:
// - us-central1 vCPU $0.0413/h and RAM $0.007/GiB·h: Google's Cloud SQL pricing
//   page, as quoted (May 2026) by usage.ai's Cloud SQL pricing guide, found with
//   the search tool; shared/docs/google-apis.md has no Cloud SQL prices.
// - us-central1 SSD storage $0.17/GiB·month: Google's public Cloud SQL pricing
//   page (from memory; the search tool did not return the storage table).
// - europe-west4 $0.0454/h, $0.0077/GiB·h, $0.187/GiB·month: Google's public
//   pricing page from memory, not verified here; ≈1.10× us-central1, the same
//   ratio as Compute Engine's europe-west4 prices.
import type { SkuDef, Unit } from "./catalog";

const HOURS: Unit = {
  usageUnit: "h",
  usageUnitDescription: "hour",
  baseUnit: "s",
  baseUnitDescription: "second",
  baseUnitConversionFactor: 3600,
};
const GIB_HOURS: Unit = {
  usageUnit: "GiBy.h",
  usageUnitDescription: "gibibyte hour",
  baseUnit: "By.s",
  baseUnitDescription: "byte second",
  baseUnitConversionFactor: 2 ** 30 * 3600,
};
const GIB_MONTHS: Unit = {
  usageUnit: "GiBy.mo",
  usageUnitDescription: "gibibyte month",
  baseUnit: "By.s",
  baseUnitDescription: "byte second",
  baseUnitConversionFactor: 2 ** 30 * 30.4375 * 86_400,
};

const REGIONS: { region: string; place: string; vcpu: number; ram: number; ssd: number }[] = [
  { region: "us-central1", place: "Iowa", vcpu: 0.0413, ram: 0.007, ssd: 0.17 },
  { region: "europe-west4", place: "Netherlands", vcpu: 0.0454, ram: 0.0077, ssd: 0.187 },
];

export function cloudSqlSkuDefs(): SkuDef[] {
  const out: SkuDef[] = [];
  for (const r of REGIONS) {
    for (const [availability, factor] of [
      ["Zonal", 1],
      ["Regional", 2],
    ] as const) {
      const sku = (what: string, group: string, unit: Unit, usd: number): SkuDef => ({
        description: `Cloud SQL for PostgreSQL: ${availability} - ${what} in ${r.place}`,
        family: "ApplicationServices",
        group,
        unit,
        regions: [r.region],
        tiers: [[0, usd * factor]],
      });
      out.push(
        sku("vCPU", "SQLGen2InstancesCPU", HOURS, r.vcpu),
        sku("RAM", "SQLGen2InstancesRAM", GIB_HOURS, r.ram),
        sku("Standard storage", "SSD", GIB_MONTHS, r.ssd),
      );
    }
  }
  return out;
}
