// The steps a person follows for a service write.
import type { StepPlan } from "../operations";

export const SERVICE_STEPS = {
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
} as const satisfies Record<string, StepPlan>;

export type ServiceOperationKind = keyof typeof SERVICE_STEPS;
