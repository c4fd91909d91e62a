// The steps a person follows for a release, as operation steps: the canary
// deploy when the release made it, then one per traffic step.
import type { StepPlan } from "../operations";
import type { ReleasePlan } from "./plan";

export const stepKey = (i: number) => `step-${i}`;

export function releaseSteps(plan: ReleasePlan, deploys: boolean): StepPlan {
  return [
    ...(deploys ? [{ key: "deployed", label: "Canary revision ready" }] : []),
    ...plan.steps.map((p, i) => ({ key: stepKey(i), label: p === 100 ? "100 % (promoted)" : `${p} %` })),
  ];
}
