// The cost insight maths on fixed usage, each figure computed by hand in the
// comment beside it: variance and its drivers, cost per revision and per
// deploy, every right-sizing saving, a budget's forecast, money formatting.
import { describe, expect, it } from "vitest";
import { budgetMonth } from "./budget-math";
import { formatChange, formatMoney, formatUnitCost } from "./format";
import { deployImpact, revisionCosts } from "./per-revision";
import type { PriceSheet } from "./pricing";
import {
  concurrencyRecommendation,
  cpuAllocationRecommendation,
  memoryRecommendation,
  minInstancesRecommendation,
  recommendations,
  type Measured,
  type ServiceShape,
  type UnitPrices,
} from "./recommendations";
import { explain, variance, windows, type WindowUsage } from "./variance";

const cost = (cpu: number, memory: number, requests = 0) => ({ cpu, memory, requests, total: cpu + memory + requests });
const win = (
  c: ReturnType<typeof cost>,
  requests: number,
  instanceSeconds: number,
  limits: WindowUsage["limits"] = { revision: "api-00001-aaa", cpu: 1, memoryGiB: 0.5 },
): WindowUsage => ({ cost: c, requests, instanceSeconds, limits });

describe("variance", () => {
  it("puts growth in requests on requests: +30 % requests at the same cost per request", () => {
    // $3.00 → $3.90 (+30 %); requests 1 000 → 1 300: 0.3 × $3.00 = $0.90, nothing left per request.
    const v = variance(win(cost(2, 1), 1000, 500), win(cost(2.6, 1.3), 1300, 650));
    expect(v.change).toBeCloseTo(0.9, 9);
    expect(v.fraction).toBeCloseTo(0.3, 9);
    expect(v.flagged).toBe(true);
    expect(v.drivers).toHaveLength(1);
    expect(v.drivers[0]).toMatchObject({ driver: "requests" });
    expect(v.drivers[0].amount).toBeCloseTo(0.9, 9);
    expect(explain(v, "week over week")).toBe("+30 % week over week, mostly requests +30 % (1000 → 1300)");
  });

  it("names a new revision's larger limits when memory doubled at the same traffic", () => {
    // Memory $1 → $2 with 512 MiB → 1 GiB; CPU unchanged: +$1.00 (+33 %), all of it the limits.
    const v = variance(
      win(cost(2, 1), 1000, 500),
      win(cost(2, 2), 1000, 500, { revision: "api-00002-bbb", cpu: 1, memoryGiB: 1 }),
    );
    expect(v.fraction).toBeCloseTo(1 / 3, 9);
    expect(v.drivers).toEqual([
      { driver: "limits", amount: 1, detail: "api-00002-bbb has larger limits (1 vCPU, 512 MiB → 1 vCPU, 1 GiB)" },
    ]);
  });

  it("calls instance time what grew faster than requests (instances kept warm)", () => {
    // Same requests; instance seconds 1 000 → 1 800 (+80 %); CPU +$0.80 and memory +$0.40 go to instance time.
    const v = variance(win(cost(1, 0.5), 100, 1000), win(cost(1.8, 0.9), 100, 1800));
    expect(v.drivers).toHaveLength(1);
    expect(v.drivers[0].driver).toBe("instance-time");
    expect(v.drivers[0].amount).toBeCloseTo(1.2, 9);
    expect(v.drivers[0].detail).toBe("instance time +80 % per request (instances kept warm)");
  });

  it("calls more idle min instances instance time, and leaves them out of the requests share", () => {
    // $3.00 + $2.00 idle → $3.90 + $4.00 idle, requests +30 %: requests 0.3 × $3.00 = $0.90 (idle does not grow with requests); idle +$2.00.
    const v = variance(
      { ...win(cost(2, 1), 1000, 500), cost: { ...cost(2, 1), total: 5 }, idle: 2 },
      { ...win(cost(2.6, 1.3), 1300, 650), cost: { ...cost(2.6, 1.3), total: 7.9 }, idle: 4 },
    );
    expect(v.change).toBeCloseTo(2.9, 9);
    expect(v.drivers.map((d) => d.driver)).toEqual(["instance-time", "requests"]);
    expect(v.drivers[0]).toMatchObject({
      amount: expect.closeTo(2, 9),
      detail: "idle min instances (instances kept warm)",
    });
    expect(v.drivers[1].amount).toBeCloseTo(0.9, 9);
  });

  it("flags only above the threshold, and never a change under a cent", () => {
    expect(variance(win(cost(10, 0), 100, 1), win(cost(11.5, 0), 100, 1)).flagged).toBe(false); // +15 %
    expect(variance(win(cost(10, 0), 100, 1), win(cost(11.5, 0), 100, 1), 0.1).flagged).toBe(true);
    expect(variance(win(cost(0.001, 0), 100, 1), win(cost(0.003, 0), 100, 1)).flagged).toBe(false); // +200 % but $0.002
  });

  it("compares the last 7 days with the 7 before, and month to date with the same days of last month", () => {
    expect(windows("2026-12-11")).toEqual({
      week: { prev: ["2026-11-27", "2026-12-04"], cur: ["2026-12-04", "2026-12-11"] },
      month: { prev: ["2026-11-01", "2026-11-11"], cur: ["2026-12-01", "2026-12-11"] },
    });
  });
});

