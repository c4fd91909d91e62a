// The canary verdict and the step decision, table-driven: no I/O.
import { describe, expect, it } from "vitest";
import { dataUpTo, decideStep, judgeCheck, retryDelayMs, type StepState } from "./analysis";
import { DEFAULT_PLAN, PlanFields, planProblems } from "./plan";
import { abortTraffic, promoteTraffic, sameTraffic, stepTraffic, LATEST, REVISION, type Target } from "./split";

const stats = (requests: number, errors: number, p99Ms: number | null) => ({ requests, errors, p99Ms });

describe("judgeCheck", () => {
  it.each([
    [
      "fails on 5xx above 1 % and above stable + 1 pt",
      stats(1000, 48, 40),
      stats(1000, 2, 40),
      "fail",
      "5xx 4.8 % > 1.0 % and > stable 0.2 % + 1 pt",
    ],
    [
      "passes 5xx above 1 % that is within stable + 1 pt",
      stats(1000, 25, 40),
      stats(1000, 20, 40),
      "pass",
      "5xx 2.5 % ≤ stable 2.0 % + 1 pt; p99 40 ms ≤ 500 ms",
    ],
    [
      "passes 5xx at the limit",
      stats(1000, 10, 40),
      stats(1000, 0, 40),
      "pass",
      "5xx 1.0 % ≤ 1.0 %; p99 40 ms ≤ 500 ms",
    ],
    [
      "fails on p99 above 1.25 × stable and above 500 ms",
      stats(1000, 0, 900),
      stats(1000, 0, 300),
      "fail",
      "p99 900 ms > 500 ms and > 1.25 × stable 300 ms",
    ],
    [
      "passes a slow p99 within 1.25 × stable",
      stats(1000, 0, 700),
      stats(1000, 0, 600),
      "pass",
      "5xx 0.0 % ≤ 1.0 %; p99 700 ms ≤ 1.25 × stable 600 ms",
    ],
    [
      "passes 3 × stable when under the 500 ms floor",
      stats(1000, 0, 120),
      stats(1000, 0, 40),
      "pass",
      "5xx 0.0 % ≤ 1.0 %; p99 120 ms ≤ 500 ms",
    ],
    [
      "says both reasons",
      stats(100, 10, 2000),
      stats(100, 0, 100),
      "fail",
      "5xx 10.0 % > 1.0 % and > stable 0.0 % + 1 pt; p99 2000 ms > 500 ms and > 1.25 × stable 100 ms",
    ],
    [
      "does not judge the p99 of fewer requests than the plan's minimum (one cold start)",
      stats(20, 0, 2500),
      stats(1000, 0, 40),
      "pass",
      "5xx 0.0 % ≤ 1.0 %",
    ],
    [
      "has no data without canary requests (never a failure)",
      stats(0, 0, null),
      stats(1000, 0, 40),
      "no-data",
      "No canary requests yet: nothing to judge.",
    ],
  ] as const)("%s", (_name, canary, stable, verdict, text) => {
    const r = judgeCheck(canary, stable, DEFAULT_PLAN);
    expect(r.verdict).toBe(verdict);
    expect(r.text).toBe(text);
  });
});

describe("decideStep", () => {
  const plan = { ...DEFAULT_PLAN, stepSeconds: 300, minRequests: 100 };
  const start = new Date("2026-11-30T12:00:00Z");
  const at = (s: number) => new Date(start.getTime() + s * 1000);
  const state = (o: Partial<StepState>): StepState => ({
    stepIndex: 0,
    stepStartedAt: start,
    seenUpTo: at(300),
    canaryRequests: 500,
    failedInRow: 0,
    lastVerdict: "pass",
    ...o,
  });
  it.each([
    ["waits while the step's window is not fully seen", state({ seenUpTo: at(299) }), "wait"],
    ["moves to the next step once the window is seen and checks pass", state({}), "next"],
    ["promotes from the last step before 100 %", state({ stepIndex: 2 }), "promote"],
    [
      "aborts at 2 failed checks in a row, even mid-step",
      state({ seenUpTo: at(30), failedInRow: 2, lastVerdict: "fail" }),
      "abort",
    ],
    ["waits after one failed check", state({ failedInRow: 1, lastVerdict: "fail" }), "wait"],
    ["waits for traffic up to 3 × the step", state({ seenUpTo: at(899), canaryRequests: 40 }), "wait"],
    ["holds after 3 × the step with too little traffic", state({ seenUpTo: at(900), canaryRequests: 40 }), "hold"],
    [
      "holds with no canary traffic at all",
      state({ seenUpTo: at(900), canaryRequests: 0, lastVerdict: "no-data" }),
      "hold",
    ],
  ] as const)("%s", (_name, s, action) => {
    expect(decideStep(plan, s).action).toBe(action);
  });

  it("goes on with low traffic only when the plan says so explicitly", () => {
    const d = decideStep({ ...plan, promoteOnLowTraffic: true }, state({ seenUpTo: at(900), canaryRequests: 40 }));
    expect(d).toEqual({
      action: "next",
      toPercent: 25,
      reason: "only 40 of 100 requests, and the plan promotes on low traffic",
    });
  });

  it("says why it holds, in words", () => {
    expect(decideStep(plan, state({ seenUpTo: at(900), canaryRequests: 12 }))).toEqual({
      action: "hold",
      reason: "Inconclusive: only 12 of the 100 canary requests the plan needs after 3 × the step. Promote or abort.",
    });
  });
});

