// What the runtime needs to run a revision, in plain terms. The API layer
// translates Cloud Run's Revision resource into this; the runtime knows
// nothing about protos, resource names or the database.

export type ProbeSpec = {
  /** gRPC probes are checked as TCP (emulator choice). */
  kind: "tcp" | "http";
  path: string;
  headers: Record<string, string>;
  initialDelayMs: number;
  timeoutMs: number;
  periodMs: number;
  failureThreshold: number;
};

export type SecretRef = { secret: string; version: string };

export type EnvSpec = { name: string; value: string } | { name: string; secret: SecretRef };

export type RevisionSpec = {
  project: string;
  region: string;
  service: string;
  /** Short name, e.g. `hello-00002-xyz`. */
  revision: string;
  image: string;
  command: string[];
  args: string[];
  workingDir: string;
  env: EnvSpec[];
  startupProbe: ProbeSpec | null;
  livenessProbe: ProbeSpec | null;
  /** Max in-flight requests per instance. */
  concurrency: number;
  /** Request timeout; exceeded → 504. */
  timeoutMs: number;
  minInstances: number;
  maxInstances: number;
  /** The container's limits, what utilization is measured against (defaults 1 vCPU, 512 MiB). */
  limits?: { container: string; cpu: number; memoryBytes: number };
};

/** Why a revision could not become ready, in Cloud Run's vocabulary. */
export type DeployFailureReason = "CONTAINER_MISSING" | "HEALTH_CHECK_CONTAINER_ERROR" | "SECRETS_ACCESS_CHECK_FAILED";

export type DeployResult = { ok: true } | { ok: false; reason: DeployFailureReason; message: string };

/**
 * The seam to Secret Manager: the runtime asks for a value when an instance
 * starts (`latest` is pinned per instance, as on Cloud Run).
 */
export type SecretResolver = (project: string, ref: SecretRef) => Promise<string>;

/** Routing for one service: which hosts reach it and how traffic splits. */
export type ServiceRoute = {
  /** Stable key, the service's resource name. */
  key: string;
  project: string;
  region: string;
  service: string;
  /** Hosts (without port) that reach the weighted split. */
  hosts: string[];
  /** Weighted split for the main hosts; percents sum to 100 (or it is empty). */
  split: { revision: string; percent: number }[];
  /** Tag hosts, each pinned to one revision. */
  tags: { tag: string; hosts: string[]; revision: string }[];
};
