// The progress a person sees for an operation, step by step. Each capability
// declares its own step plans (e.g. lib/services/steps.ts); these helpers move
// any plan forward.

export type StepState = "pending" | "active" | "done" | "failed";
export type Step = { key: string; label: string; state: StepState; at?: string; detail?: string };
export type StepPlan = readonly { key: string; label: string }[];

/** A plan's steps before anything happened: the first one active. */
export function initialSteps(plan: StepPlan): Step[] {
  return plan.map((s, i) => ({ ...s, state: i === 0 ? "active" : "pending" }));
}

/** Marks `key` and every step before it done (keeps their first times). */
export function advance(steps: Step[], key: string, now = new Date()): Step[] {
  const upto = steps.findIndex((s) => s.key === key);
  return steps.map((s, i) => {
    if (i <= upto) return s.state === "done" ? s : { ...s, state: "done", at: now.toISOString() };
    if (i === upto + 1 && s.state === "pending") return { ...s, state: "active" };
    return s;
  });
}

/** Marks the first unfinished step failed with a reason. */
export function fail(steps: Step[], detail: string, now = new Date()): Step[] {
  const i = steps.findIndex((s) => s.state !== "done");
  return steps.map((s, j) =>
    j === i
      ? { ...s, state: "failed", at: now.toISOString(), detail }
      : j > i && i >= 0
        ? { ...s, state: "pending" }
        : s,
  );
}
