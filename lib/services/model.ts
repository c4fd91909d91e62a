// The portal's view of Cloud Run services and revisions, mapped from what the
// official client returns (camelCase, int64 as strings, enums as names,
// Timestamps as {seconds, nanos}).
import type { protos } from "@google-cloud/run";
import { parseServiceName, shortName } from "./names";
import { readyCondition } from "./write/readiness";

type Service = protos.google.cloud.run.v2.IService;
type Revision = protos.google.cloud.run.v2.IRevision;
type Timestamp = protos.google.protobuf.ITimestamp | null | undefined;

export const ANNOTATIONS = {
  deployedBy: "runway.dev/deployed-by",
  changeRef: "runway.dev/change-ref",
  changeUrl: "runway.dev/change-url",
  trafficChangedAt: "runway.dev/traffic-changed-at",
} as const;

export type Status = "ready" | "failed" | "reconciling" | "unknown";

export type TrafficEntry = {
  /** Short revision name; for a LATEST entry, the revision it resolves to. */
  revision: string;
  percent: number;
  tag: string | null;
  uri: string | null;
  latest: boolean;
};

export type EnvVar = { name: string; value: string } | { name: string; secret: string; version: string };

export type Probe = {
  kind: "startup" | "liveness";
  type: "http" | "tcp" | "grpc";
  path: string | null;
  port: number | null;
  periodSeconds: number;
  failureThreshold: number;
  timeoutSeconds: number;
};

export type ContainerConfig = {
  image: string;
  /** cpu_idle: CPU only while serving (request-based billing) or always (instance-based). */
  billing: "request" | "instance";
  imageTag: string;
  cpu: string;
  memory: string;
  env: EnvVar[];
  port: number | null;
  probes: Probe[];
};

export type RevisionView = ContainerConfig & {
  name: string;
  fullName: string;
  createdAt: Date | null;
  deployedBy: string | null;
  changeRef: string | null;
  changeUrl: string | null;
  status: Status;
  statusMessage: string | null;
  minInstances: number;
  maxInstances: number;
  concurrency: number;
  timeoutSeconds: number;
  serviceAccount: string;
  executionEnvironment: string;
  percent: number;
  tags: string[];
};

export type ServiceView = {
  name: string;
  id: string;
  project: string;
  region: string;
  uri: string | null;
  status: Status;
  statusMessage: string | null;
  generation: number;
  etag: string;
  /** Routing in effect (traffic_statuses). */
  traffic: TrafficEntry[];
  latestReadyRevision: string;
  latestCreatedRevision: string;
  image: string;
  imageTag: string;
  template: ContainerConfig & {
    minInstances: number;
    maxInstances: number;
    concurrency: number;
    timeoutSeconds: number;
    serviceAccount: string;
  };
  lastDeployedBy: string | null;
  lastDeployedAt: Date | null;
  updatedAt: Date | null;
  /** When traffic last moved off "100% to latest", if it has. */
  splitSince: Date | null;
};

export function toDate(ts: Timestamp): Date | null {
  if (!ts || ts.seconds == null) return null;
  const ms = Number(ts.seconds) * 1000 + Math.floor(Number(ts.nanos ?? 0) / 1e6);
  return ms > 0 ? new Date(ms) : null;
}

const durationSeconds = (d: protos.google.protobuf.IDuration | null | undefined) => Number(d?.seconds ?? 0);

export function imageTag(image: string): string {
  const at = image.indexOf("@");
  if (at >= 0) return image.slice(at + 1, at + 20);
  const slash = image.lastIndexOf("/");
  const colon = image.lastIndexOf(":");
  return colon > slash ? image.slice(colon + 1) : "latest";
}

function statusOf(
  condition: protos.google.cloud.run.v2.ICondition | null | undefined,
  reconciling?: boolean | null,
): { status: Status; message: string | null } {
  const state = String(condition?.state ?? "");
  if (reconciling || state === "CONDITION_RECONCILING" || state === "CONDITION_PENDING")
    return { status: "reconciling", message: condition?.message || null };
  if (state === "CONDITION_SUCCEEDED") return { status: "ready", message: null };
  if (state === "CONDITION_FAILED") {
    // Unset enums arrive as their zero name, e.g. COMMON_REASON_UNDEFINED.
    const reason = [condition?.revisionReason, condition?.reason, condition?.executionReason]
      .map((r) => (r == null ? "" : String(r)))
      .find((r) => r && r !== "0" && !r.endsWith("_UNDEFINED"));
    const parts = [reason, condition?.message].filter(Boolean);
    return { status: "failed", message: parts.join(": ") || "failed" };
  }
  return { status: "unknown", message: condition?.message || null };
}

