// The progress a person sees for an operation, step by step.

export type StepState = "pending" | "active" | "done" | "failed";
export type Step = { key: string; label: string; state: StepState; at?: string; detail?: string };

export const STEP_PLANS = {
  deploy: [
    { key: "created", label: "Revision created" },
    { key: "started", label: "Container started" },
    { key: "ready", label: "Revision ready" },
    { key: "routed", label: "Traffic routed" },
  ],
  traffic: [
    { key: "submitted", label: "Change submitted" },
    { key: "routed", label: "Traffic routed" },
  ],
  backup: [
    { key: "backup", label: "Backing up" },
    { key: "done", label: "Done" },
  ],
  restore: [
    { key: "backup", label: "Backing up the target" },
    { key: "restore", label: "Restoring" },
    { key: "done", label: "Done" },
  ],
  // Replaced by the secret's own steps once the new version is added (lib/secrets/rotate/plan.ts).
  rotate: [
    { key: "added", label: "Add the new version" },
    { key: "readers", label: "Redeploy the services that read it" },
    { key: "disable", label: "Disable the previous version" },
  ],
} as const;

export type OperationKind = "deploy" | "traffic" | "rollback" | "backup" | "restore" | "rotate";

export function initialSteps(kind: OperationKind): Step[] {
  const plan: readonly { key: string; label: string }[] = kind === "rollback" ? STEP_PLANS.traffic : STEP_PLANS[kind];
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
  return steps.map((s, j) => (j === i ? { ...s, state: "failed", at: now.toISOString(), detail } : j > i && i >= 0 ? { ...s, state: "pending" } : s));
}
