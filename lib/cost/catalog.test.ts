// The cost report priced with the Cloud Billing Catalog the emulator serves,
// read through the official client: the SKUs are found by their real
// descriptions (Tier 2's double space included) and their Money amounts,
// and every figure is checked against a hand computation from Google's
// published list prices and free tier (google-apis.md §6).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator } from "../../test/emulator";
import { catalogClient } from "../gcp/clients";
import type { ServiceView } from "../services";
import { cloudRunSkus } from "./catalog";
import { costReport } from "./report";
import type { protos } from "@google-cloud/billing";

let skus: protos.google.cloud.billing.v1.ISku[];
let stop: () => Promise<void>;

beforeAll(async () => {
  const t = await startTestEmulator();
  stop = () => t.emulator.stop();
  skus = await cloudRunSkus(catalogClient({ emulatorHost: t.emulator.endpoint }));
}, 120_000);

afterAll(async () => {
  await stop?.();
});

const service = (project: string, id: string, region: string) =>
  ({
    name: `projects/${project}/locations/${region}/services/${id}`,
    id,
    project,
    region,
    template: { billing: "request" },
  }) as unknown as ServiceView;

// Published list prices, request-based billing (USD).
const TIER1 = { cpu: 0.000024, memory: 0.0000025 };
const TIER2 = { cpu: 0.0000336, memory: 0.0000035 };
const PER_REQUEST = 0.4 / 1_000_000;
// The billing account's monthly free tier, valued at Tier-1 prices.
const FREE = { cpu: 180_000 * TIER1.cpu, memory: 360_000 * TIER1.memory, requests: 2_000_000 * PER_REQUEST };

describe("costReport with the emulator's catalog", () => {
  it("prices a Tier-1 and a Tier-2 service and shares the free tier between them", () => {
    const now = new Date("2026-11-16T00:00:00Z"); // 15 of 30 days gone
    const usage = {
      // us-central1 is Tier 1, europe-west2 Tier 2.
      api: { vcpuSeconds: 400_000, gibSeconds: 600_000, requests: 3_000_000 },
      eu: { vcpuSeconds: 100_000, gibSeconds: 200_000, requests: 1_000_000 },
    };
    const report = costReport(
      [service("cost-proj", "api", "us-central1"), service("cost-proj", "eu", "europe-west2")],
      [
        { project: "cost-proj", service: "api", day: "2026-11-14", ...usage.api },
        { project: "cost-proj", service: "eu", day: "2026-11-15", ...usage.eu },
      ],
      skus,
      now,
    );

    const gross = {
      api: {
        cpu: usage.api.vcpuSeconds * TIER1.cpu,
        memory: usage.api.gibSeconds * TIER1.memory,
        requests: usage.api.requests * PER_REQUEST,
      },
      eu: {
        cpu: usage.eu.vcpuSeconds * TIER2.cpu,
        memory: usage.eu.gibSeconds * TIER2.memory,
        requests: usage.eu.requests * PER_REQUEST,
      },
    };
    // Each service keeps the share of its gross cost that the credit does not cover.
    const left = (k: "cpu" | "memory" | "requests") => 1 - FREE[k] / (gross.api[k] + gross.eu[k]);
    const net = (g: typeof gross.api) => ({
      cpu: g.cpu * left("cpu"),
      memory: g.memory * left("memory"),
      requests: g.requests * left("requests"),
    });
    const expected = { api: net(gross.api), eu: net(gross.eu) };

    // The same figures worked out on paper: CPU 9.60 + 3.36 = 12.96 gross, 4.32 credit, 2/3 left.
    expect(expected.api.cpu).toBeCloseTo(6.4, 9);
    expect(expected.eu.cpu).toBeCloseTo(2.24, 9);
    // Requests 1.20 + 0.40 gross, 0.80 credit, half left.
    expect(expected.api.requests).toBeCloseTo(0.6, 9);
    expect(expected.eu.requests).toBeCloseTo(0.2, 9);

    for (const id of ["api", "eu"] as const) {
      const row = report.services.find((s) => s.service === id)!;
      expect(row.error, id).toBeNull();
      expect(row.usage).toEqual(usage[id]);
      expect(row.monthToDate.cpu, id).toBeCloseTo(expected[id].cpu, 9);
      expect(row.monthToDate.memory, id).toBeCloseTo(expected[id].memory, 9);
      expect(row.monthToDate.requests, id).toBeCloseTo(expected[id].requests, 9);
      const total = expected[id].cpu + expected[id].memory + expected[id].requests;
      expect(row.monthToDate.total, id).toBeCloseTo(total, 9);
      expect(row.forecast, id).toBeCloseTo(total * 2, 9);
    }
    // Gross 12.96 + 2.20 + 1.60 = 16.76, less the whole credit 4.32 + 0.90 + 0.80 = 6.02.
    expect(report.total.monthToDate).toBeCloseTo(10.74, 9);
    expect(report.total.forecast).toBeCloseTo(21.48, 9);
  });

  it("leaves usage inside the free tier at zero", () => {
    const report = costReport(
      [service("cost-proj", "small", "europe-west4")],
      [
        {
          project: "cost-proj",
          service: "small",
          day: "2026-11-02",
          vcpuSeconds: 179_999,
          gibSeconds: 359_999,
          requests: 1_999_999,
        },
      ],
      skus,
      new Date("2026-11-03T00:00:00Z"),
    );
    expect(report.services[0]).toMatchObject({
      error: null,
      monthToDate: { cpu: 0, memory: 0, requests: 0, total: 0 },
    });
  });
});
