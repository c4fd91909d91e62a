// The cost insight, composed without I/O from what load.ts read: the month's
// report (net of the free tier), last month beside it, variance per service
// and project, right-sizing per service and each budget's month. Revision
// limits come from Monitoring itself (allocation seconds ÷ instance seconds),
// so no per-service Run call is needed.
import type { protos } from "@google-cloud/billing";
import type { ServiceView } from "../services";
import type { BudgetView } from "./billing";
import { budgetMonth, type BudgetMonth } from "./budget-math";
import type { RevisionDay, Signals } from "./history";
import { idleCostPerDay, parseCpu, parseGiB, unitPrices } from "./idle";
import { grossCost, priceSheet, type Cost, type PriceSheet } from "./pricing";
import { recommendations, type Recommendation } from "./recommendations";
import { costReport, type CostReport } from "./report";
import type { DailyUsage } from "./usage";
import { DEFAULT_THRESHOLD, variance, windows, type Variance, type WindowUsage } from "./variance";

type Sku = protos.google.cloud.billing.v1.ISku;

export type ServiceInsight = {
  project: string;
  service: string;
  threshold: number;
  week: Variance;
  month: Variance;
  recommendations: Recommendation[];
};
export type ProjectInsight = { project: string; week: Variance; month: Variance };
export type BudgetInsight = BudgetView & { month: BudgetMonth | null };
export type CostInsight = {
  report: CostReport;
  previousMonth: CostReport;
  /** Cumulative net cost per day of month, this month and last. */
  chart: { day: number; current: number | null; previous: number | null }[];
  services: ServiceInsight[];
  projects: ProjectInsight[];
  budgets: BudgetInsight[];
};

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Per-service daily usage (revisions summed) for days in [from, to). */
export function dailyUsage(history: RevisionDay[], from: string, to: string): DailyUsage[] {
  const by = new Map<string, DailyUsage>();
  for (const h of history) {
    if (h.day < from || h.day >= to) continue;
    const key = `${h.project}/${h.service}/${h.day}`;
    const d =
      by.get(key) ??
      by
        .set(key, { project: h.project, service: h.service, day: h.day, vcpuSeconds: 0, gibSeconds: 0, requests: 0 })
        .get(key)!;
    d.vcpuSeconds += h.vcpuSeconds;
    d.gibSeconds += h.gibSeconds;
    d.requests += h.requests;
  }
  return [...by.values()];
}

/**
 * Gross cost and usage of one service over [from, to), with the limits of the
 * revision that ran longest in it ("longest", for an earlier window) or of the
 * one that ran last ("latest", for the window compared with it). Idle min
 * instances (`idlePerDay`, see idle.ts) add their cost for each day of it.
 */
function windowOf(
  rows: RevisionDay[],
  sheet: PriceSheet,
  from: string,
  to: string,
  pick: "longest" | "latest" = "longest",
  idlePerDay = 0,
): WindowUsage {
  const mine = rows.filter((r) => r.day >= from && r.day < to);
  const usage = mine.reduce(
    (a, r) => ({
      vcpuSeconds: a.vcpuSeconds + r.vcpuSeconds,
      gibSeconds: a.gibSeconds + r.gibSeconds,
      requests: a.requests + r.requests,
    }),
    { vcpuSeconds: 0, gibSeconds: 0, requests: 0 },
  );
  const byRevision = new Map<string, { v: number; g: number; i: number }>();
  for (const r of mine) {
    const x = byRevision.get(r.revision) ?? byRevision.set(r.revision, { v: 0, g: 0, i: 0 }).get(r.revision)!;
    x.v += r.vcpuSeconds;
    x.g += r.gibSeconds;
    x.i += r.instanceSeconds;
  }
  let limits: WindowUsage["limits"] = null;
  let best = -1;
  const lastDay = new Map(mine.map((r) => [r.revision, r.day]));
  for (const [revision, x] of byRevision) {
    const score = pick === "longest" ? x.i : Date.parse(lastDay.get(revision)!) + x.i / 1e9;
    if (x.i <= 0 || score <= best) continue;
    best = score;
    limits = { revision, cpu: +(x.v / x.i).toFixed(3), memoryGiB: +(x.g / x.i).toFixed(3) };
  }
  const gross = grossCost(sheet, usage);
  const idle = idlePerDay * Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / DAY));
  return {
    cost: { ...gross, total: gross.total + idle },
    idle,
    requests: usage.requests,
    instanceSeconds: mine.reduce((a, r) => a + r.instanceSeconds, 0),
    limits,
  };
}

