// Contract tests for the Cloud Billing Catalog through the official
// @google-cloud/billing CloudCatalogClient: services, the Cloud Run SKUs and
// the list prices of shared/docs/google-apis.md §6.
import { CloudCatalogClient } from "@google-cloud/billing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../../test/databases";
import { CALL, clientOptions, startTestEmulator, type TestEmulator } from "../../testing/harness";

let t: TestEmulator;
let catalog: CloudCatalogClient;

beforeAll(async () => {
  t = await startTestEmulator(await createEmptyDatabase(inject("pgAdminUrl"), "emu"));
  catalog = new CloudCatalogClient(clientOptions(t.emulator.grpcPort));
});
afterAll(async () => {
  await catalog?.close();
  await t?.close();
});

type Money = { units?: unknown; nanos?: number | null } | null | undefined;
// Exact to the nano: units + nanos·1e-9 computed in integer nanos.
const usd = (m: Money) => (Number(m?.units ?? 0) * 1e9 + (m?.nanos ?? 0)) / 1e9;

async function skus() {
  const [list] = await catalog.listSkus({ parent: "services/152E-C115-5142" }, CALL);
  return list;
}
const price = (list: Awaited<ReturnType<typeof skus>>, description: string, tier = 0) => {
  const sku = list.find((s) => s.description === description);
  if (!sku) throw new Error(`no SKU ${description}`);
  return usd(sku.pricingInfo![0].pricingExpression!.tieredRates![tier].unitPrice);
};

describe("Cloud Billing Catalog", () => {
  it("lists services with Cloud Run among them, paged", async () => {
    const [services] = await catalog.listServices({}, CALL);
    expect(services.find((s) => s.serviceId === "152E-C115-5142")).toMatchObject({
      name: "services/152E-C115-5142",
      displayName: "Cloud Run",
      businessEntityName: "businessEntities/GCP",
    });
    const [page, , raw] = await catalog.listServices({ pageSize: 2 }, { ...CALL, autoPaginate: false });
    expect(page.length).toBe(2);
    expect(raw?.nextPageToken).toBeTruthy();
    const [rest] = await catalog.listServices(
      { pageSize: 2, pageToken: raw!.nextPageToken! },
      { ...CALL, autoPaginate: false },
    );
    expect(rest[0].serviceId).not.toBe(page[0].serviceId);
  });

  it("has the published Cloud Run list prices", async () => {
    const list = await skus();
    expect(price(list, "Services CPU (Request-based billing)")).toBeCloseTo(0.000024, 12);
    expect(price(list, "Services CPU Tier 2  (Request-based billing)")).toBeCloseTo(0.0000336, 12);
    expect(price(list, "Services Memory (Request-based billing)")).toBeCloseTo(0.0000025, 12);
    expect(price(list, "Services Memory Tier 2  (Request-based billing)")).toBeCloseTo(0.0000035, 12);
    expect(price(list, "Services Min Instance CPU (Request-based billing)")).toBeCloseTo(0.0000025, 12);
    expect(price(list, "Services CPU (Instance-based billing) in us-central1")).toBeCloseTo(0.000018, 12);
    expect(price(list, "Services CPU (Instance-based billing) in europe-west2")).toBeCloseTo(0.0000252, 12);
    expect(price(list, "Services Memory (Instance-based billing) in us-central1")).toBeCloseTo(0.000002, 12);
    const cpu = list.find((s) => s.description === "Services CPU (Request-based billing)")!;
    expect(cpu.pricingInfo![0].pricingExpression!.tieredRates![0].unitPrice).toMatchObject({
      currencyCode: "USD",
      units: "0",
      nanos: 24000,
    });
    expect(cpu.pricingInfo![0].pricingExpression!.usageUnit).toBe("s");
    expect(cpu.pricingInfo![0].aggregationInfo).toMatchObject({
      aggregationLevel: "ACCOUNT",
      aggregationInterval: "MONTHLY",
    });
    expect(cpu.category).toMatchObject({
      serviceDisplayName: "Cloud Run",
      resourceFamily: "Compute",
      resourceGroup: "CPU",
      usageType: "OnDemand",
    });
    expect(cpu.serviceRegions).toContain("us-central1");
    expect(cpu.serviceRegions).toContain("europe-west4");
    expect(cpu.serviceRegions).not.toContain("europe-west2");
    expect(cpu.geoTaxonomy?.type).toBe("MULTI_REGIONAL");
    const mem = list.find((s) => s.description === "Services Memory (Request-based billing)")!;
    expect(mem.pricingInfo![0].pricingExpression!.usageUnit).toBe("GiBy.s");
  });

  it("prices requests with the 2 M free requests as a zero-price first tier", async () => {
    const req = (await skus()).find((s) => s.description === "Requests")!;
    const tiers = req.pricingInfo![0].pricingExpression!.tieredRates!;
    expect(tiers.map((r) => [r.startUsageAmount, r.unitPrice?.units, r.unitPrice?.nanos])).toEqual([
      [0, "0", 0],
      [2_000_000, "0", 400],
    ]);
    expect(req.geoTaxonomy?.type).toBe("GLOBAL");
    // cost(3 M requests) = 1 M billable × $0.40 per million.
    const cost = (u: number) =>
      tiers.reduce(
        (sum, r, i) =>
          sum +
          Math.max(0, Math.min(u, tiers[i + 1]?.startUsageAmount ?? Infinity) - r.startUsageAmount!) * usd(r.unitPrice),
        0,
      );
    expect(cost(3_000_000)).toBeCloseTo(0.4, 9);
    expect(cost(1_000_000)).toBe(0);
  });

  it("pages SKUs and validates currency, period and parent", async () => {
    const all = await skus();
    const [page, , raw] = await catalog.listSkus(
      { parent: "services/152E-C115-5142", pageSize: 5 },
      { ...CALL, autoPaginate: false },
    );
    expect(page.length).toBe(5);
    const [next] = await catalog.listSkus(
      { parent: "services/152E-C115-5142", pageSize: 5, pageToken: raw!.nextPageToken! },
      { ...CALL, autoPaginate: false },
    );
    expect([...page, ...next].map((s) => s.skuId)).toEqual(all.slice(0, 5 + next.length).map((s) => s.skuId));
    // An empty range at now: always inside one Pacific-time month (a day back would span two on the 1st).
    const now = { seconds: Math.floor(Date.now() / 1000) };
    const [usdList] = await catalog.listSkus(
      { parent: "services/152E-C115-5142", currencyCode: "USD", startTime: now, endTime: now },
      CALL,
    );
    expect(usdList.length).toBe(all.length);
    await expect(
      catalog.listSkus({ parent: "services/152E-C115-5142", currencyCode: "ZZZ" }, CALL),
    ).rejects.toMatchObject({ code: 3 });
    await expect(catalog.listSkus({ parent: "services/NOPE-NOPE-NOPE" }, CALL)).rejects.toMatchObject({ code: 5 });
    await expect(
      catalog.listSkus(
        { parent: "services/152E-C115-5142", startTime: { seconds: Math.floor(Date.now() / 1000) + 86_400 } },
        CALL,
      ),
    ).rejects.toMatchObject({ code: 3 });
  });
});
