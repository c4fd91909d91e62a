// The pure condition logic, on hand-made series: comparisons, durations over
// aligned points, ratios with missing numerators, absence, triggers and the
// policy combiners.
import { describe, expect, it } from "vitest";
import type { Series } from "../aggregate";
import {
  absenceVerdicts,
  compare,
  ratio,
  thresholdVerdicts,
  thresholdWindow,
  triggered,
  wantedIncidents,
  type ConditionResult,
} from "./conditions";

const M = 60_000;
const END = 100 * M;
const series = (service: string, values: (number | null)[], metric: Record<string, string> = {}): Series => ({
  metric,
  resource: { service_name: service },
  kind: "GAUGE",
  type: "DOUBLE",
  // values[0] is the newest point, ending at END; null leaves the period empty.
  points: values.flatMap((n, k) => (n === null ? [] : [{ start: END - (k + 1) * M, end: END - k * M, v: { n } }])),
});

describe("compare", () => {
  it("applies each comparison", () => {
    expect([
      compare(2, "COMPARISON_GT", 1),
      compare(1, "COMPARISON_GT", 1),
      compare(1, "COMPARISON_GE", 1),
      compare(0, "COMPARISON_LT", 1),
    ]).toEqual([true, false, true, true]);
    expect([
      compare(1, "COMPARISON_LE", 1),
      compare(1, "COMPARISON_EQ", 1),
      compare(1, "COMPARISON_NE", 1),
      compare(1, "COMPARISON_UNSPECIFIED", 0),
    ]).toEqual([true, true, false, false]);
  });
});

