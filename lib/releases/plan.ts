// A service's release plan: the steps, how long each lasts, how often it is
// checked and what fails a check. Defaults follow the tools people compare us
// with (Cloud Deploy, Flagger, Argo Rollouts); every value is bounded, and a
// bad value is a field error that saves nothing. Pure: forms and the
// follower read the same schema.
import { z } from "zod";
import { wholeNumber } from "../whole-number";

export type ReleasePlan = {
  /** Canary percent per step, ascending, the last one 100 (reaching it is the promotion). */
  steps: number[];
  stepSeconds: number;
  checkSeconds: number;
  /** The canary fails when its 5xx share is above this… */
  maxErrorPercent: number;
  /** …and above the stable revision's share plus these points. */
  errorMarginPoints: number;
  /** Or when its p99 is above this factor × the stable p99… */
  latencyFactor: number;
  /** …and above this many milliseconds. */
  latencyFloorMs: number;
  /** Failed checks in a row that abort the release. */
  failuresToAbort: number;
  /** Canary requests a step needs before it may pass. */
  minRequests: number;
  /** Let a step with too little traffic pass after its waiting time (off: it holds for a person). */
  promoteOnLowTraffic: boolean;
  /** Snooze the notifications of the service's alert policies while the release runs (release-snooze.ts). */
  snoozeAlerts: boolean;
};

export const DEFAULT_PLAN: ReleasePlan = {
  steps: [5, 25, 50, 100],
  stepSeconds: 300,
  checkSeconds: 60,
  maxErrorPercent: 1,
  errorMarginPoints: 1,
  latencyFactor: 1.25,
  latencyFloorMs: 500,
  failuresToAbort: 2,
  minRequests: 100,
  promoteOnLowTraffic: false,
  snoozeAlerts: false,
};

/** Cloud Monitoring keeps one point a minute: on Google, shorter steps or checks would judge nothing new. */
export const GOOGLE_MIN_SECONDS = 60;
/** A step waits this many times its duration for enough traffic before it holds. */
export const LOW_TRAFFIC_WAIT_FACTOR = 3;

/** Google's limit of alert policies per snooze (snooze.proto, Criteria.policies). */
export const MAX_SNOOZE_POLICIES = 16;
/** A release's snooze lasts at least long enough to deploy a canary, and never more than a day. */
export const SNOOZE_MIN_SECONDS = 600;
export const SNOOZE_MAX_SECONDS = 86_400;

/** The longest a release of this plan can run by itself: every step waiting its longest for traffic, bounded. */
export function snoozeSeconds(plan: Pick<ReleasePlan, "steps" | "stepSeconds">): number {
  return Math.min(
    SNOOZE_MAX_SECONDS,
    Math.max(SNOOZE_MIN_SECONDS, plan.steps.length * plan.stepSeconds * LOW_TRAFFIC_WAIT_FACTOR),
  );
}

function decimal({ min, max, what }: { min: number; max: number; what: string }) {
  const range = `Enter ${what} from ${min} to ${max}.`;
  return z.unknown().transform((v, ctx): number => {
    const n =
      typeof v === "number" ? v : typeof v === "string" && /^\s*\d{1,9}(\.\d{1,4})?\s*$/.test(v) ? Number(v) : NaN;
    if (Number.isNaN(n))
      ctx.addIssue({
        code: "custom",
        message:
          typeof v === "string" && v.trim() === ""
            ? `Enter ${what}.`
            : `A number like 1.5: ${range[0].toLowerCase()}${range.slice(1)}`,
      });
    else if (n < min || n > max) ctx.addIssue({ code: "custom", message: range });
    else return n;
    return z.NEVER;
  });
}

const steps = z.unknown().transform((v, ctx): number[] => {
  const parts = Array.isArray(v) ? v.map(String) : typeof v === "string" ? v.split(/[\s,→>]+/).filter(Boolean) : null;
  const nums = parts?.map((p) => (/^\d{1,3}$/.test(p.replace(/%$/, "")) ? Number(p.replace(/%$/, "")) : NaN));
  if (!nums || nums.some(Number.isNaN)) {
    ctx.addIssue({ code: "custom", message: "Give whole percents separated by commas, e.g. 5, 25, 50, 100." });
    return z.NEVER;
  }
  if (nums.length < 2 || nums.length > 10) ctx.addIssue({ code: "custom", message: "Give from 2 to 10 steps." });
  else if (nums[0] < 1) ctx.addIssue({ code: "custom", message: "The first step needs at least 1 %." });
  else if (nums.some((n, i) => i > 0 && n <= nums[i - 1]))
    ctx.addIssue({ code: "custom", message: "Each step must send more traffic than the one before." });
  else if (nums[nums.length - 1] !== 100)
    ctx.addIssue({ code: "custom", message: "The last step must be 100 %: reaching it is the promotion." });
  else return nums;
  return z.NEVER;
});

const flag = z.preprocess((v) => v === true || v === "on" || v === "true", z.boolean());

export const PlanFields = z.object({
  steps,
  stepSeconds: wholeNumber({ min: 2, max: 86_400, what: "a number of seconds" }),
  checkSeconds: wholeNumber({ min: 1, max: 3_600, what: "a number of seconds" }),
  maxErrorPercent: decimal({ min: 0, max: 100, what: "a percent" }),
  errorMarginPoints: decimal({ min: 0, max: 100, what: "a number of points" }),
  latencyFactor: decimal({ min: 1, max: 10, what: "a factor" }),
  latencyFloorMs: wholeNumber({ min: 0, max: 600_000, what: "a number of milliseconds" }),
  failuresToAbort: wholeNumber({ min: 1, max: 10, what: "a number of checks" }),
  minRequests: wholeNumber({ min: 0, max: 1_000_000, what: "a number of requests" }),
  promoteOnLowTraffic: flag.default(false),
  snoozeAlerts: flag.default(false),
});

/** The plan's own rules between fields, applied wherever a plan is accepted. */
export function planProblems(plan: ReleasePlan, onGoogle: boolean): Record<string, string[]> {
  const problems: Record<string, string[]> = {};
  if (plan.checkSeconds > plan.stepSeconds)
    problems.checkSeconds = ["Check at least once per step: no more than the step duration."];
  if (onGoogle) {
    const why = `Cloud Monitoring keeps one point a minute: at least ${GOOGLE_MIN_SECONDS} s on Google Cloud.`;
    if (plan.stepSeconds < GOOGLE_MIN_SECONDS) problems.stepSeconds = [why];
    if (plan.checkSeconds < GOOGLE_MIN_SECONDS) problems.checkSeconds = [...(problems.checkSeconds ?? []), why];
  }
  return problems;
}

/** A stored plan, or the defaults when none was saved (or it no longer parses). */
export function planOrDefault(stored: unknown): ReleasePlan {
  const parsed = PlanFields.safeParse(stored);
  return parsed.success ? parsed.data : DEFAULT_PLAN;
}

/** "5 → 25 → 50 → 100 %" */
export const describeSteps = (plan: Pick<ReleasePlan, "steps">) => `${plan.steps.join(" → ")} %`;
