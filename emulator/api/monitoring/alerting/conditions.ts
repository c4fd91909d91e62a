// Pure condition logic (no I/O): which time series violate a threshold or
// absence condition at an evaluation instant, and whether the trigger fires.
// A threshold series violates when every aligned point across the last
// `duration` (and the one before it, so the violation spans the duration; the
// newest point alone with no duration) is present and compares true; a
// ratio condition divides matching numerator and denominator points (a
// missing numerator counts as 0). An absent series violates when its newest
// point ended `duration` or more ago.
import type { Series } from "../aggregate";

export type Comparison =
  "COMPARISON_GT" | "COMPARISON_GE" | "COMPARISON_LT" | "COMPARISON_LE" | "COMPARISON_EQ" | "COMPARISON_NE";
export type Trigger = { count?: number | string | null; percent?: number | null } | null | undefined;
/** One series' verdict: its identity, its newest value (observed) and whether it violates. */
export type Verdict = {
  key: string;
  resourceType: string;
  metric: Record<string, string>;
  resource: Record<string, string>;
  value: number | null;
  violating: boolean;
};

const num = (v: Series["points"][number]["v"]) =>
  "n" in v ? v.n : "d" in v ? (v.d.count ? v.d.sum / v.d.count : 0) : NaN;

export const seriesKey = (s: Pick<Series, "resourceType" | "metric" | "resource">) => {
  const sorted = (o: Record<string, string>) =>
    Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
  return JSON.stringify([s.resourceType ?? "cloud_run_revision", sorted(s.metric), sorted(s.resource)]);
};

export function compare(value: number, comparison: string, threshold: number): boolean {
  switch (comparison) {
    case "COMPARISON_GT":
      return value > threshold;
    case "COMPARISON_GE":
      return value >= threshold;
    case "COMPARISON_LT":
      return value < threshold;
    case "COMPARISON_LE":
      return value <= threshold;
    case "COMPARISON_EQ":
      return value === threshold;
    case "COMPARISON_NE":
      return value !== threshold;
    default:
      return false;
  }
}

/** Numerator ÷ denominator per matching series and point end; no point where the denominator is 0 or absent. */
export function ratio(numerator: Series[], denominator: Series[]): Series[] {
  const byKey = new Map(numerator.map((s) => [seriesKey(s), new Map(s.points.map((p) => [p.end, num(p.v)]))]));
  return denominator.map((d) => {
    const nums = byKey.get(seriesKey(d));
    const points = d.points.flatMap((p) => {
      const den = num(p.v);
      return den ? [{ start: p.start, end: p.end, v: { n: (nums?.get(p.end) ?? 0) / den } }] : [];
    });
    return { ...d, kind: "GAUGE" as const, type: "DOUBLE" as const, points };
  });
}

/**
 * The aligned points a threshold condition needs, as the range of their ends
 * (from, to] and how many there are (one per period).
 *
 * With no duration, the newest point alone. Otherwise the violation has to
 * span the duration: Monitoring evaluates each instant on the aligned value of
 * the period ending then, and a condition is met at `now` when every instant
 * of [now − duration, now] violates; the oldest of those values covers
 * (now − duration − period, now − duration]. The emulator's points are
 * tumbling periods ending at `endMs` (the end of the current, partial minute)
 * and every `period` before it, and a raw point holds data from before its end.
 * So the window runs from the newest point back to the first that ended at or
 * before now − duration: ceil((endMs − now + duration) / period) + 1 points,
 * which is duration / period + 1 when now falls on a period's end.
 */
export function thresholdWindow(
  durationMs: number,
  periodMs: number,
  endMs: number,
  nowMs: number,
): { fromMs: number; toMs: number; points: number } {
  if (durationMs <= 0) return { fromMs: endMs - periodMs, toMs: endMs, points: 1 };
  const points = Math.ceil((endMs - nowMs + durationMs) / periodMs) + 1;
  return { fromMs: endMs - points * periodMs, toMs: endMs, points };
}

