// The one way a new revision's template is made from what runs now: the
// settings kept, the portal's own and Cloud Run's system annotations dropped
// (the v2 API refuses the latter), who and why stamped, a name one past the
// newest revision. Deploys change the first container and the scaling;
// rotations copy a serving revision and move its secret refs.
import { randomBytes } from "node:crypto";
import type { protos } from "@google-cloud/run";
import { ANNOTATIONS } from "../model";

type Template = protos.google.cloud.run.v2.IRevisionTemplate;
type Revision = protos.google.cloud.run.v2.IRevision;
type Container = protos.google.cloud.run.v2.IContainer;

const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
const SYSTEM_ANNOTATION = /^([a-z0-9.-]+\.)?(run|serving\.knative|autoscaling\.knative|cloud)\.(googleapis\.com|dev)\//;

/** `{service}-{NNNNN}-{abc}`, one past the newest revision's number. */
export function nextRevisionName(service: string, latestCreated: string): string {
  const n = Number(/-(\d{5})-[a-z0-9]{3}$/.exec(latestCreated)?.[1] ?? 0) + 1;
  const suffix = Array.from(randomBytes(3), (b) => "abcdefghijklmnopqrstuvwxyz0123456789"[b % 36]).join("");
  return `${service}-${String(n).padStart(5, "0")}-${suffix}`;
}

/** A revision's settings as a template (labels Cloud Run set itself left out). */
export function templateOfRevision(revision: Revision): Template {
  return {
    labels: Object.fromEntries(Object.entries(revision.labels ?? {}).filter(([k]) => LABEL_KEY.test(k))),
    annotations: revision.annotations ?? {},
    scaling: revision.scaling,
    vpcAccess: revision.vpcAccess,
    timeout: revision.timeout,
    serviceAccount: revision.serviceAccount,
    containers: revision.containers ?? [],
    volumes: revision.volumes,
    executionEnvironment: revision.executionEnvironment,
    encryptionKey: revision.encryptionKey,
    maxInstanceRequestConcurrency: revision.maxInstanceRequestConcurrency,
    sessionAffinity: revision.sessionAffinity,
    nodeSelector: revision.nodeSelector,
  };
}

export type TemplateChange = {
  /** The new revision's name (nextRevisionName). */
  revision: string;
  /** Who made it and why, stamped as annotations Google's own tools show too. */
  actor: string;
  changeRef?: string;
  changeUrl?: string;
  /** Settings that replace the base's (scaling, concurrency, timeout…). */
  settings?: Omit<Template, "revision" | "annotations" | "containers">;
  /** The new containers from the base's. */
  containers?: (containers: Container[]) => Container[];
};

/** The template of a new revision derived from `base` (a service's template, or templateOfRevision). */
export function deriveTemplate(base: Template, change: TemplateChange): Template {
  const annotations = Object.fromEntries(
    Object.entries(base.annotations ?? {}).filter(([k]) => !k.startsWith("runway.dev/") && !SYSTEM_ANNOTATION.test(k)),
  );
  annotations[ANNOTATIONS.deployedBy] = change.actor;
  if (change.changeRef) annotations[ANNOTATIONS.changeRef] = change.changeRef;
  if (change.changeUrl) annotations[ANNOTATIONS.changeUrl] = change.changeUrl;
  const containers = base.containers ?? [];
  return {
    ...base,
    revision: change.revision,
    annotations,
    ...change.settings,
    containers: change.containers ? change.containers(containers) : containers,
  };
}
