// The cost report from known usage and catalog prices, checked by hand,
// idle min instances of a request-based service included.
import { describe, expect, it } from "vitest";
import type { ServiceView } from "../services";
import { costCsv } from "./csv";
import { idleCostPerDay, unitPrices } from "./idle";
import { costInsight } from "./insight";
import { minInstancesRecommendation } from "./recommendations";
import { costReport, monthToDateCosts } from "./report";

const price = (usd: number) => ({ units: "0", nanos: Math.round(usd * 1e9) });
const sku = (description: string, regions: string[], tiers: [number, number][]) => ({
  description,
  serviceRegions: regions,
  pricingInfo: [
    { pricingExpression: { tieredRates: tiers.map(([s, usd]) => ({ startUsageAmount: s, unitPrice: price(usd) })) } },
  ],
});
const skus = [
  sku("Services CPU (Request-based billing)", ["us-central1", "europe-west4"], [[0, 0.000024]]),
  sku("Services Memory (Request-based billing)", ["us-central1", "europe-west4"], [[0, 0.0000025]]),
  sku("Services CPU (Instance-based billing) in us-central1", ["us-central1"], [[0, 0.000018]]),
  sku("Services Memory (Instance-based billing) in us-central1", ["us-central1"], [[0, 0.000002]]),
  sku(
    "Requests",
    ["global"],
    [
      [0, 0],
      [2_000_000, 0.0000004],
    ],
  ),
  sku("Services Min Instance CPU (Request-based billing)", ["us-central1", "europe-west4"], [[0, 0.0000025]]),
  sku("Services Min Instance Memory (Request-based billing)", ["us-central1", "europe-west4"], [[0, 0.0000025]]),
];
const service = (project: string, id: string, region: string, billing: "request" | "instance", minInstances = 0) =>
  ({
    name: `projects/${project}/locations/${region}/services/${id}`,
    id,
    project,
    region,
    latestReadyRevision: `${id}-00001-aaa`,
    template: { billing, minInstances, cpu: "1", memory: "512Mi", concurrency: 80 },
  }) as unknown as ServiceView;