/**
 * Threshold verdicts at `nowMs`, on points aligned to end at `endMs`: the
 * points of `thresholdWindow` must all exist and compare true (missing ones
 * are forgiven under EVALUATION_MISSING_DATA_ACTIVE).
 */
export function thresholdVerdicts(
  series: Series[],
  c: { comparison: string; thresholdValue: number; durationMs: number; periodMs: number; missingDataActive?: boolean },
  endMs: number,
  nowMs: number,
): Verdict[] {
  const window = thresholdWindow(c.durationMs, c.periodMs, endMs, nowMs);
  return series.map((s) => {
    const inWindow = s.points.filter((p) => p.end > window.fromMs && p.end <= window.toMs);
    const newest = [...s.points].sort((a, b) => b.end - a.end)[0];
    const value = newest ? num(newest.v) : null;
    const complete = inWindow.length >= window.points;
    const allTrue = inWindow.every((p) => compare(num(p.v), c.comparison, c.thresholdValue));
    const violating = inWindow.length > 0 && allTrue && (complete || !!c.missingDataActive);
    return {
      key: seriesKey(s),
      resourceType: s.resourceType ?? "cloud_run_revision",
      metric: s.metric,
      resource: s.resource,
      value,
      violating,
    };
  });
}

/**
 * Absence verdicts: a series seen in the lookback violates when it has
 * reported nothing for `duration` up to `nowMs`. A point holds data from
 * before its end, so its end must be at or before now − duration.
 */
export function absenceVerdicts(series: Series[], durationMs: number, nowMs: number): Verdict[] {
  return series.map((s) => {
    const newest = Math.max(...s.points.map((p) => p.end));
    return {
      key: seriesKey(s),
      resourceType: s.resourceType ?? "cloud_run_revision",
      metric: s.metric,
      resource: s.resource,
      value: null,
      violating: newest <= nowMs - durationMs,
    };
  });
}

/** Whether enough series violate: `count` of them (default 1), or `percent` of those evaluated. */
export function triggered(verdicts: Verdict[], trigger: Trigger): boolean {
  const violating = verdicts.filter((v) => v.violating).length;
  if (trigger?.percent !== undefined && trigger?.percent !== null && Number(trigger.percent) > 0) {
    return verdicts.length > 0 && (violating / verdicts.length) * 100 >= Number(trigger.percent);
  }
  return violating >= Math.max(1, Number(trigger?.count ?? 1) || 1);
}

export type ConditionResult = { condition: string; verdicts: Verdict[]; met: boolean };

/**
 * The incidents a policy wants open, as (condition, series key) pairs: under
 * OR each met condition's violating series; under AND all conditions must be
 * met; under AND_WITH_MATCHING_RESOURCE only series whose resource violates
 * every condition count.
 */
export function wantedIncidents(
  combiner: string,
  results: ConditionResult[],
): { condition: string; verdict: Verdict }[] {
  const violating = (r: ConditionResult) => (r.met ? r.verdicts.filter((v) => v.violating) : []);
  if (combiner === "AND") {
    if (!results.every((r) => r.met)) return [];
    return results.flatMap((r) => violating(r).map((verdict) => ({ condition: r.condition, verdict })));
  }
  if (combiner === "AND_WITH_MATCHING_RESOURCE") {
    const resKey = (v: Verdict) => JSON.stringify([v.resourceType, Object.entries(v.resource).sort()]);
    const sets = results.map((r) => new Set(violating(r).map(resKey)));
    const common = [...(sets[0] ?? [])].filter((k) => sets.every((s) => s.has(k)));
    return results.flatMap((r) =>
      violating(r)
        .filter((v) => common.includes(resKey(v)))
        .map((verdict) => ({ condition: r.condition, verdict })),
    );
  }
  return results.flatMap((r) => violating(r).map((verdict) => ({ condition: r.condition, verdict })));
}