function containerConfig(containers: protos.google.cloud.run.v2.IContainer[] | null | undefined): ContainerConfig {
  const c = containers?.[0] ?? {};
  const image = c.image ?? "";
  const probes: Probe[] = [];
  for (const [kind, p] of [
    ["startup", c.startupProbe],
    ["liveness", c.livenessProbe],
  ] as const) {
    if (!p) continue;
    const type = p.httpGet ? "http" : p.grpc ? "grpc" : "tcp";
    probes.push({
      kind,
      type,
      path: p.httpGet?.path || null,
      port: Number(p.httpGet?.port || p.tcpSocket?.port || p.grpc?.port || 0) || null,
      periodSeconds: Number(p.periodSeconds ?? 0),
      failureThreshold: Number(p.failureThreshold ?? 0),
      timeoutSeconds: Number(p.timeoutSeconds ?? 0),
    });
  }
  return {
    image,
    billing: c.resources?.cpuIdle ? "request" : "instance",
    imageTag: imageTag(image),
    cpu: c.resources?.limits?.cpu ?? "1000m",
    memory: c.resources?.limits?.memory ?? "512Mi",
    env: (c.env ?? []).map((e) =>
      e.valueSource?.secretKeyRef
        ? {
            name: e.name ?? "",
            secret: shortName(e.valueSource.secretKeyRef.secret ?? ""),
            version: e.valueSource.secretKeyRef.version || "latest",
          }
        : { name: e.name ?? "", value: e.value ?? "" },
    ),
    port: Number(c.ports?.[0]?.containerPort ?? 0) || null,
    probes,
  };
}

function trafficOf(s: Service): TrafficEntry[] {
  const latest = shortName(s.latestReadyRevision);
  return (s.trafficStatuses ?? [])
    .map((t) => {
      const isLatest = String(t.type) === "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST";
      return {
        revision: isLatest ? t.revision || latest : (t.revision ?? ""),
        percent: Number(t.percent ?? 0),
        tag: t.tag || null,
        uri: t.uri || null,
        latest: isLatest,
      };
    })
    .sort((a, b) => b.percent - a.percent);
}

/** True when all traffic goes to the latest ready revision. */
export function isAllToLatest(traffic: TrafficEntry[]): boolean {
  return traffic.filter((t) => t.percent > 0).every((t) => t.latest && t.percent === 100);
}

export function toServiceView(s: Service): ServiceView {
  const ref = parseServiceName(s.name ?? "") ?? { project: "", region: "", service: shortName(s.name) };
  const { status, message } = statusOf(s.terminalCondition, s.reconciling);
  const template = containerConfig(s.template?.containers);
  const traffic = trafficOf(s);
  const annotations = s.annotations ?? {};
  const templateAnnotations = s.template?.annotations ?? {};
  const updatedAt = toDate(s.updateTime);
  return {
    name: s.name ?? "",
    id: ref.service,
    project: ref.project,
    region: ref.region,
    uri: s.uri || null,
    status,
    statusMessage: message,
    generation: Number(s.generation ?? 0),
    etag: s.etag ?? "",
    traffic,
    latestReadyRevision: shortName(s.latestReadyRevision),
    latestCreatedRevision: shortName(s.latestCreatedRevision),
    image: template.image,
    imageTag: template.imageTag,
    template: {
      ...template,
      minInstances: Number(s.template?.scaling?.minInstanceCount ?? 0),
      maxInstances: Number(s.template?.scaling?.maxInstanceCount ?? 0),
      concurrency: Number(s.template?.maxInstanceRequestConcurrency ?? 0),
      timeoutSeconds: durationSeconds(s.template?.timeout),
      serviceAccount: s.template?.serviceAccount ?? "",
    },
    lastDeployedBy: templateAnnotations[ANNOTATIONS.deployedBy] || s.lastModifier || s.creator || null,
    lastDeployedAt: toDate(s.updateTime),
    updatedAt,
    splitSince: isAllToLatest(traffic)
      ? null
      : annotations[ANNOTATIONS.trafficChangedAt]
        ? new Date(annotations[ANNOTATIONS.trafficChangedAt])
        : updatedAt,
  };
}

export function toRevisionView(r: Revision, traffic: TrafficEntry[]): RevisionView {
  const name = shortName(r.name);
  const { status, message } = statusOf(readyCondition(r), r.reconciling);
  const annotations = r.annotations ?? {};
  const routes = traffic.filter((t) => t.revision === name);
  return {
    ...containerConfig(r.containers),
    name,
    fullName: r.name ?? "",
    createdAt: toDate(r.createTime),
    deployedBy: annotations[ANNOTATIONS.deployedBy] || null,
    changeRef: annotations[ANNOTATIONS.changeRef] || null,
    changeUrl: annotations[ANNOTATIONS.changeUrl] || null,
    status,
    statusMessage: message,
    minInstances: Number(r.scaling?.minInstanceCount ?? 0),
    maxInstances: Number(r.scaling?.maxInstanceCount ?? 0),
    concurrency: Number(r.maxInstanceRequestConcurrency ?? 0),
    timeoutSeconds: durationSeconds(r.timeout),
    serviceAccount: r.serviceAccount ?? "",
    executionEnvironment: String(r.executionEnvironment ?? ""),
    percent: routes.reduce((sum, t) => sum + t.percent, 0),
    tags: routes.map((t) => t.tag).filter((t): t is string => Boolean(t)),
  };
}
