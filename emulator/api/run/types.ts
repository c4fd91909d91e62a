// The Cloud Run v2 resources as plain objects in proto-loader's shape
// (camelCase, int64 as strings, enums as names, Timestamp/Duration as
// {seconds, nanos}). Only the fields the emulator reads are typed; the rest
// is carried through untouched.

export type Timestamp = { seconds: string | number; nanos?: number };
export type Duration = { seconds?: string | number; nanos?: number };

export type ConditionState = "CONDITION_PENDING" | "CONDITION_RECONCILING" | "CONDITION_FAILED" | "CONDITION_SUCCEEDED";

export type Condition = {
  type: string;
  state: ConditionState;
  message?: string;
  lastTransitionTime?: Timestamp;
  severity?: "ERROR" | "WARNING" | "INFO";
  reason?: string;
  revisionReason?: string;
};

export type Probe = {
  initialDelaySeconds?: number;
  timeoutSeconds?: number;
  periodSeconds?: number;
  failureThreshold?: number;
  httpGet?: { path?: string; port?: number; httpHeaders?: { name: string; value?: string }[] } | null;
  tcpSocket?: { port?: number } | null;
  grpc?: { port?: number; service?: string } | null;
  probeType?: string;
  [k: string]: unknown;
};

export type EnvVar = {
  name: string;
  value?: string;
  valueSource?: { secretKeyRef?: { secret: string; version?: string } | null } | null;
  [k: string]: unknown;
};

export type Container = {
  name?: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  resources?: { limits?: Record<string, string>; cpuIdle?: boolean; startupCpuBoost?: boolean } | null;
  ports?: { name?: string; containerPort?: number }[];
  workingDir?: string;
  livenessProbe?: Probe | null;
  startupProbe?: Probe | null;
  readinessProbe?: Probe | null;
  [k: string]: unknown;
};

export type Scaling = { minInstanceCount?: number; maxInstanceCount?: number; [k: string]: unknown };

export type RevisionTemplate = {
  revision?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  scaling?: Scaling | null;
  timeout?: Duration | null;
  serviceAccount?: string;
  containers?: Container[];
  maxInstanceRequestConcurrency?: number;
  [k: string]: unknown;
};

export type TrafficType =
  | "TRAFFIC_TARGET_ALLOCATION_TYPE_UNSPECIFIED"
  | "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST"
  | "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION";

export type TrafficTarget = { type?: TrafficType; revision?: string; percent?: number; tag?: string };
export type TrafficTargetStatus = TrafficTarget & { uri?: string };

/** What Services and Revisions share: identity, metadata and reconciliation status. */
type Resource = {
  name: string;
  uid?: string;
  generation?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  createTime?: Timestamp;
  updateTime?: Timestamp;
  deleteTime?: Timestamp;
  expireTime?: Timestamp;
  launchStage?: string;
  creator?: string;
  scaling?: Scaling | null;
  observedGeneration?: string;
  conditions?: Condition[];
  reconciling?: boolean;
  etag?: string;
  [k: string]: unknown;
};

export type Service = Resource & {
  description?: string;
  lastModifier?: string;
  ingress?: string;
  template?: RevisionTemplate | null;
  traffic?: TrafficTarget[];
  urls?: string[];
  terminalCondition?: Condition | null;
  latestReadyRevision?: string;
  latestCreatedRevision?: string;
  trafficStatuses?: TrafficTargetStatus[];
  uri?: string;
};

export type Revision = Resource & {
  service: string;
  maxInstanceRequestConcurrency?: number;
  timeout?: Duration | null;
  serviceAccount?: string;
  containers?: Container[];
  logUri?: string;
};