const rate = (price: number) => ({ sku: "", description: "", unit: "", tiers: [{ start: 0, price }] });
const sheet: PriceSheet = {
  cpu: rate(0.000024),
  memory: rate(0.0000025),
  requests: {
    ...rate(0),
    tiers: [
      { start: 0, price: 0 },
      { start: 2_000_000, price: 0.0000004 },
    ],
  },
  region: "us-central1",
  mode: "request",
  tier: 1,
};

describe("cost per revision and per deploy", () => {
  // Revision a, two days of 1 000 vCPU-s, 500 GiB-s, 10 000 requests: $0.024 + $0.00125 + $0.004 = $0.02925 a day.
  const a = [1, 2].map((d) => ({
    revision: "api-00001-aaa",
    day: `2026-11-0${d}`,
    vcpuSeconds: 1000,
    gibSeconds: 500,
    requests: 10_000,
  }));
  // Revision b (memory doubled), one day: $0.024 + $0.0025 + $0.004 = $0.0305.
  const b = [{ revision: "api-00002-bbb", day: "2026-11-03", vcpuSeconds: 1000, gibSeconds: 1000, requests: 10_000 }];

  it("gives each revision its cost per day and per 1,000 requests", () => {
    const [ra, rb] = revisionCosts([...a, ...b], sheet);
    expect(ra).toMatchObject({ revision: "api-00001-aaa", days: 2, requests: 20_000 });
    expect(ra.perDay).toBeCloseTo(0.02925, 12);
    expect(ra.per1000Requests!).toBeCloseTo(0.002925, 12); // $0.0585 / 20
    expect(rb.per1000Requests!).toBeCloseTo(0.00305, 12);
  });

  it("projects a deploy that doubles memory from allocation: the memory cost again, per month", () => {
    const [ra] = revisionCosts(a, sheet);
    // Memory $0.00125 a day × 30 = $0.0375 a month; doubled → +$0.0375. 300 000 requests a month → +$0.000125 per 1,000.
    const impact = deployImpact(
      ra,
      { cpu: 1, memoryGiB: 0.5 },
      undefined,
      "api-00002-bbb",
      { cpu: 1, memoryGiB: 1 },
      false,
    );
    expect(impact.basis).toBe("allocation");
    expect(impact.monthlyChange).toBeCloseTo(0.0375, 12);
    expect(impact.per1000After!).toBeCloseTo(0.00305, 12);
  });

  it("measures it once the new revision has a day of data", () => {
    const [ra, rb] = revisionCosts([...a, ...b], sheet);
    // ($0.00305 − $0.002925) per 1,000 × 300 000 requests a month = $0.0375.
    const impact = deployImpact(ra, { cpu: 1, memoryGiB: 0.5 }, rb, "api-00002-bbb", { cpu: 1, memoryGiB: 1 }, true);
    expect(impact.basis).toBe("measured");
    expect(impact.monthlyChange).toBeCloseTo(0.0375, 12);
  });
});

