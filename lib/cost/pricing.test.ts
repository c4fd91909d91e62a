// Cost figures checked against hand computations from known usage and the
// published prices of google-apis.md §6.
import { describe, expect, it } from "vitest";
import { applyFreeTier, forecastMonth, grossCost, priceSheet, tieredCost } from "./pricing";

const price = (usd: number) => ({ units: String(Math.floor(usd)), nanos: Math.round((usd % 1) * 1e9) });
const sku = (description: string, regions: string[], tiers: [number, number][], unit = "s") => ({
  skuId: description,
  description,
  serviceRegions: regions,
  pricingInfo: [
    {
      pricingExpression: {
        usageUnit: unit,
        tieredRates: tiers.map(([start, usd]) => ({ startUsageAmount: start, unitPrice: price(usd) })),
      },
    },
  ],
});
const TIER1 = ["us-central1", "europe-west4"];
const catalog = [
  sku("Services CPU (Request-based billing)", TIER1, [[0, 0.000024]]),
  sku("Services Memory (Request-based billing)", TIER1, [[0, 0.0000025]], "GiBy.s"),
  sku("Services CPU Tier 2  (Request-based billing)", ["asia-south2"], [[0, 0.0000336]]),
  sku("Services Memory Tier 2  (Request-based billing)", ["asia-south2"], [[0, 0.0000035]], "GiBy.s"),
  sku("Services CPU (Instance-based billing) in us-central1", ["us-central1"], [[0, 0.000018]]),
  sku("Services Memory (Instance-based billing) in us-central1", ["us-central1"], [[0, 0.000002]], "GiBy.s"),
  sku(
    "Requests",
    ["global"],
    [
      [0, 0],
      [2_000_000, 0.0000004],
    ],
    "count",
  ),
];

describe("tieredCost", () => {
  it("charges each tier only for the usage inside it", () => {
    expect(
      tieredCost(3_000_000, [
        { start: 0, price: 0 },
        { start: 2_000_000, price: 0.0000004 },
      ]),
    ).toBeCloseTo(0.4, 10);
    expect(
      tieredCost(1_000_000, [
        { start: 0, price: 0 },
        { start: 2_000_000, price: 0.0000004 },
      ]),
    ).toBe(0);
  });
});

describe("priceSheet and grossCost", () => {
  it("prices request-based usage in a Tier-1 region", () => {
    const sheet = priceSheet(catalog, "europe-west4", "request");
    expect(sheet.tier).toBe(1);
    // 100 000 vCPU-s × $0.000024 = $2.40; 200 000 GiB-s × $0.0000025 = $0.50; 1 M requests × $0.0000004 = $0.40
    const cost = grossCost(sheet, { vcpuSeconds: 100_000, gibSeconds: 200_000, requests: 1_000_000 });
    expect(cost.cpu).toBeCloseTo(2.4, 9);
    expect(cost.memory).toBeCloseTo(0.5, 9);
    expect(cost.requests).toBeCloseTo(0.4, 9);
    expect(cost.total).toBeCloseTo(3.3, 9);
  });

  it("uses Tier-2 prices where the region is Tier 2, and instance-based SKUs for instance billing", () => {
    expect(priceSheet(catalog, "asia-south2", "request").tier).toBe(2);
    expect(
      grossCost(priceSheet(catalog, "asia-south2", "request"), { vcpuSeconds: 10_000, gibSeconds: 0, requests: 0 }).cpu,
    ).toBeCloseTo(0.336, 9);
    const instance = grossCost(priceSheet(catalog, "us-central1", "instance"), {
      vcpuSeconds: 86_400,
      gibSeconds: 86_400,
      requests: 5_000_000,
    });
    expect(instance.cpu).toBeCloseTo(1.5552, 9);
    expect(instance.memory).toBeCloseTo(0.1728, 9);
    expect(instance.requests).toBe(0);
  });

  it("says clearly when the catalog lacks a region", () => {
    expect(() => priceSheet(catalog, "mars-north1", "instance")).toThrow(/mars-north1/);
  });
});

describe("applyFreeTier", () => {
  const tier1 = {
    request: { cpu: 0.000024, memory: 0.0000025, request: 0.0000004 },
    instance: { cpu: 0.000018, memory: 0.000002, request: 0 },
  };
  it("shares the account's free tier across request-based services by their cost", () => {
    // Two services use 300 000 vCPU-s together: 180 000 are free ($4.32 of $7.20), so 60% is left to pay.
    const a = { cpu: 4.8, memory: 0, requests: 0, total: 4.8 };
    const b = { cpu: 2.4, memory: 0, requests: 0, total: 2.4 };
    const net = applyFreeTier(
      [
        { id: "a", gross: a, mode: "request" },
        { id: "b", gross: b, mode: "request" },
      ],
      tier1,
    );
    expect(net.get("a")!.cpu).toBeCloseTo(4.8 * 0.4, 9);
    expect(net.get("b")!.cpu).toBeCloseTo(2.4 * 0.4, 9);
  });

  it("makes usage under the free tier free, in each billing mode", () => {
    const small = { cpu: 1, memory: 0.2, requests: 0.1, total: 1.3 };
    // Instance-based billing has no request fee.
    const net = applyFreeTier(
      [
        { id: "s", gross: small, mode: "request" },
        { id: "i", gross: { ...small, requests: 0, total: 1.2 }, mode: "instance" },
      ],
      tier1,
    );
    expect(net.get("s")!.total).toBe(0);
    expect(net.get("i")!.total).toBe(0);
  });

  it("gives instance-based services their own allowance: 240 000 vCPU-s and 450 000 GiB-s at Tier-1 instance prices", () => {
    // One always-on 1 vCPU / 1 GiB instance for 30 days: 2 592 000 vCPU-s × $0.000018 = $46.656, GiB-s × $0.000002 = $5.184.
    // Free: 240 000 × $0.000018 = $4.32 of CPU, 450 000 × $0.000002 = $0.90 of memory.
    const month = { cpu: 46.656, memory: 5.184, requests: 0, total: 51.84 };
    const requestBased = { cpu: 10, memory: 1, requests: 0, total: 11 };
    const net = applyFreeTier(
      [
        { id: "i", gross: month, mode: "instance" },
        { id: "r", gross: requestBased, mode: "request" },
      ],
      tier1,
    );
    expect(net.get("i")!.cpu).toBeCloseTo(46.656 - 4.32, 9);
    expect(net.get("i")!.memory).toBeCloseTo(5.184 - 0.9, 9);
    expect(net.get("i")!.total).toBeCloseTo(51.84 - 5.22, 9);
    // The request-based allowance is not spent on the instance-based service: $4.32 and $0.90 off this one.
    expect(net.get("r")!.cpu).toBeCloseTo(10 - 4.32, 9);
    expect(net.get("r")!.memory).toBeCloseTo(1 - 0.9, 9);
  });
});

describe("forecastMonth", () => {
  it("extrapolates month to date linearly", () => {
    // 10 of November's 30 days have passed: $10 so far → $30.
    expect(forecastMonth(10, new Date("2026-11-11T00:00:00Z"))).toBeCloseTo(30, 9);
  });
});
