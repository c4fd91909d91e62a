// Cost per revision, pure: each revision's list-price cost per day it ran and
// per 1,000 requests, and what a deploy changes. Right after a deploy the new
// revision's monthly cost is projected from its allocation (the previous
// revision's CPU and memory cost scaled by the limits, same traffic); once it
// has a full day of data the projection uses its measured cost per 1,000
// requests instead.
import { grossCost, type Cost, type PriceSheet } from "./pricing";

export type RevisionUsage = {
  revision: string;
  day: string;
  vcpuSeconds: number;
  gibSeconds: number;
  requests: number;
};
export type RevisionCost = {
  revision: string;
  days: number;
  cost: Cost;
  requests: number;
  perDay: number;
  /** null without requests. */
  per1000Requests: number | null;
};

export const DAYS_PER_MONTH = 30;

export function revisionCosts(rows: RevisionUsage[], sheet: PriceSheet): RevisionCost[] {
  const by = new Map<string, RevisionUsage[]>();
  for (const r of rows) (by.get(r.revision) ?? by.set(r.revision, []).get(r.revision)!).push(r);
  return [...by.entries()].map(([revision, days]) => {
    const usage = days.reduce(
      (a, u) => ({
        vcpuSeconds: a.vcpuSeconds + u.vcpuSeconds,
        gibSeconds: a.gibSeconds + u.gibSeconds,
        requests: a.requests + u.requests,
      }),
      { vcpuSeconds: 0, gibSeconds: 0, requests: 0 },
    );
    const cost = grossCost(sheet, usage);
    const n = new Set(days.map((d) => d.day)).size;
    return {
      revision,
      days: n,
      cost,
      requests: usage.requests,
      perDay: n ? cost.total / n : 0,
      per1000Requests: usage.requests ? (cost.total * 1000) / usage.requests : null,
    };
  });
}

export type Limits = { cpu: number; memoryGiB: number };
export type DeployImpact = {
  previous: string;
  current: string;
  basis: "allocation" | "measured";
  /** Cost per 1,000 requests before and after (after: projected or measured). */
  per1000Before: number | null;
  per1000After: number | null;
  /** Projected change in monthly cost at the previous revision's traffic. */
  monthlyChange: number;
};

/**
 * What the latest deploy changes. `prev` is the revision that served before
 * (its cost over the days it served), `cur` the new one; `curHasFullDay` says
 * whether the new revision has served for at least a day.
 */
export function deployImpact(
  prev: RevisionCost,
  prevLimits: Limits,
  cur: RevisionCost | undefined,
  curName: string,
  curLimits: Limits,
  curHasFullDay: boolean,
): DeployImpact {
  const monthlyRequests = (prev.requests / Math.max(1, prev.days)) * DAYS_PER_MONTH;
  const perDayPrev = prev.cost;
  if (curHasFullDay && cur && cur.per1000Requests !== null && prev.per1000Requests !== null) {
    return {
      previous: prev.revision,
      current: curName,
      basis: "measured",
      per1000Before: prev.per1000Requests,
      per1000After: cur.per1000Requests,
      monthlyChange: ((cur.per1000Requests - prev.per1000Requests) * monthlyRequests) / 1000,
    };
  }
  // From allocation: CPU cost scales with the vCPU limit, memory cost with the memory limit; the request fee stays.
  const days = Math.max(1, prev.days);
  const cpuMonthly = (perDayPrev.cpu / days) * DAYS_PER_MONTH;
  const memoryMonthly = (perDayPrev.memory / days) * DAYS_PER_MONTH;
  const monthlyChange =
    cpuMonthly * (curLimits.cpu / prevLimits.cpu - 1) +
    memoryMonthly * (curLimits.memoryGiB / prevLimits.memoryGiB - 1);
  const per1000After =
    prev.per1000Requests === null || !prev.requests
      ? null
      : prev.per1000Requests + (monthlyChange * 1000) / monthlyRequests;
  return {
    previous: prev.revision,
    current: curName,
    basis: "allocation",
    per1000Before: prev.per1000Requests,
    per1000After,
    monthlyChange,
  };
}