const sumWindows = (ws: WindowUsage[]): WindowUsage => ({
  cost: ws.reduce<Cost>(
    (a, w) => ({
      cpu: a.cpu + w.cost.cpu,
      memory: a.memory + w.cost.memory,
      requests: a.requests + w.cost.requests,
      total: a.total + w.cost.total,
    }),
    { cpu: 0, memory: 0, requests: 0, total: 0 },
  ),
  idle: ws.reduce((a, w) => a + (w.idle ?? 0), 0),
  requests: ws.reduce((a, w) => a + w.requests, 0),
  instanceSeconds: ws.reduce((a, w) => a + w.instanceSeconds, 0),
  limits: null,
});

export function costInsight(input: {
  services: ServiceView[];
  history: RevisionDay[];
  signals: Signals[];
  skus: Sku[];
  thresholds: Map<string, number>;
  budgets: BudgetView[];
  accountProjects: Map<string, string[]>;
  currency: string;
  now: Date;
}): CostInsight {
  const { services, history, skus, now } = input;
  const today = iso(Math.floor(now.getTime() / DAY) * DAY);
  const monthStart = iso(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const prevStart = iso(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const inst = new Map(input.signals.flatMap((s) => s.instances).map((r) => [`${r.project}/${r.service}`, r]));
  // Idle min instances at the last day's mean, this month and (for a like-for-like comparison) last month.
  const idle = new Map(
    services.map((s) => [
      `${s.project}/${s.id}`,
      idleCostPerDay(s, inst.get(`${s.project}/${s.id}`)?.idleInstances, skus),
    ]),
  );
  const report = costReport(services, dailyUsage(history, monthStart, "9999"), skus, now, idle);
  const previousMonth = costReport(
    services,
    dailyUsage(history, prevStart, monthStart),
    skus,
    new Date(Date.parse(`${monthStart}T00:00:00Z`) - 1),
    idle,
  );
  const cumulative = (r: CostReport) => {
    const byDay = new Map<number, number>();
    for (const s of r.services)
      for (const d of s.daily) byDay.set(Number(d.day.slice(8)), (byDay.get(Number(d.day.slice(8))) ?? 0) + d.total);
    return byDay;
  };
  const cur = cumulative(report),
    prev = cumulative(previousMonth);
  const daysPrev = new Date(Date.parse(`${monthStart}T00:00:00Z`) - 1).getUTCDate();
  const daysCur = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0)).getUTCDate();
  let a = 0,
    b = 0;
  const chart = Array.from({ length: Math.max(daysPrev, daysCur) }, (_, i) => {
    const day = i + 1;
    a += cur.get(day) ?? 0;
    b += prev.get(day) ?? 0;
    return { day, current: day <= now.getUTCDate() ? a : null, previous: day <= daysPrev ? b : null };
  });

  const w = windows(today);
  const weekAgo = iso(Date.parse(`${today}T00:00:00Z`) - 7 * DAY);
  const bySvc = new Map<string, RevisionDay[]>();
  for (const h of history)
    (
      bySvc.get(`${h.project}/${h.service}`) ??
      bySvc.set(`${h.project}/${h.service}`, []).get(`${h.project}/${h.service}`)!
    ).push(h);
  const sig = new Map(
    input.signals.flatMap((s) => s.revisions).map((r) => [`${r.project}/${r.service}/${r.revision}`, r]),
  );
  const windowsByProject = new Map<
    string,
    { week: [WindowUsage[], WindowUsage[]]; month: [WindowUsage[], WindowUsage[]] }
  >();
  const serviceInsights: ServiceInsight[] = [];
  for (const s of services) {
    let sheet: PriceSheet;
    try {
      sheet = priceSheet(skus, s.region, s.template.billing);
    } catch {
      continue;
    }
    const rows = bySvc.get(`${s.project}/${s.id}`) ?? [];
    const threshold = input.thresholds.get(`${s.project}/${s.id}`) ?? DEFAULT_THRESHOLD;
    const idlePerDay = idle.get(`${s.project}/${s.id}`) ?? 0;
    const wk = [
      windowOf(rows, sheet, ...w.week.prev, "longest", idlePerDay),
      windowOf(rows, sheet, ...w.week.cur, "latest", idlePerDay),
    ] as const;
    const mo = [
      windowOf(rows, sheet, ...w.month.prev, "longest", idlePerDay),
      windowOf(rows, sheet, ...w.month.cur, "latest", idlePerDay),
    ] as const;
    const p =
      windowsByProject.get(s.project) ??
      windowsByProject.set(s.project, { week: [[], []], month: [[], []] }).get(s.project)!;
    p.week[0].push(wk[0]);
    p.week[1].push(wk[1]);
    p.month[0].push(mo[0]);
    p.month[1].push(mo[1]);
    // Recommendations from the last 7 days at a monthly rate.
    const last = windowOf(rows, sheet, weekAgo, iso(Date.parse(`${today}T00:00:00Z`) + DAY));
    const scale = 30 / 7;
    const serving = s.latestReadyRevision.split("/").pop() ?? "";
    const r = sig.get(`${s.project}/${s.id}/${serving}`);
    const n = inst.get(`${s.project}/${s.id}`);
    const recs = recommendations(
      {
        billing: s.template.billing,
        cpu: parseCpu(s.template.cpu),
        memoryGiB: parseGiB(s.template.memory),
        minInstances: s.template.minInstances,
        concurrency: s.template.concurrency || 80,
        gen2: true,
      },
      {
        memoryP99: r?.memoryP99 ?? null,
        cpuP99: r?.cpuP99 ?? null,
        latencyP95Ms: r?.latencyP95Ms ?? null,
        meanLatencyS: r?.meanLatencyMs != null ? r.meanLatencyMs / 1000 : null,
        activeInstances: n?.activeInstances ?? null,
        idleInstances: n?.idleInstances ?? null,
        requests: last.requests * scale,
        instanceSeconds: last.instanceSeconds * scale,
      },
      { cpu: last.cost.cpu * scale, memory: last.cost.memory * scale, requests: last.cost.requests * scale },
      unitPrices(skus, s.region, s.template.billing),
      input.currency,
    );
    serviceInsights.push({
      project: s.project,
      service: s.id,
      threshold,
      week: variance(wk[0], wk[1], threshold),
      month: variance(mo[0], mo[1], threshold),
      recommendations: recs,
    });
  }
  const projects = [...windowsByProject.entries()].map(([project, p]) => ({
    project,
    week: variance(sumWindows(p.week[0]), sumWindows(p.week[1])),
    month: variance(sumWindows(p.month[0]), sumWindows(p.month[1])),
  }));

  const netDaily = (ps: string[] | null) => {
    const byDay = new Map<string, number>();
    for (const s of report.services)
      if (!ps || ps.includes(s.project)) for (const d of s.daily) byDay.set(d.day, (byDay.get(d.day) ?? 0) + d.total);
    return [...byDay.entries()].map(([day, total]) => ({ day, total }));
  };
  const budgets = input.budgets.map((b) => {
    const ps = b.projects.length ? b.projects : (input.accountProjects.get(b.account) ?? []);
    const amount =
      b.amount ??
      previousMonth.services.filter((s) => ps.includes(s.project)).reduce((x, s) => x + s.monthToDate.total, 0);
    return { ...b, amount, month: amount > 0 ? budgetMonth(amount, netDaily(ps), b.thresholds, now) : null };
  });
  return { report, previousMonth, chart, services: serviceInsights, projects, budgets };
}
