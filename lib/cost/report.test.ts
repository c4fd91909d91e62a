// The cost report from known usage and catalog prices, checked by hand.
import { describe, expect, it } from "vitest";
import type { ServiceView } from "../services";
import { costReport, monthToDateCosts } from "./report";

const price = (usd: number) => ({ units: "0", nanos: Math.round(usd * 1e9) });
const sku = (description: string, regions: string[], tiers: [number, number][]) => ({
  description, serviceRegions: regions, pricingInfo: [{ pricingExpression: { tieredRates: tiers.map(([s, usd]) => ({ startUsageAmount: s, unitPrice: price(usd) })) } }],
});
const skus = [
  sku("Services CPU (Request-based billing)", ["us-central1", "europe-west4"], [[0, 0.000024]]),
  sku("Services Memory (Request-based billing)", ["us-central1", "europe-west4"], [[0, 0.0000025]]),
  sku("Services CPU (Instance-based billing) in us-central1", ["us-central1"], [[0, 0.000018]]),
  sku("Services Memory (Instance-based billing) in us-central1", ["us-central1"], [[0, 0.000002]]),
  sku("Requests", ["global"], [[0, 0], [2_000_000, 0.0000004]]),
];
const service = (project: string, id: string, region: string, billing: "request" | "instance") =>
  ({ name: `projects/${project}/locations/${region}/services/${id}`, id, project, region, template: { billing } }) as unknown as ServiceView;

describe("costReport", () => {
  it("prices a month of usage, applies the free tier once and forecasts", () => {
    const now = new Date("2026-11-11T00:00:00Z"); // 10 of 30 days gone
    const report = costReport(
      [service("a-proj", "api", "us-central1", "request"), service("a-proj", "worker", "us-central1", "instance")],
      [
        // api: 380 000 vCPU-s, 560 000 GiB-s, 3 M requests over two days
        { project: "a-proj", service: "api", day: "2026-11-09", vcpuSeconds: 190_000, gibSeconds: 280_000, requests: 1_500_000 },
        { project: "a-proj", service: "api", day: "2026-11-10", vcpuSeconds: 190_000, gibSeconds: 280_000, requests: 1_500_000 },
        // worker: instance-based, 345 600 vCPU-s and 518 400 GiB-s
        { project: "a-proj", service: "worker", day: "2026-11-10", vcpuSeconds: 345_600, gibSeconds: 518_400, requests: 10 },
      ],
      skus,
      now,
    );
    const api = report.services.find((s) => s.service === "api")!;
    // CPU: (380 000 − 180 000) × 0.000024 = 4.80; memory: (560 000 − 360 000) × 0.0000025 = 0.50; requests: (3 M − 2 M) × 0.0000004 = 0.40
    expect(api.monthToDate.cpu).toBeCloseTo(4.8, 6);
    expect(api.monthToDate.memory).toBeCloseTo(0.5, 6);
    expect(api.monthToDate.requests).toBeCloseTo(0.4, 6);
    expect(api.monthToDate.total).toBeCloseTo(5.7, 6);
    expect(api.forecast).toBeCloseTo(17.1, 6);
    expect(api.daily.map((d) => d.day)).toEqual(["2026-11-09", "2026-11-10"]);
    expect(api.daily.reduce((s, d) => s + d.total, 0)).toBeCloseTo(5.7, 6);
    const worker = report.services.find((s) => s.service === "worker")!;
    // Instance-based billing has its own free tier: (345 600 − 240 000) × 0.000018 = 1.9008; (518 400 − 450 000) × 0.000002 = 0.1368
    expect(worker.monthToDate.cpu).toBeCloseTo(1.9008, 6);
    expect(worker.monthToDate.memory).toBeCloseTo(0.1368, 6);
    expect(worker.monthToDate.requests).toBe(0);
    expect(worker.monthToDate.total).toBeCloseTo(2.0376, 6);
    expect(report.projects).toEqual([{ project: "a-proj", monthToDate: expect.closeTo(7.7376, 6), forecast: expect.closeTo(23.2128, 6) }]);
  });

  it("names a region the catalog does not price instead of inventing a number", () => {
    const report = costReport([service("p-proj", "far", "mars-north1", "request")], [{ project: "p-proj", service: "far", day: "2026-11-01", vcpuSeconds: 10, gibSeconds: 10, requests: 1 }], skus);
    expect(report.services[0].error).toMatch(/mars-north1/);
    expect(report.services[0].monthToDate.total).toBe(0);
  });

  it("gives the fleet column the report's month-to-date totals, shared free tier included, and nothing for an unpriced region", () => {
    const services = [service("a-proj", "api", "us-central1", "request"), service("b-proj", "web", "europe-west4", "request"), service("p-proj", "far", "mars-north1", "request")];
    const usage = [
      { project: "a-proj", service: "api", day: "2026-11-09", vcpuSeconds: 300_000, gibSeconds: 500_000, requests: 2_500_000 },
      { project: "b-proj", service: "web", day: "2026-11-09", vcpuSeconds: 100_000, gibSeconds: 100_000, requests: 500_000 },
      { project: "p-proj", service: "far", day: "2026-11-09", vcpuSeconds: 10, gibSeconds: 10, requests: 1 },
    ];
    const costs = monthToDateCosts(services, usage, skus);
    // 400 000 vCPU-s in all, 180 000 free: each pays 55 % of its gross CPU; likewise memory (600 000, 360 000 free → 40 %) and requests (3 M, 2 M free → 1/3).
    expect(costs.get(services[0].name)).toBeCloseTo(300_000 * 0.000024 * 0.55 + 500_000 * 0.0000025 * 0.4 + (2_500_000 * 0.0000004) / 3, 6);
    expect(costs.get(services[1].name)).toBeCloseTo(100_000 * 0.000024 * 0.55 + 100_000 * 0.0000025 * 0.4 + (500_000 * 0.0000004) / 3, 6);
    expect(costs.has(services[2].name)).toBe(false);
    const report = costReport(services, usage, skus);
    for (const row of report.services.filter((r) => !r.error)) {
      expect(costs.get(`projects/${row.project}/locations/${row.region}/services/${row.service}`)).toBeCloseTo(row.monthToDate.total, 9);
    }
  });
});
