// What a rotation has done and has left to do, kept in the operation row's
// `before` column so that any portal instance can carry it on after a
// restart. Never holds a secret value: values are read from Secret Manager
// at the moment they are needed.
import type { TrafficEntry } from "../../services/model";
import { initialSteps, type Step, type StepPlan } from "../../operations";

export type Replacement = {
  /** The serving revision re-created, and its share. */
  from: string;
  percent: number;
  /** The new revision's name, chosen before it is sent. */
  to: string;
  /** Tag-only route that reaches the new revision before it takes traffic. */
  tag: string;
  state: "pending" | "deploying" | "checking" | "ready";
  sentAt?: string;
  uri?: string;
  ok: number;
  bad: number;
  last?: string;
};

export type ReaderPlan = {
  service: string;
  id: string;
  checkPath: string;
  state: "pending" | "deploying" | "routed" | "skipped" | "restored";
  /** Routing as it was before the first change (LATEST resolved). */
  before?: TrafficEntry[];
  replacements?: Replacement[];
  note?: string;
};

export type Rollback = {
  reason: string;
  sqlRestored: boolean;
  valueRestored: string | null;
  newDisabled: boolean;
  notes: string[];
};

export type RotationPlan = {
  project: string;
  secret: string;
  /** The version `latest` resolved to before: the one disabled at the end. */
  previousVersion: string | null;
  newVersion: string;
  sql: { instance: string; user: string; done: boolean } | null;
  readers: ReaderPlan[];
  disabled: boolean;
  rollback: Rollback | null;
};

export const secretName = (r: { project: string; secret: string }) => `projects/${r.project}/secrets/${r.secret}`;
export const versionName = (r: { project: string; secret: string }, version: string) =>
  `${secretName(r)}/versions/${version}`;

/** The steps before the plan is known; replaced by rotationSteps once the version is added. */
export const ROTATION_START_STEPS: StepPlan = [
  { key: "added", label: "Add the new version" },
  { key: "readers", label: "Redeploy the services that read it" },
  { key: "disable", label: "Disable the previous version" },
];

/** The steps a person follows: one per thing the rotation changes. */
export function rotationSteps(
  plan: Pick<RotationPlan, "newVersion" | "previousVersion" | "sql" | "readers" | "secret">,
): Step[] {
  return initialSteps([
    { key: "added", label: `Add ${plan.secret} v${plan.newVersion}` },
    ...(plan.sql ? [{ key: "sql", label: `Set password of ${plan.sql.user} on ${plan.sql.instance}` }] : []),
    ...plan.readers.map((r) => ({ key: `reader:${r.service}`, label: `Redeploy ${r.id}` })),
    { key: "disable", label: plan.previousVersion ? `Disable v${plan.previousVersion}` : "Nothing to disable" },
  ]);
}

export function withDetail(steps: Step[], key: string, detail: string): Step[] {
  return steps.map((s) => (s.key === key ? { ...s, detail } : s));
}
