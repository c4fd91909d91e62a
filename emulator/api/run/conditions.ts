// Condition sets for services and revisions in each reconciliation state, with
// the messages Cloud Run uses (google-apis.md §1.6).
import type { DeployFailureReason } from "../../runtime/types";
import { toTimestamp } from "./names";
import type { Condition, ConditionState } from "./types";

function cond(type: string, state: ConditionState, now: Date, extra: Partial<Condition> = {}): Condition {
  return { type, state, lastTransitionTime: toTimestamp(now), ...extra };
}

export const serviceReconciling = (now: Date) => ({
  terminalCondition: cond("Ready", "CONDITION_RECONCILING", now),
  conditions: [
    cond("RoutesReady", "CONDITION_RECONCILING", now),
    cond("ConfigurationsReady", "CONDITION_RECONCILING", now),
  ],
});

export const serviceReady = (now: Date) => ({
  terminalCondition: cond("Ready", "CONDITION_SUCCEEDED", now),
  conditions: [
    cond("RoutesReady", "CONDITION_SUCCEEDED", now),
    cond("ConfigurationsReady", "CONDITION_SUCCEEDED", now),
  ],
});

export const serviceFailed = (now: Date, message: string, routesOk: boolean) => ({
  terminalCondition: cond("Ready", "CONDITION_FAILED", now, { message, severity: "ERROR", reason: "REVISION_FAILED" }),
  conditions: [
    routesOk
      ? cond("RoutesReady", "CONDITION_SUCCEEDED", now)
      : cond("RoutesReady", "CONDITION_FAILED", now, { message, severity: "ERROR" }),
    cond("ConfigurationsReady", "CONDITION_FAILED", now, { message, severity: "ERROR", reason: "REVISION_FAILED" }),
  ],
});

export const revisionPending = (now: Date): Condition[] => [
  cond("Ready", "CONDITION_RECONCILING", now),
  cond("ContainerHealthy", "CONDITION_PENDING", now),
  cond("ResourcesAvailable", "CONDITION_RECONCILING", now),
];

export const revisionReady = (now: Date): Condition[] => [
  cond("Ready", "CONDITION_SUCCEEDED", now),
  cond("ContainerHealthy", "CONDITION_SUCCEEDED", now),
  cond("ResourcesAvailable", "CONDITION_SUCCEEDED", now),
];

/** Google's wording for a revision that did not become ready. */
export function failureMessage(
  revision: string,
  reason: DeployFailureReason,
  detail: string,
  port: number,
  customProbe: boolean,
): string {
  const head = `Revision '${revision}' is not ready and cannot serve traffic.`;
  if (reason === "CONTAINER_MISSING") return `${head} ${detail}`;
  if (reason === "SECRETS_ACCESS_CHECK_FAILED") return `${head} ${detail}`;
  if (customProbe)
    return `${head} The user-provided container failed the configured startup probe checks (${detail}). Logs for this revision might contain more information.`;
  return (
    `${head} The user-provided container failed to start and listen on the port defined provided by the PORT=${port} ` +
    `environment variable within the allocated timeout (${detail}). This can happen when the container port is misconfigured ` +
    "or if the timeout is too short. The health check timeout can be extended. Logs for this revision might contain more information."
  );
}

export function revisionFailed(now: Date, reason: DeployFailureReason, message: string): Condition[] {
  const error = { message, severity: "ERROR" as const };
  if (reason === "HEALTH_CHECK_CONTAINER_ERROR") {
    return [
      cond("Ready", "CONDITION_FAILED", now, { ...error, reason: "REVISION_FAILED" }),
      cond("ContainerHealthy", "CONDITION_FAILED", now, { ...error, revisionReason: "HEALTH_CHECK_CONTAINER_ERROR" }),
      cond("ResourcesAvailable", "CONDITION_SUCCEEDED", now),
    ];
  }
  return [
    cond("Ready", "CONDITION_FAILED", now, { ...error, reason }),
    cond("ContainerHealthy", "CONDITION_PENDING", now),
    cond("ResourcesAvailable", "CONDITION_FAILED", now, { ...error, reason }),
  ];
}

export const readyState = (conditions: Condition[] | undefined): ConditionState | undefined =>
  conditions?.find((c) => c.type === "Ready")?.state;
