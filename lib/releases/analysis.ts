// The canary verdict, pure: one check compares the canary with the stable
// revision over the step so far; the step decision says whether to wait,
// move on, hold for a person or abort. No I/O: the follower feeds it what
// Monitoring said and acts on the answer (docs/decisions/0009).
import { LOW_TRAFFIC_WAIT_FACTOR, type ReleasePlan } from "./plan";

export type RevisionStats = { requests: number; errors: number; p99Ms: number | null };
export type Verdict = "pass" | "fail" | "no-data";
export type CheckResult = {
  verdict: Verdict;
  reasons: string[];
  text: string;
  canaryErrorPercent: number | null;
  stableErrorPercent: number | null;
};

const MINUTE_MS = 60_000;

export const errorPercent = (s: RevisionStats): number | null =>
  s.requests > 0 ? (100 * s.errors) / s.requests : null;
const pct = (n: number) => `${n.toFixed(1)} %`;
const ms = (n: number) => `${Math.round(n)} ms`;

/**
 * The moment up to which Monitoring's data is complete. Google writes Cloud
 * Run's points up to ~3 minutes late, so only whole minutes older than the
 * lag count. With no lag (the emulator flushes every request it served when
 * it is asked), everything up to now counts.
 */
export function dataUpTo(now: Date, lagMs: number): Date {
  if (lagMs <= 0) return now;
  return new Date(Math.floor((now.getTime() - lagMs) / MINUTE_MS) * MINUTE_MS);
}

/**
 * One check: fails on errors or latency, "no data" without canary requests
 * (never a failed check). Latency is judged once the canary has the plan's
 * minimum of requests in the step; a 5xx share at any count.
 */
export function judgeCheck(canary: RevisionStats, stable: RevisionStats, plan: ReleasePlan): CheckResult {
  const canaryErrors = errorPercent(canary);
  const stableErrors = errorPercent(stable) ?? 0;
  if (canaryErrors === null)
    return {
      verdict: "no-data",
      reasons: [],
      text: "No canary requests yet: nothing to judge.",
      canaryErrorPercent: null,
      stableErrorPercent: errorPercent(stable),
    };
  const reasons: string[] = [];
  const passes: string[] = [];
  const errorLimit = stableErrors + plan.errorMarginPoints;
  if (canaryErrors > plan.maxErrorPercent && canaryErrors > errorLimit) {
    reasons.push(
      `5xx ${pct(canaryErrors)} > ${pct(plan.maxErrorPercent)} and > stable ${pct(stableErrors)} + ${plan.errorMarginPoints} pt`,
    );
  } else {
    passes.push(
      `5xx ${pct(canaryErrors)} ≤ ${canaryErrors > plan.maxErrorPercent ? `stable ${pct(stableErrors)} + ${plan.errorMarginPoints} pt` : pct(plan.maxErrorPercent)}`,
    );
  }
  // A p99 of fewer requests than the plan's minimum is the canary's slowest request (one cold start): not judged yet.
  if (canary.p99Ms !== null && canary.requests >= plan.minRequests) {
    const relative = stable.p99Ms !== null ? plan.latencyFactor * stable.p99Ms : null;
    const overFloor = canary.p99Ms > plan.latencyFloorMs;
    const overStable = relative === null || canary.p99Ms > relative;
    if (overFloor && overStable) {
      reasons.push(
        `p99 ${ms(canary.p99Ms)} > ${ms(plan.latencyFloorMs)}${relative !== null ? ` and > ${plan.latencyFactor} × stable ${ms(stable.p99Ms!)}` : " (no stable p99 to compare)"}`,
      );
    } else {
      passes.push(
        `p99 ${ms(canary.p99Ms)} ≤ ${!overFloor ? ms(plan.latencyFloorMs) : `${plan.latencyFactor} × stable ${ms(stable.p99Ms!)}`}`,
      );
    }
  }
  const failed = reasons.length > 0;
  return {
    verdict: failed ? "fail" : "pass",
    reasons,
    text: failed ? reasons.join("; ") : passes.join("; "),
    canaryErrorPercent: canaryErrors,
    stableErrorPercent: errorPercent(stable),
  };
}

export type StepState = {
  stepIndex: number;
  stepStartedAt: Date;
  /** Data complete up to here (dataUpTo). */
  seenUpTo: Date;
  /** Canary requests in the step so far, from the latest check. */
  canaryRequests: number;
  failedInRow: number;
  /** The latest judged check of this step passed. */
  lastVerdict: Verdict | null;
};

export type StepDecision =
  | { action: "wait"; reason: string }
  | { action: "next"; toPercent: number; reason: string }
  | { action: "promote"; reason: string }
  | { action: "hold"; reason: string }
  | { action: "abort"; reason: string };

/** What to do after the latest check: the step ends only once its whole window has been seen. */
export function decideStep(plan: ReleasePlan, s: StepState): StepDecision {
  if (s.failedInRow >= plan.failuresToAbort)
    return {
      action: "abort",
      reason: `${s.failedInRow} failed checks in a row (the plan aborts at ${plan.failuresToAbort})`,
    };
  const stepMs = plan.stepSeconds * 1000;
  const seenMs = s.seenUpTo.getTime() - s.stepStartedAt.getTime();
  if (seenMs < stepMs) return { action: "wait", reason: "the step's window is not complete yet" };
  if (s.lastVerdict === "fail") return { action: "wait", reason: "the latest check failed; waiting for the next one" };
  const lowTraffic = s.canaryRequests < plan.minRequests;
  if (lowTraffic && seenMs < LOW_TRAFFIC_WAIT_FACTOR * stepMs) {
    return {
      action: "wait",
      reason: `only ${s.canaryRequests} of ${plan.minRequests} canary requests; waiting up to ${LOW_TRAFFIC_WAIT_FACTOR} × the step for more`,
    };
  }
  if (lowTraffic && !plan.promoteOnLowTraffic) {
    return {
      action: "hold",
      reason: `Inconclusive: only ${s.canaryRequests} of the ${plan.minRequests} canary requests the plan needs after ${LOW_TRAFFIC_WAIT_FACTOR} × the step. Promote or abort.`,
    };
  }
  const why = lowTraffic
    ? `only ${s.canaryRequests} of ${plan.minRequests} requests, and the plan promotes on low traffic`
    : `${s.canaryRequests} canary requests, checks passed`;
  const next = plan.steps[s.stepIndex + 1];
  if (next === undefined || next >= 100) return { action: "promote", reason: why };
  return { action: "next", toPercent: next, reason: why };
}

/** Retry delay after `attempt` Google errors in a row: 1, 2, 4 … up to 60 s. */
export function retryDelayMs(attempt: number): number {
  return Math.min(60_000, 1000 * 2 ** Math.max(0, attempt - 1));
}
