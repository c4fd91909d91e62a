// Right-sizing, pure: from a service's configuration, its monthly cost at the
// current rate and what Monitoring measured (utilization p99, latency p95,
// instances), the settings that would cost less, each with its monthly saving
// at list prices and the deploy-form values that apply it. Nothing here
// changes anything: each suggestion becomes a prefilled deploy a person reviews.
import { formatMoney } from "./format";

export type ServiceShape = {
  billing: "request" | "instance";
  cpu: number;
  memoryGiB: number;
  minInstances: number;
  concurrency: number;
  gen2: boolean;
};

export type Measured = {
  /** p99 of memory and CPU utilization (fractions of the limits) over the last days; null when unknown. */
  memoryP99: number | null;
  cpuP99: number | null;
  latencyP95Ms: number | null;
  /** Mean instances serving requests while there was traffic; mean idle instances. */
  activeInstances: number | null;
  idleInstances: number | null;
  /** Per month at the current rate. */
  requests: number;
  instanceSeconds: number;
  /** Mean request latency in seconds (busy time per request). */
  meanLatencyS: number | null;
};

/** Monthly list-price cost at the current rate, by component. */
export type MonthlyCost = { cpu: number; memory: number; requests: number };

/** Unit prices of the service's region: request-based, instance-based, and what an idle min instance costs. */
export type UnitPrices = {
  request: { cpu: number; memory: number; request: number };
  instance: { cpu: number; memory: number };
  idle: { cpu: number; memory: number };
};

export type Kind = "memory" | "cpu-allocation" | "min-instances" | "concurrency";
export type Recommendation = {
  kind: Kind;
  title: string;
  why: string;
  monthlySaving: number;
  /** Deploy-form fields that apply it. */
  settings: Partial<{ memory: string; billing: "request" | "instance"; minInstances: number; concurrency: number }>;
};

export const MEMORY_SIZES: [string, number][] = [
  ["256Mi", 0.25],
  ["512Mi", 0.5],
  ["1Gi", 1],
  ["2Gi", 2],
  ["4Gi", 4],
  ["8Gi", 8],
  ["16Gi", 16],
  ["32Gi", 32],
];
/** Memory kept above the measured p99. */
export const HEADROOM = 1.25;
const SECONDS_PER_MONTH = 30 * 86_400;
const MIN_SAVING = 0.01;

/** Cloud Run's smallest memory for a CPU count (and 512 MiB in the second-generation environment). */
function minMemoryGiB(cpu: number, gen2: boolean): number {
  const byCpu = cpu >= 6 ? 4 : cpu >= 4 ? 2 : 0.25;
  return Math.max(byCpu, gen2 ? 0.5 : 0.25);
}

export function memoryRecommendation(
  s: ServiceShape,
  m: Measured,
  cost: MonthlyCost,
  currency = "USD",
): Recommendation | null {
  if (m.memoryP99 === null || m.memoryP99 >= 0.5) return null;
  const needed = Math.max(m.memoryP99 * s.memoryGiB * HEADROOM, minMemoryGiB(s.cpu, s.gen2));
  const fit = MEMORY_SIZES.find(([, g]) => g >= needed);
  if (!fit || fit[1] >= s.memoryGiB) return null;
  const saving = cost.memory * (1 - fit[1] / s.memoryGiB);
  if (saving < MIN_SAVING) return null;
  return {
    kind: "memory",
    title: `Lower memory to ${fit[0]}`,
    monthlySaving: saving,
    settings: { memory: fit[0] },
    why: `99 % of the time it uses ${Math.round(m.memoryP99 * 100)} % of its ${s.memoryGiB >= 1 ? `${s.memoryGiB} GiB` : `${s.memoryGiB * 1024} MiB`} limit; ${fit[0]} keeps ${Math.round((HEADROOM - 1) * 100)} % above that. Memory costs ${formatMoney(cost.memory, currency)} a month now.`,
  };
}