const shape = (over: Partial<ServiceShape> = {}): ServiceShape => ({
  billing: "request",
  cpu: 1,
  memoryGiB: 1,
  minInstances: 0,
  concurrency: 80,
  gen2: false,
  ...over,
});
const measured = (over: Partial<Measured> = {}): Measured => ({
  memoryP99: null,
  cpuP99: null,
  latencyP95Ms: null,
  activeInstances: null,
  idleInstances: null,
  requests: 0,
  instanceSeconds: 0,
  meanLatencyS: null,
  ...over,
});
const prices: UnitPrices = {
  request: { cpu: 0.000024, memory: 0.0000025, request: 0.0000004 },
  instance: { cpu: 0.000018, memory: 0.000002 },
  idle: { cpu: 0.0000025, memory: 0.0000025 },
};

describe("right-sizing savings", () => {
  it("memory: the smallest size 25 % above p99, saving that share of the memory cost", () => {
    // p99 20 % of 1 GiB = 205 MiB; × 1.25 = 256 MiB. Memory $4 a month × (1 − 0.25) = $3.
    const r = memoryRecommendation(shape(), measured({ memoryP99: 0.2 }), { cpu: 10, memory: 4, requests: 0 })!;
    expect(r.settings).toEqual({ memory: "256Mi" });
    expect(r.monthlySaving).toBeCloseTo(3, 9);
    // Second generation needs 512 MiB: $4 × 0.5 = $2.
    expect(
      memoryRecommendation(shape({ gen2: true }), measured({ memoryP99: 0.2 }), { cpu: 10, memory: 4, requests: 0 })!
        .monthlySaving,
    ).toBeCloseTo(2, 9);
    expect(memoryRecommendation(shape(), measured({ memoryP99: 0.6 }), { cpu: 10, memory: 4, requests: 0 })).toBeNull();
  });

  it("CPU allocation: request-based billing for a request-driven service that pays for idle CPU", () => {
    // Always on for 30 days, 1 vCPU / 512 MiB: $46.656 + $2.592. 100 000 requests × 0.2 s = 20 000 busy s:
    // 20 000 × ($0.000024 + 0.5 × $0.0000025) + 100 000 × $0.0000004 = $0.505 + $0.04 = $0.545. Saving $48.703.
    const r = cpuAllocationRecommendation(
      shape({ billing: "instance", memoryGiB: 0.5 }),
      measured({ requests: 100_000, meanLatencyS: 0.2, instanceSeconds: 2_592_000 }),
      { cpu: 46.656, memory: 2.592, requests: 0 },
      prices,
    )!;
    expect(r.settings).toEqual({ billing: "request" });
    expect(r.monthlySaving).toBeCloseTo(48.703, 9);
    expect(
      cpuAllocationRecommendation(
        shape(),
        measured({ requests: 1, meanLatencyS: 1, instanceSeconds: 1 }),
        { cpu: 1, memory: 1, requests: 0 },
        prices,
      ),
    ).toBeNull();
  });

  it("min instances: the idle warm instance's month at the idle price", () => {
    // 0.95 idle × 2 592 000 s × (1 × $0.0000025 + 0.5 × $0.0000025) = 0.95 × $9.72 = $9.234.
    const r = minInstancesRecommendation(
      shape({ minInstances: 1, memoryGiB: 0.5 }),
      measured({ idleInstances: 0.95 }),
      prices,
    )!;
    expect(r.settings).toEqual({ minInstances: 0 });
    expect(r.monthlySaving).toBeCloseTo(9.234, 9);
    expect(minInstancesRecommendation(shape({ minInstances: 1 }), measured({ idleInstances: 0.5 }), prices)).toBeNull();
  });

  it("concurrency: more requests per instance when CPU and latency leave room", () => {
    // 10 × 0.6 / 0.1 = 60. Instances beyond the first: 1 − 1/4 = 0.75. ($12 + $2) × (1 − 10/60) × 0.75 = $8.75.
    const r = concurrencyRecommendation(
      shape({ concurrency: 10 }),
      measured({ cpuP99: 0.1, latencyP95Ms: 200, activeInstances: 4 }),
      { cpu: 12, memory: 2, requests: 0 },
    )!;
    expect(r.settings).toEqual({ concurrency: 60 });
    expect(r.monthlySaving).toBeCloseTo(8.75, 9);
    expect(
      concurrencyRecommendation(
        shape({ concurrency: 10 }),
        measured({ cpuP99: 0.7, latencyP95Ms: 200, activeInstances: 4 }),
        { cpu: 12, memory: 2, requests: 0 },
      ),
    ).toBeNull();
  });

  it("lists every applicable suggestion, largest saving first", () => {
    const all = recommendations(
      shape({ concurrency: 10, minInstances: 1, memoryGiB: 1 }),
      measured({ memoryP99: 0.2, cpuP99: 0.1, latencyP95Ms: 200, activeInstances: 4, idleInstances: 1 }),
      { cpu: 12, memory: 2, requests: 0 },
      prices,
    );
    expect(all.map((r) => r.kind)).toEqual(["min-instances", "concurrency", "memory"]);
  });
});

