// Cost variance, pure: a service's (or project's) cost in one window against
// the window before it, and where an increase came from. Costs are gross list
// prices (the free tier is an account-wide credit and would hide a growing
// service behind a shrinking one). The change splits into:
//   - requests: the earlier window's cost scaled by the growth in requests
//     (same cost per request, more requests);
//   - the rest, per request: CPU time, memory time, instance time (idle
//     instances kept warm: instance seconds grew faster than requests), or a
//     new revision's larger limits when the limits rose between the windows;
//   - idle min instances (request-based: their own cost, which requests do not
//     drive) change with instance time too.
import type { Cost } from "./pricing";

export type WindowUsage = {
  cost: Cost;
  requests: number;
  instanceSeconds: number;
  /** Idle min instances' cost (request-based billing), included in cost.total. */
  idle?: number;
  /** vCPU and GiB limits: of the revision that ran longest in an earlier window, of the latest in the window compared with it. */
  limits: { revision: string; cpu: number; memoryGiB: number } | null;
};

export type Driver = "requests" | "cpu-time" | "memory-time" | "instance-time" | "limits";
export type DriverShare = { driver: Driver; amount: number; detail: string };

export type Variance = {
  previous: number;
  current: number;
  change: number;
  /** change ÷ previous; null when the previous window cost nothing. */
  fraction: number | null;
  flagged: boolean;
  /** Positive contributions first, largest first. */
  drivers: DriverShare[];
};

export const DEFAULT_THRESHOLD = 0.2;
/** Changes smaller than this are never flagged, whatever their percentage: noise on tiny services. */
export const MIN_FLAGGED_CHANGE = 0.01;

const giB = (g: number) => (g >= 1 ? `${+g.toFixed(2)} GiB` : `${Math.round(g * 1024)} MiB`);

export function variance(prev: WindowUsage, cur: WindowUsage, threshold = DEFAULT_THRESHOLD): Variance {
  const change = cur.cost.total - prev.cost.total;
  const fraction = prev.cost.total > 0 ? change / prev.cost.total : null;
  const ratio = prev.requests > 0 ? cur.requests / prev.requests : 1;
  const drivers: DriverShare[] = [];
  const idleChange = (cur.idle ?? 0) - (prev.idle ?? 0);
  if (prev.requests > 0 && ratio !== 1) {
    drivers.push({
      driver: "requests",
      amount: (ratio - 1) * (prev.cost.total - (prev.idle ?? 0)),
      detail: `requests ${ratio > 1 ? "+" : "−"}${Math.round(Math.abs(ratio - 1) * 100)} % (${prev.requests} → ${cur.requests})`,
    });
  }
  // What the same cost per request would have been, per component; the rest changed per request.
  const cpu = cur.cost.cpu - prev.cost.cpu * ratio;
  const memory = cur.cost.memory - prev.cost.memory * ratio;
  const perRequestFee = cur.cost.requests - prev.cost.requests * ratio;
  const grewCpu = !!(prev.limits && cur.limits && cur.limits.cpu > prev.limits.cpu);
  const grewMemory = !!(prev.limits && cur.limits && cur.limits.memoryGiB > prev.limits.memoryGiB);
  const instanceRatio = prev.instanceSeconds > 0 ? cur.instanceSeconds / prev.instanceSeconds : 1;
  const idleGrew = instanceRatio > ratio * 1.05;
  if (grewCpu || grewMemory) {
    const l = (x: WindowUsage["limits"]) => `${x!.cpu} vCPU, ${giB(x!.memoryGiB)}`;
    drivers.push({
      driver: "limits",
      amount: (grewCpu ? cpu : 0) + (grewMemory ? memory : 0),
      detail: `${cur.limits!.revision} has larger limits (${l(prev.limits)} → ${l(cur.limits)})`,
    });
  }
  const cpuLeft = grewCpu ? 0 : cpu;
  const memoryLeft = grewMemory ? 0 : memory;
  if (idleGrew && cpuLeft + memoryLeft > 0) {
    drivers.push({
      driver: "instance-time",
      amount: cpuLeft + memoryLeft + idleChange,
      detail: `instance time +${Math.round((instanceRatio / ratio - 1) * 100)} % per request (instances kept warm)`,
    });
  } else {
    if (cpuLeft) drivers.push({ driver: "cpu-time", amount: cpuLeft, detail: "CPU time per request" });
    if (memoryLeft) drivers.push({ driver: "memory-time", amount: memoryLeft, detail: "memory time per request" });
    if (Math.abs(idleChange) > 1e-12)
      drivers.push({ driver: "instance-time", amount: idleChange, detail: "idle min instances (instances kept warm)" });
  }
  if (Math.abs(perRequestFee) > 1e-12) {
    const requests = drivers.find((d) => d.driver === "requests");
    if (requests) requests.amount += perRequestFee;
    else drivers.push({ driver: "requests", amount: perRequestFee, detail: "request fees" });
  }
  drivers.sort((a, b) => b.amount - a.amount);
  const flagged = change >= MIN_FLAGGED_CHANGE && (fraction === null || fraction > threshold);
  return {
    previous: prev.cost.total,
    current: cur.cost.total,
    change,
    fraction,
    flagged,
    drivers: drivers.filter((d) => Math.abs(d.amount) > 1e-12),
  };
}

/** The sentence a flag shows: "+34 % week over week, mostly requests +30 % (…)". */
export function explain(v: Variance, period: string): string {
  const pct = v.fraction === null ? "new" : `${v.fraction > 0 ? "+" : "−"}${Math.round(Math.abs(v.fraction) * 100)} %`;
  const top = v.drivers.find((d) => d.amount > 0);
  return top ? `${pct} ${period}, mostly ${top.detail}` : `${pct} ${period}`;
}

/** [start, end) day strings (YYYY-MM-DD) of the comparison windows ending at `today` (exclusive). */
export function windows(today: string): {
  week: { prev: [string, string]; cur: [string, string] };
  month: { prev: [string, string]; cur: [string, string] };
} {
  const t = Date.parse(`${today}T00:00:00Z`);
  const d = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const DAY = 86_400_000;
  const now = new Date(t);
  const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const prevMonthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1);
  // Month to date (complete days) against the same days of last month, capped at its length.
  const elapsed = Math.max(1, Math.round((t - monthStart) / DAY));
  const prevEnd = Math.min(prevMonthStart + elapsed * DAY, monthStart);
  return {
    week: { prev: [d(t - 14 * DAY), d(t - 7 * DAY)], cur: [d(t - 7 * DAY), d(t)] },
    month: { prev: [d(prevMonthStart), d(prevEnd)], cur: [d(monthStart), d(Math.max(t, monthStart + DAY))] },
  };
}
