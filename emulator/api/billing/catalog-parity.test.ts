// Billing Catalog parity through the official @google-cloud/billing client:
// ListSkus's time range must lie in one calendar month in Pacific time,
// other currencies are the USD prices × currency_conversion_rate, and Cloud
// SQL has its PostgreSQL vCPU, RAM and storage SKUs.
import { CloudCatalogClient } from "@google-cloud/billing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../../test/databases";
import { CALL, clientOptions, code, startTestEmulator, type TestEmulator } from "../../testing/harness";

const CLOUD_RUN = "services/152E-C115-5142";
const CLOUD_SQL = "services/9662-B51E-5089";
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

const at = (iso: string) => ({ seconds: Math.floor(Date.parse(iso) / 1000) });
type Money = { units?: unknown; nanos?: number | null } | null | undefined;
const nanos = (m: Money) => Number(m?.units ?? 0) * 1e9 + (m?.nanos ?? 0);

describe("ListSkus time range", () => {
  it("accepts a range inside one Pacific-time month, even when it crosses a UTC month", async () => {
    // Oct 1 00:30 PDT to Nov 1 00:00 PDT (exclusive): all of October in Los Angeles.
    const [skus] = await catalog.listSkus(
      { parent: CLOUD_RUN, startTime: at("2026-10-01T07:30:00Z"), endTime: at("2026-11-01T07:00:00Z") },
      CALL,
    );
    expect(skus.length).toBeGreaterThan(0);
  });

  it("refuses a range that spans two Pacific-time months, even inside one UTC month", async () => {
    // Sep 30 23:30 PDT is still September in Los Angeles.
    const early = await code(
      catalog.listSkus(
        { parent: CLOUD_RUN, startTime: at("2026-10-01T06:30:00Z"), endTime: at("2026-10-10T00:00:00Z") },
        CALL,
      ),
    );
    expect(early.code).toBe(3);
    expect(early.details).toContain("must be within a single calendar month in the America/Los_Angeles time zone");
    const across = await code(
      catalog.listSkus(
        { parent: CLOUD_RUN, startTime: at("2026-10-20T00:00:00Z"), endTime: at("2026-11-02T00:00:00Z") },
        CALL,
      ),
    );
    expect(across.code).toBe(3);
    // A start alone ranges up to now: a start two months back spans months.
    expect(
      (
        await code(
          catalog.listSkus(
            { parent: CLOUD_RUN, startTime: { seconds: Math.floor(Date.now() / 1000) - 62 * 86_400 } },
            CALL,
          ),
        )
      ).code,
    ).toBe(3);
  });
});

describe("ListSkus currency_code", () => {
  it("converts every price by the conversion rate it reports, exact to the nano", async () => {
    const [usd] = await catalog.listSkus({ parent: CLOUD_RUN }, CALL);
    for (const [currency, rate] of [
      ["EUR", 0.92],
      ["JPY", 150],
    ] as const) {
      const [converted] = await catalog.listSkus({ parent: CLOUD_RUN, currencyCode: currency }, CALL);
      expect(converted.map((s) => s.skuId)).toEqual(usd.map((s) => s.skuId));
      converted.forEach((sku, i) => {
        const info = sku.pricingInfo![0];
        expect(info.currencyConversionRate).toBe(rate);
        info.pricingExpression!.tieredRates!.forEach((r, j) => {
          expect(r.unitPrice!.currencyCode).toBe(currency);
          expect(nanos(r.unitPrice)).toBe(
            Math.round(nanos(usd[i].pricingInfo![0].pricingExpression!.tieredRates![j].unitPrice) * rate),
          );
        });
      });
    }
    const [eur] = await catalog.listSkus({ parent: CLOUD_RUN, currencyCode: "EUR" }, CALL);
    const cpu = eur.find((s) => s.description === "Services CPU (Request-based billing)")!;
    // $0.000024 × 0.92 = €0.00002208
    expect(cpu.pricingInfo![0].pricingExpression!.tieredRates![0].unitPrice).toMatchObject({
      currencyCode: "EUR",
      units: "0",
      nanos: 22080,
    });
    const [usdAgain] = await catalog.listSkus({ parent: CLOUD_RUN, currencyCode: "USD" }, CALL);
    expect(usdAgain[0].pricingInfo![0].currencyConversionRate).toBe(1);
  });

  it("refuses an unknown currency with INVALID_ARGUMENT", async () => {
    const e = await code(catalog.listSkus({ parent: CLOUD_RUN, currencyCode: "ZZZ" }, CALL));
    expect(e.code).toBe(3);
    expect(e.details).toContain('Unsupported currency_code "ZZZ"');
  });
});

describe("Cloud SQL SKUs", () => {
  it("lists PostgreSQL vCPU, RAM and storage for the seeded regions, regional (HA) at twice zonal", async () => {
    const [skus] = await catalog.listSkus({ parent: CLOUD_SQL }, CALL);
    const sku = (d: string) => {
      const s = skus.find((x) => x.description === d);
      if (!s) throw new Error(`no SKU ${d}`);
      return {
        s,
        unit: s.pricingInfo![0].pricingExpression!.usageUnit,
        usd: nanos(s.pricingInfo![0].pricingExpression!.tieredRates![0].unitPrice) / 1e9,
      };
    };
    const vcpu = sku("Cloud SQL for PostgreSQL: Zonal - vCPU in Iowa");
    expect([vcpu.unit, vcpu.usd]).toEqual(["h", 0.0413]);
    expect(vcpu.s.serviceRegions).toEqual(["us-central1"]);
    expect(vcpu.s.category).toMatchObject({ serviceDisplayName: "Cloud SQL", usageType: "OnDemand" });
    expect(vcpu.s.name).toBe(`${CLOUD_SQL}/skus/${vcpu.s.skuId}`);
    expect([
      sku("Cloud SQL for PostgreSQL: Zonal - RAM in Iowa").unit,
      sku("Cloud SQL for PostgreSQL: Zonal - RAM in Iowa").usd,
    ]).toEqual(["GiBy.h", 0.007]);
    expect([
      sku("Cloud SQL for PostgreSQL: Zonal - Standard storage in Iowa").unit,
      sku("Cloud SQL for PostgreSQL: Zonal - Standard storage in Iowa").usd,
    ]).toEqual(["GiBy.mo", 0.17]);
    expect(sku("Cloud SQL for PostgreSQL: Regional - vCPU in Iowa").usd).toBeCloseTo(0.0826, 12);
    const nl = sku("Cloud SQL for PostgreSQL: Zonal - vCPU in Netherlands");
    expect(nl.s.serviceRegions).toEqual(["europe-west4"]);
    expect(nl.usd).toBe(0.0454);
    expect(skus.length).toBe(12);
    expect(new Set(skus.map((s) => s.skuId)).size).toBe(12);
  });
});
