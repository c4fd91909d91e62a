// The cost report from known usage and catalog prices, checked by hand.
import { describe, expect, it } from "vitest";
import type { ServiceView } from "../services";
import { costReport } from "./report";

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
        // worker: instance-based, 86 400 vCPU-s and GiB-s
        { project: "a-proj", service: "worker", day: "2026-11-10", vcpuSeconds: 86_400, gibSeconds: 86_400, requests: 10 },
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
    // No free tier for instance-based billing: 86 400 × 0.000018 + 86 400 × 0.000002 = 1.728
    expect(worker.monthToDate.total).toBeCloseTo(1.728, 6);
    expect(report.projects).toEqual([{ project: "a-proj", monthToDate: expect.closeTo(7.428, 6), forecast: expect.closeTo(22.284, 6) }]);
  });

  it("names a region the catalog does not price instead of inventing a number", () => {
    const report = costReport([service("p-proj", "far", "mars-north1", "request")], [{ project: "p-proj", service: "far", day: "2026-11-01", vcpuSeconds: 10, gibSeconds: 10, requests: 1 }], skus);
    expect(report.services[0].error).toMatch(/mars-north1/);
    expect(report.services[0].monthToDate.total).toBe(0);
  });
});