describe("dataUpTo", () => {
  it("keeps only whole minutes older than Monitoring's lag", () => {
    expect(dataUpTo(new Date("2026-11-30T12:10:45Z"), 180_000).toISOString()).toBe("2026-11-30T12:07:00.000Z");
  });
  it("is now when the backend's minutes are complete as they are read", () => {
    const now = new Date("2026-11-30T12:10:45.500Z");
    expect(dataUpTo(now, 0)).toEqual(now);
  });
});

it("backs off Google errors 1, 2, 4 … 60 s", () => {
  expect([1, 2, 3, 4, 7, 12].map(retryDelayMs)).toEqual([1000, 2000, 4000, 8000, 60_000, 60_000]);
});

describe("traffic of a release", () => {
  const prior: Target[] = [
    { type: REVISION, revision: "a", percent: 70 },
    { type: REVISION, revision: "b", percent: 30 },
    { type: REVISION, revision: "old", percent: 0, tag: "debug" },
    { type: REVISION, revision: "c", percent: 0, tag: "canary" },
  ];
  const stable = [
    { revision: "a", percent: 70 },
    { revision: "b", percent: 30 },
  ];
  it("gives the canary its step and shares the rest as before, tags kept", () => {
    expect(stepTraffic(prior, stable, "c", "canary", 25)).toEqual([
      { type: REVISION, revision: "a", percent: 53 },
      { type: REVISION, revision: "b", percent: 22 },
      { type: REVISION, revision: "old", percent: 0, tag: "debug" },
      { type: REVISION, revision: "c", percent: 25, tag: "canary" },
    ]);
  });
  it("aborts to exactly the prior traffic, the canary keeping its tag", () => {
    expect(abortTraffic(prior, "c", "canary")).toEqual(prior);
    const untagged = prior.slice(0, 3);
    expect(abortTraffic(untagged, "c", "canary")).toEqual([
      ...untagged,
      { type: REVISION, revision: "c", percent: 0, tag: "canary" },
    ]);
  });
  it("promotes to LATEST when the canary is the newest ready revision", () => {
    expect(promoteTraffic(prior, "c", "canary", true)).toEqual([
      { type: LATEST, percent: 100 },
      { type: REVISION, revision: "old", percent: 0, tag: "debug" },
      { type: REVISION, revision: "c", percent: 0, tag: "canary" },
    ]);
    expect(promoteTraffic(prior, "c", "canary", false)[0]).toEqual({ type: REVISION, revision: "c", percent: 100 });
  });
  it("compares splits whatever their order", () => {
    expect(sameTraffic(prior, [...prior].reverse())).toBe(true);
    expect(sameTraffic(prior, prior.slice(1))).toBe(false);
  });
});

describe("plan fields", () => {
  const valid = {
    steps: "5, 25, 50, 100",
    stepSeconds: "300",
    checkSeconds: "60",
    maxErrorPercent: "1",
    errorMarginPoints: "1",
    latencyFactor: "1.25",
    latencyFloorMs: "500",
    failuresToAbort: "2",
    minRequests: "100",
  };
  it("parses the defaults from a form", () => {
    expect(PlanFields.parse(valid)).toEqual(DEFAULT_PLAN);
  });
  it.each([
    ["steps", "5, 25, 50", "The last step must be 100 %: reaching it is the promotion."],
    ["steps", "25, 5, 100", "Each step must send more traffic than the one before."],
    ["steps", "five", "Give whole percents separated by commas, e.g. 5, 25, 50, 100."],
    ["stepSeconds", "1", "Enter a number of seconds from 2 to 86400."],
    ["latencyFactor", "0.5", "Enter a factor from 1 to 10."],
    ["maxErrorPercent", "abc", "A number like 1.5: enter a percent from 0 to 100."],
    ["failuresToAbort", "0", "Enter a number of checks from 1 to 10."],
  ])("refuses %s = %s", (field, value, message) => {
    const r = PlanFields.safeParse({ ...valid, [field]: value });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([[field, message]]);
  });
  it("needs a minute per step and per check on Google Cloud, and a check within the step", () => {
    expect(planProblems({ ...DEFAULT_PLAN, stepSeconds: 10, checkSeconds: 20 }, true)).toEqual({
      stepSeconds: ["Cloud Monitoring keeps one point a minute: at least 60 s on Google Cloud."],
      checkSeconds: [
        "Check at least once per step: no more than the step duration.",
        "Cloud Monitoring keeps one point a minute: at least 60 s on Google Cloud.",
      ],
    });
    expect(planProblems({ ...DEFAULT_PLAN, stepSeconds: 10, checkSeconds: 2 }, false)).toEqual({});
  });
});