describe("thresholdVerdicts", () => {
  const cond = { comparison: "COMPARISON_GT", thresholdValue: 0.05, periodMs: M };

  it("needs every point across the duration and the one before it to violate, one per period", () => {
    // Evaluated on a period's end: 3 minutes need the 3 points ending in them and the one before.
    const v = thresholdVerdicts(
      [series("a", [0.2, 0.3, 0.1, 0.4]), series("b", [0.2, 0.3, 0.1, 0.01]), series("c", [0.2, 0.3, 0.1])],
      { ...cond, durationMs: 3 * M },
      END,
      END,
    );
    expect(v.map((x) => [x.resource.service_name, x.violating, x.value])).toEqual([
      ["a", true, 0.2],
      ["b", false, 0.2],
      ["c", false, 0.2],
    ]);
  });

  it("with no duration looks at the newest period only", () => {
    const v = thresholdVerdicts(
      [series("a", [0.2, 0.01]), series("b", [0.01, 0.9]), series("c", [null, 0.9])],
      { ...cond, durationMs: 0 },
      END,
      END - 30_000,
    );
    expect(v.map((x) => x.violating)).toEqual([true, false, false]);
  });

  it("does not open on a violation younger than the duration, mid-minute, and does on one that spans it", () => {
    // 30 s into the minute ending at END, a 60 s condition: the point that ended
    // by now − 60 s is the one ending at END − 2 min, so three points.
    const now = END - 30_000;
    expect(thresholdWindow(M, M, END, now)).toEqual({ fromMs: END - 3 * M, toMs: END, points: 3 });
    // Failing since the minute before this one (at most 90 s, maybe 31 s): not yet.
    expect(thresholdVerdicts([series("a", [0.2, 0.2, 0.01])], { ...cond, durationMs: M }, END, now)[0].violating).toBe(
      false,
    );
    // Failing since the minute ending END − 2 min: at least 90 s ago.
    expect(
      thresholdVerdicts([series("a", [0.2, 0.2, 0.2, 0.01])], { ...cond, durationMs: M }, END, now)[0].violating,
    ).toBe(true);
    // 3 minutes at the same instant: five points, the oldest ending at END − 4 min.
    expect(
      thresholdVerdicts([series("a", [0.2, 0.2, 0.2, 0.2, 0.01])], { ...cond, durationMs: 3 * M }, END, now)[0]
        .violating,
    ).toBe(false);
    expect(
      thresholdVerdicts([series("a", [0.2, 0.2, 0.2, 0.2, 0.2])], { ...cond, durationMs: 3 * M }, END, now)[0]
        .violating,
    ).toBe(true);
    // A 5-minute alignment with a 60 s duration: the point ending END − 5 min must violate too.
    expect(thresholdWindow(M, 5 * M, END, now)).toEqual({ fromMs: END - 10 * M, toMs: END, points: 2 });
  });

  it("opens no sooner than the duration after the first failing request, and within a minute and a half of it", () => {
    // One request every 10 s from T0, failing from `first` on; per-minute raw
    // points (a request counts in the minute it falls in) aligned to 60 s, as
    // the emulator keeps them. Every start and every evaluation instant on a
    // 5 s grid: the first instant the condition is met.
    const T0 = 50 * M;
    for (const durationMs of [M, 3 * M]) {
      for (let first = T0 + 2 * M; first < T0 + 3 * M; first += 5_000) {
        let openedAfter: number | null = null;
        for (let now = first; openedAfter === null && now < first + durationMs + 5 * M; now += 5_000) {
          const endMs = Math.ceil(now / M) * M;
          const minutes = new Map<number, { bad: number; all: number }>();
          for (let t = T0; t <= now; t += 10_000) {
            const end = Math.floor(t / M) * M + M;
            const m = minutes.get(end) ?? { bad: 0, all: 0 };
            minutes.set(end, { bad: m.bad + (t >= first ? 1 : 0), all: m.all + 1 });
          }
          const s: Series = {
            metric: {},
            resource: { service_name: "a" },
            kind: "GAUGE",
            type: "DOUBLE",
            points: [...minutes]
              .filter(([end]) => end <= endMs)
              .map(([end, m]) => ({ start: end - M, end, v: { n: m.bad / m.all } })),
          };
          if (thresholdVerdicts([s], { ...cond, durationMs }, endMs, now)[0].violating) openedAfter = now - first;
        }
        expect(
          openedAfter,
          `first failure at ${(first - T0) / 1000} s, duration ${durationMs / 1000} s`,
        ).not.toBeNull();
        expect(openedAfter!).toBeGreaterThanOrEqual(durationMs);
        expect(openedAfter!).toBeLessThanOrEqual(durationMs + 90_000);
      }
    }
  });

  it("counts missing periods as violating only with EVALUATION_MISSING_DATA_ACTIVE", () => {
    const s = [series("a", [0.2, null, 0.3])];
    expect(thresholdVerdicts(s, { ...cond, durationMs: 2 * M }, END, END)[0].violating).toBe(false);
    expect(thresholdVerdicts(s, { ...cond, durationMs: 2 * M, missingDataActive: true }, END, END)[0].violating).toBe(
      true,
    );
  });
});

describe("ratio", () => {
  it("divides matching series point by point; a missing numerator is 0, a zero denominator leaves no point", () => {
    const r = ratio([series("a", [1, 3])], [series("a", [4, 0, 2]), series("b", [5])]);
    expect(r.map((s) => [s.resource.service_name, s.points.map((p) => "n" in p.v && p.v.n)])).toEqual([
      ["a", [0.25, 0]],
      ["b", [0]],
    ]);
  });
});

describe("absenceVerdicts", () => {
  it("flags series that have reported nothing for the duration", () => {
    const v = absenceVerdicts([series("a", [null, null, null, 1]), series("b", [null, 1])], 3 * M, END);
    expect(v.map((x) => x.violating)).toEqual([true, false]);
    // 30 s into a minute, a point that ended 2.5 minutes ago may hold data 2.5 minutes old: not yet 3.
    expect(absenceVerdicts([series("a", [null, null, null, 1])], 3 * M, END - 30_000)[0].violating).toBe(false);
    expect(absenceVerdicts([series("a", [null, null, null, null, 1])], 3 * M, END - 30_000)[0].violating).toBe(true);
  });
});

describe("triggered and combiners", () => {
  const verdict = (service: string, violating: boolean) => ({
    key: service,
    resourceType: "cloud_run_revision",
    metric: {},
    resource: { service_name: service },
    value: 1,
    violating,
  });

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