describe("costReport", () => {
  it("prices a month of usage, applies the free tier once and forecasts", () => {
    const now = new Date("2026-11-11T00:00:00Z"); // 10 of 30 days gone
    const report = costReport(
      [service("a-proj", "api", "us-central1", "request"), service("a-proj", "worker", "us-central1", "instance")],
      [
        // api: 380 000 vCPU-s, 560 000 GiB-s, 3 M requests over two days
        {
          project: "a-proj",
          service: "api",
          day: "2026-11-09",
          vcpuSeconds: 190_000,
          gibSeconds: 280_000,
          requests: 1_500_000,
        },
        {
          project: "a-proj",
          service: "api",
          day: "2026-11-10",
          vcpuSeconds: 190_000,
          gibSeconds: 280_000,
          requests: 1_500_000,
        },
        // worker: instance-based, 345 600 vCPU-s and 518 400 GiB-s
        {
          project: "a-proj",
          service: "worker",
          day: "2026-11-10",
          vcpuSeconds: 345_600,
          gibSeconds: 518_400,
          requests: 10,
        },
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
    expect(report.projects).toEqual([
      { project: "a-proj", monthToDate: expect.closeTo(7.7376, 6), forecast: expect.closeTo(23.2128, 6) },
    ]);
  });

  it("names a region the catalog does not price instead of inventing a number", () => {
    const report = costReport(
      [service("p-proj", "far", "mars-north1", "request")],
      [{ project: "p-proj", service: "far", day: "2026-11-01", vcpuSeconds: 10, gibSeconds: 10, requests: 1 }],
      skus,
    );
    expect(report.services[0].error).toMatch(/mars-north1/);
    expect(report.services[0].monthToDate.total).toBe(0);
  });

  it("gives the fleet column the report's month-to-date totals, shared free tier included, and nothing for an unpriced region", () => {
    const services = [
      service("a-proj", "api", "us-central1", "request"),
      service("b-proj", "web", "europe-west4", "request"),
      service("p-proj", "far", "mars-north1", "request"),
    ];
    const usage = [
      {
        project: "a-proj",
        service: "api",
        day: "2026-11-09",
        vcpuSeconds: 300_000,
        gibSeconds: 500_000,
        requests: 2_500_000,
      },
      {
        project: "b-proj",
        service: "web",
        day: "2026-11-09",
        vcpuSeconds: 100_000,
        gibSeconds: 100_000,
        requests: 500_000,
      },
      { project: "p-proj", service: "far", day: "2026-11-09", vcpuSeconds: 10, gibSeconds: 10, requests: 1 },
    ];
    const costs = monthToDateCosts(services, usage, skus);
    // 400 000 vCPU-s in all, 180 000 free: each pays 55 % of its gross CPU; likewise memory (600 000, 360 000 free → 40 %) and requests (3 M, 2 M free → 1/3).
    expect(costs.get(services[0].name)).toBeCloseTo(
      300_000 * 0.000024 * 0.55 + 500_000 * 0.0000025 * 0.4 + (2_500_000 * 0.0000004) / 3,
      6,
    );
    expect(costs.get(services[1].name)).toBeCloseTo(
      100_000 * 0.000024 * 0.55 + 100_000 * 0.0000025 * 0.4 + (500_000 * 0.0000004) / 3,
      6,
    );
    expect(costs.has(services[2].name)).toBe(false);
    const report = costReport(services, usage, skus);
    for (const row of report.services.filter((r) => !r.error)) {
      expect(costs.get(`projects/${row.project}/locations/${row.region}/services/${row.service}`)).toBeCloseTo(
        row.monthToDate.total,
        9,
      );
    }
  });
});

describe("idle min instances (request-based billing)", () => {
  // web: request-based, 1 vCPU, 512 MiB, min instances 1, 0.9 instances idle on average over the last day.
  // Per day: 0.9 × 86 400 s × (1 × 0.0000025 + 0.5 × 0.0000025) = 0.9 × 86 400 × 0.00000375 = $0.2916.
  const web = service("a-proj", "web", "us-central1", "request", 1);
  const warmWorker = service("a-proj", "worker", "us-central1", "instance", 1);
  const now = new Date("2026-11-11T12:00:00Z"); // 10.5 of 30 days gone

  it("prices a day of idle min instances with the suggestion's function, only for request-based services", () => {
    expect(idleCostPerDay(web, 0.9, skus)).toBeCloseTo(0.2916, 12);
    // More idle than min instances counts as min instances: 1 × 86 400 × 0.00000375 = $0.324.
    expect(idleCostPerDay(web, 1.4, skus)).toBeCloseTo(0.324, 12);
    // Instance-based billing pays for idle time in its CPU and memory; no min instances, or no measurement: nothing.
    expect(idleCostPerDay(warmWorker, 0.9, skus)).toBe(0);
    expect(idleCostPerDay(service("a-proj", "api", "us-central1", "request"), 0.9, skus)).toBe(0);
    expect(idleCostPerDay(web, null, skus)).toBe(0);
    // A 30-day month of it is the min-instances suggestion's saving: 0.2916 × 30 = $8.748.
    const saving = minInstancesRecommendation(
      { billing: "request", cpu: 1, memoryGiB: 0.5, minInstances: 1, concurrency: 80, gen2: true },
      {
        memoryP99: null,
        cpuP99: null,
        latencyP95Ms: null,
        meanLatencyS: null,
        activeInstances: null,
        idleInstances: 0.9,
        requests: 0,
        instanceSeconds: 0,
      },
      unitPrices(skus, "us-central1", "request"),
    )!.monthlySaving;
    expect(saving).toBeCloseTo(8.748, 9);
  });

  it("adds the idle line to the service's month, its days, the totals and the forecast, outside the free tier", () => {
    // Usage inside the free tier (net $0): the month is the idle line alone. 10.5 days × $0.2916 = $3.0618; forecast × 30/10.5 = $8.748.
    const usage = [
      { project: "a-proj", service: "web", day: "2026-11-05", vcpuSeconds: 1000, gibSeconds: 500, requests: 100 },
    ];
    const report = costReport([web], usage, skus, now, new Map([["a-proj/web", idleCostPerDay(web, 0.9, skus)]]));
    const row = report.services[0];
    expect(row.monthToDate.cpu).toBe(0);
    expect(row.monthToDate.idle).toBeCloseTo(3.0618, 9);
    expect(row.monthToDate.total).toBeCloseTo(3.0618, 9);
    expect(row.forecast).toBeCloseTo(8.748, 9);
    expect(report.total).toEqual({ monthToDate: expect.closeTo(3.0618, 9), forecast: expect.closeTo(8.748, 9) });
    // One entry a day since the 1st, today's half a day ($0.1458).
    expect(row.daily).toHaveLength(11);
    expect(row.daily[0]).toEqual({ day: "2026-11-01", total: expect.closeTo(0.2916, 12) });
    expect(row.daily.at(-1)).toEqual({ day: "2026-11-11", total: expect.closeTo(0.1458, 12) });
    // Without a measured idle mean there is no idle line.
    expect(costReport([web], usage, skus, now).services[0].monthToDate).toMatchObject({ idle: 0, total: 0 });
  });

  it("gives the fleet column the same month to date as the cost page, idle line included", () => {
    const usage = [
      { project: "a-proj", service: "web", day: "2026-11-05", vcpuSeconds: 1000, gibSeconds: 500, requests: 100 },
    ];
    const idle = new Map([["a-proj/web", idleCostPerDay(web, 0.9, skus)]]);
    expect(monthToDateCosts([web], usage, skus, idle, now).get(web.name)).toBeCloseTo(3.0618, 9);
    expect(monthToDateCosts([web], usage, skus, new Map(), now).get(web.name)).toBe(0);
  });

  it("reaches the cost insight from the instance-count signal: report, budgets, CSV and a like-for-like variance", () => {
    const history = [
      {
        project: "a-proj",
        service: "web",
        revision: "web-00001-aaa",
        day: "2026-11-05",
        vcpuSeconds: 1000,
        gibSeconds: 500,
        requests: 100,
        instanceSeconds: 1000,
      },
    ];
    const signals = [
      { revisions: [], instances: [{ project: "a-proj", service: "web", activeInstances: null, idleInstances: 0.9 }] },
    ];
    const budget = {
      name: "billingAccounts/A/budgets/b",
      account: "billingAccounts/A",
      displayName: "a",
      amount: 10,
      currency: "USD",
      projects: ["a-proj"],
      thresholds: [],
      etag: "",
    };
    const insight = costInsight({
      services: [web],
      history,
      signals,
      skus,
      thresholds: new Map(),
      budgets: [budget],
      accountProjects: new Map(),
      currency: "USD",
      now,
    });
    expect(insight.report.services[0].monthToDate.idle).toBeCloseTo(3.0618, 9);
    // Last month on the same basis: October's 31 days × $0.2916 = $9.0396 (its report ends 1 ms before November).
    expect(insight.previousMonth.services[0].monthToDate.idle).toBeCloseTo(9.0396, 6);
    expect(insight.budgets[0].month!.spent).toBeCloseTo(3.0618, 9);
    // Week over week (gross list prices): 7 days of idle each side ($2.0412); this week adds 5 November's usage,
    // 1 000 × 0.000024 + 500 × 0.0000025 + 100 × 0.0000004 = $0.02529. Idle held steady, so it drives nothing.
    const week = insight.services[0].week;
    expect(week).toMatchObject({
      previous: expect.closeTo(2.0412, 9),
      current: expect.closeTo(2.06649, 9),
      change: expect.closeTo(0.02529, 9),
    });
    expect(week.drivers.map((d) => d.driver).sort()).toEqual(["cpu-time", "memory-time", "requests"]);
    const line = costCsv(insight, "USD").split("\r\n")[1].split(",");
    expect(line.slice(0, 4)).toEqual(["a-proj", "us-central1", "web", "request"]);
    expect(Number(line[10])).toBeCloseTo(3.0618, 6);
    expect(Number(line[11])).toBeCloseTo(3.0618, 6);
  });
});
