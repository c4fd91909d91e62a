// The pure condition logic, on hand-made series: comparisons, durations over
// aligned points, ratios with missing numerators, absence, triggers and the
// policy combiners.
import { describe, expect, it } from "vitest";
import type { Series } from "../aggregate";
import { absenceVerdicts, compare, ratio, thresholdVerdicts, triggered, wantedIncidents, type ConditionResult } from "./conditions";

const M = 60_000;
const END = 100 * M;
const series = (service: string, values: (number | null)[], metric: Record<string, string> = {}): Series => ({
  metric, resource: { service_name: service }, kind: "GAUGE", type: "DOUBLE",
  // values[0] is the newest point, ending at END; null leaves the period empty.
  points: values.flatMap((n, k) => (n === null ? [] : [{ start: END - (k + 1) * M, end: END - k * M, v: { n } }])),
});

describe("compare", () => {
  it("applies each comparison", () => {
    expect([compare(2, "COMPARISON_GT", 1), compare(1, "COMPARISON_GT", 1), compare(1, "COMPARISON_GE", 1), compare(0, "COMPARISON_LT", 1)]).toEqual([true, false, true, true]);
    expect([compare(1, "COMPARISON_LE", 1), compare(1, "COMPARISON_EQ", 1), compare(1, "COMPARISON_NE", 1), compare(1, "COMPARISON_UNSPECIFIED", 0)]).toEqual([true, true, false, false]);
  });
});

describe("thresholdVerdicts", () => {
  const cond = { comparison: "COMPARISON_GT", thresholdValue: 0.05, periodMs: M };

  it("needs every point in the duration to violate, one per period", () => {
    const v = thresholdVerdicts([series("a", [0.2, 0.3, 0.1]), series("b", [0.2, 0.01, 0.3]), series("c", [0.2, 0.3])], { ...cond, durationMs: 3 * M }, END);
    expect(v.map((x) => [x.resource.service_name, x.violating, x.value])).toEqual([["a", true, 0.2], ["b", false, 0.2], ["c", false, 0.2]]);
  });

  it("with no duration looks at the newest period only", () => {
    const v = thresholdVerdicts([series("a", [0.2, 0.01]), series("b", [0.01, 0.9]), series("c", [null, 0.9])], { ...cond, durationMs: 0 }, END);
    expect(v.map((x) => x.violating)).toEqual([true, false, false]);
  });

  it("counts missing periods as violating only with EVALUATION_MISSING_DATA_ACTIVE", () => {
    const s = [series("a", [0.2, null, 0.3])];
    expect(thresholdVerdicts(s, { ...cond, durationMs: 3 * M }, END)[0].violating).toBe(false);
    expect(thresholdVerdicts(s, { ...cond, durationMs: 3 * M, missingDataActive: true }, END)[0].violating).toBe(true);
  });
});

describe("ratio", () => {
  it("divides matching series point by point; a missing numerator is 0, a zero denominator leaves no point", () => {
    const r = ratio([series("a", [1, 3])], [series("a", [4, 0, 2]), series("b", [5])]);
    expect(r.map((s) => [s.resource.service_name, s.points.map((p) => "n" in p.v && p.v.n)])).toEqual([["a", [0.25, 0]], ["b", [0]]]);
  });
});

describe("absenceVerdicts", () => {
  it("flags series whose newest point is older than the duration", () => {
    const v = absenceVerdicts([series("a", [null, null, null, 1]), series("b", [null, 1])], 3 * M, END);
    expect(v.map((x) => x.violating)).toEqual([true, false]);
  });
});

describe("triggered and combiners", () => {
  const verdict = (service: string, violating: boolean) => ({ key: service, resourceType: "cloud_run_revision", metric: {}, resource: { service_name: service }, value: 1, violating });

  it("fires on a count (default 1) or a percent of the series", () => {
    const vs = [verdict("a", true), verdict("b", false), verdict("c", false), verdict("d", false)];
    expect(triggered(vs, undefined)).toBe(true);
    expect(triggered(vs, { count: 2 })).toBe(false);
    expect(triggered(vs, { percent: 25 })).toBe(true);
    expect(triggered(vs, { percent: 50 })).toBe(false);
    expect(triggered([], { percent: 10 })).toBe(false);
  });

  it("OR opens per violating series; AND needs every condition; AND_WITH_MATCHING_RESOURCE the same resource", () => {
    const r1: ConditionResult = { condition: "c1", verdicts: [verdict("a", true), verdict("b", true)], met: true };
    const r2: ConditionResult = { condition: "c2", verdicts: [verdict("b", true)], met: true };
    const r3: ConditionResult = { condition: "c3", verdicts: [verdict("a", false)], met: false };
    const keys = (w: ReturnType<typeof wantedIncidents>) => w.map((x) => `${x.condition}:${x.verdict.key}`);
    expect(keys(wantedIncidents("OR", [r1, r3]))).toEqual(["c1:a", "c1:b"]);
    expect(keys(wantedIncidents("AND", [r1, r3]))).toEqual([]);
    expect(keys(wantedIncidents("AND", [r1, r2]))).toEqual(["c1:a", "c1:b", "c2:b"]);
    expect(keys(wantedIncidents("AND_WITH_MATCHING_RESOURCE", [r1, r2]))).toEqual(["c1:b", "c2:b"]);
  });
});