export function cpuAllocationRecommendation(
  s: ServiceShape,
  m: Measured,
  cost: MonthlyCost,
  prices: UnitPrices,
  currency = "USD",
): Recommendation | null {
  if (s.billing !== "instance" || m.requests <= 0 || m.meanLatencyS === null || m.instanceSeconds <= 0) return null;
  // Busy seconds: requests × their mean latency, at most the instance time (concurrent requests overlap).
  const busy = Math.min(m.instanceSeconds, m.requests * m.meanLatencyS);
  const requestBased =
    busy * (s.cpu * prices.request.cpu + s.memoryGiB * prices.request.memory) + m.requests * prices.request.request;
  const saving = cost.cpu + cost.memory + cost.requests - requestBased;
  if (saving < MIN_SAVING) return null;
  return {
    kind: "cpu-allocation",
    title: "Allocate CPU only during requests",
    monthlySaving: saving,
    settings: { billing: "request" },
    why: `It serves requests and is busy ${Math.round((busy / m.instanceSeconds) * 100)} % of its instance time, but pays for CPU all the time (instance-based billing): ${formatMoney(cost.cpu + cost.memory + cost.requests, currency)} a month now, about ${formatMoney(requestBased, currency)} with request-based billing.`,
  };
}

/**
 * What warm min instances cost while idle over `seconds`: the mean idle
 * instances (from the instance-count gauge; at most min instances) × their
 * vCPU and GiB × the idle unit prices. The min-instances suggestion's saving,
 * and the report's "min-instance idle" line of request-based services.
 */
export function minInstanceIdleCost(
  s: Pick<ServiceShape, "minInstances" | "cpu" | "memoryGiB">,
  idleInstances: number,
  seconds: number,
  idle: UnitPrices["idle"],
): number {
  return (
    Math.min(s.minInstances, Math.max(0, idleInstances)) * seconds * (s.cpu * idle.cpu + s.memoryGiB * idle.memory)
  );
}

export function minInstancesRecommendation(
  s: ServiceShape,
  m: Measured,
  prices: UnitPrices,
  currency = "USD",
): Recommendation | null {
  if (s.minInstances < 1 || m.idleInstances === null) return null;
  const idle = Math.min(s.minInstances, m.idleInstances);
  if (idle < 0.8 * s.minInstances) return null;
  const saving = minInstanceIdleCost(s, m.idleInstances, SECONDS_PER_MONTH, prices.idle);
  if (saving < MIN_SAVING) return null;
  return {
    kind: "min-instances",
    title: "Set min instances to 0",
    monthlySaving: saving,
    settings: { minInstances: 0 },
    why: `${s.minInstances} instance${s.minInstances > 1 ? "s are" : " is"} kept warm and ${idle >= s.minInstances ? "idle" : `${idle.toFixed(1)} of them idle`} on average, costing ${formatMoney(saving, currency)} a month. Without them the first request after a quiet spell waits for a cold start.`,
  };
}

export function concurrencyRecommendation(
  s: ServiceShape,
  m: Measured,
  cost: MonthlyCost,
  currency = "USD",
): Recommendation | null {
  if (s.concurrency >= 80 || m.cpuP99 === null || m.latencyP95Ms === null || m.activeInstances === null) return null;
  // Instances mostly wait (low CPU) and answer well within any timeout: more requests fit on each.
  if (m.cpuP99 >= 0.6 || m.latencyP95Ms >= 10_000 || m.activeInstances <= 1) return null;
  const target = Math.min(
    80,
    Math.max(s.concurrency + 1, Math.floor((s.concurrency * 0.6) / Math.max(m.cpuP99, 0.05))),
  );
  // Instance time beyond the first instance shrinks with concurrency.
  const overlap = Math.max(0, 1 - 1 / m.activeInstances);
  const saving = (cost.cpu + cost.memory) * (1 - s.concurrency / target) * overlap;
  if (saving < MIN_SAVING) return null;
  return {
    kind: "concurrency",
    title: `Raise concurrency to ${target}`,
    monthlySaving: saving,
    settings: { concurrency: target },
    why: `p95 latency is ${Math.round(m.latencyP95Ms)} ms and CPU stays under ${Math.round(m.cpuP99 * 100)} % (p99), yet each instance takes only ${s.concurrency} requests, so ${m.activeInstances.toFixed(1)} instances run at once on average. ${target} per instance keeps CPU near 60 %. Compute costs ${formatMoney(cost.cpu + cost.memory, currency)} a month now.`,
  };
}

export function recommendations(
  s: ServiceShape,
  m: Measured,
  cost: MonthlyCost,
  prices: UnitPrices,
  currency = "USD",
): Recommendation[] {
  return [
    memoryRecommendation(s, m, cost, currency),
    cpuAllocationRecommendation(s, m, cost, prices, currency),
    minInstancesRecommendation(s, m, prices, currency),
    concurrencyRecommendation(s, m, cost, currency),
  ]
    .filter((r): r is Recommendation => r !== null)
    .sort((a, b) => b.monthlySaving - a.monthlySaving);
}