describe("a budget's month", () => {
  it("forecasts month end from the daily rate and dates each threshold", () => {
    // $1 a day for 10 days of November: $10 spent, $30 forecast. $25 budget:
    // 50 % ($12.50) on day 12.5 → Nov 13; 90 % ($22.50) → Nov 23; 100 % → Nov 26; the forecast rule is already over.
    const daily = Array.from({ length: 10 }, (_, i) => ({
      day: `2026-11-${String(i + 1).padStart(2, "0")}`,
      total: 1,
    }));
    const m = budgetMonth(
      25,
      daily,
      [
        { percent: 0.2, basis: "CURRENT_SPEND" },
        { percent: 0.5, basis: "CURRENT_SPEND" },
        { percent: 0.9, basis: "CURRENT_SPEND" },
        { percent: 1, basis: "CURRENT_SPEND" },
        { percent: 1, basis: "FORECASTED_SPEND" },
      ],
      new Date("2026-11-11T00:00:00Z"),
    );
    expect(m.spent).toBe(10);
    expect(m.forecast).toBeCloseTo(30, 9);
    expect(m.thresholds.map((t) => [t.state, t.date])).toEqual([
      ["crossed", "2026-11-05"],
      ["forecast", "2026-11-13"],
      ["forecast", "2026-11-23"],
      ["forecast", "2026-11-26"],
      ["crossed", "2026-11-26"],
    ]);
    expect(m.projected.at(-1)).toEqual({ day: "2026-11-30", total: 30 });
  });
});

describe("money", () => {
  it("shows amounts under a cent as under a cent, in the account's currency", () => {
    expect(formatMoney(0.004)).toBe("< $0.01");
    expect(formatMoney(0)).toBe("$0.00");
    expect(formatMoney(1234.5, "EUR")).toBe("€1,234.50");
    expect(formatChange(-0.4)).toBe("−$0.40");
    expect(formatChange(0.003)).toBe("< +$0.01");
    // Per 1,000 requests, sub-cent is the point: two significant digits.
    expect(formatUnitCost(0.00305)).toBe("$0.0031");
    expect(formatUnitCost(0.062)).toBe("$0.06");
  });
});
