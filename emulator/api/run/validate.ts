// Field validation for Services, as INVALID_ARGUMENT with every violation
// named by its field path, so a form can show what is wrong.
import { invalid } from "../../grpc/errors";
import { parseCpu, parseMemory } from "./defaults";
import { durationMs } from "./names";
import type { Container, Probe, RevisionTemplate, Service, TrafficTarget } from "./types";

export const RESERVED_ENV = ["PORT", "K_SERVICE", "K_REVISION", "K_CONFIGURATION"];
const SYSTEM_ANNOTATION_PREFIXES = [
  "run.googleapis.com",
  "cloud.googleapis.com",
  "serving.knative.dev",
  "autoscaling.knative.dev",
];
const SERVICE_ID = /^[a-z](?:[-a-z0-9]*[a-z0-9])?$/;
const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const SECRET_REF = /^(?:projects\/[^/]+\/secrets\/)?[a-zA-Z0-9_-]{1,255}$/;
const SECRET_VERSION = /^(?:latest|\d+|[a-zA-Z][a-zA-Z0-9_-]{0,62})$/;
const TAG = /^[a-z](?:[-a-z0-9]*[a-z0-9])?$/;

export type Violations = string[];

export function serviceIdProblem(id: string): string | null {
  if (!id) return "service_id is required";
  if (id.length >= 50) return `service_id "${id}" must be fewer than 50 characters`;
  if (!SERVICE_ID.test(id))
    return `service_id "${id}" must begin with a letter, contain only lowercase letters, digits and hyphens, and not end with a hyphen`;
  return null;
}

export function checkLabels(v: Violations, path: string, labels: Record<string, string> | undefined) {
  for (const [k, val] of Object.entries(labels ?? {})) {
    if (!LABEL_KEY.test(k))
      v.push(
        `${path}: label key "${k}" must start with a lowercase letter and contain only lowercase letters, digits, "_" and "-" (at most 63)`,
      );
    if (!LABEL_VALUE.test(val))
      v.push(`${path}["${k}"]: label value must contain only lowercase letters, digits, "_" and "-" (at most 63)`);
  }
}

function checkAnnotations(v: Violations, path: string, annotations: Record<string, string> | undefined) {
  for (const k of Object.keys(annotations ?? {})) {
    const prefix = k.includes("/") ? k.slice(0, k.indexOf("/")) : "";
    if (SYSTEM_ANNOTATION_PREFIXES.some((p) => prefix === p || prefix.endsWith(`.${p}`))) {
      v.push(`${path}: annotation "${k}" uses a system prefix (${prefix}) and cannot be set`);
    }
  }
}

function checkProbe(
  v: Violations,
  path: string,
  p: Probe | null | undefined,
  kind: "startup" | "liveness" | "readiness",
) {
  if (!p) return;
  const actions = [p.httpGet, p.tcpSocket, p.grpc].filter(Boolean).length;
  if (actions > 1) v.push(`${path}: set only one of http_get, tcp_socket or grpc`);
  const period = p.periodSeconds ?? 0;
  const timeout = p.timeoutSeconds ?? 0;
  const maxPeriod = kind === "startup" ? 240 : 3600;
  if (period < 0 || period > maxPeriod) v.push(`${path}.period_seconds: must be between 1 and ${maxPeriod}`);
  if (timeout < 0 || (period > 0 && timeout > period))
    v.push(`${path}.timeout_seconds: must be between 1 and period_seconds`);
  if ((p.failureThreshold ?? 0) < 0) v.push(`${path}.failure_threshold: must be positive`);
  if ((p.initialDelaySeconds ?? 0) < 0 || (p.initialDelaySeconds ?? 0) > 240)
    v.push(`${path}.initial_delay_seconds: must be between 0 and 240`);
  if (kind === "startup" && (p.failureThreshold || 3) * (period || 10) > 240) {
    v.push(`${path}: failure_threshold × period_seconds must not exceed 240 seconds`);
  }
  if (p.httpGet?.path && !p.httpGet.path.startsWith("/")) v.push(`${path}.http_get.path: must start with "/"`);
}

export function checkContainer(v: Violations, path: string, c: Container) {
  if (!c.image) v.push(`${path}.image: is required`);
  if ((c.ports ?? []).length > 1) v.push(`${path}.ports: at most one port may be set`);
  for (const p of c.ports ?? []) {
    if (p.containerPort !== undefined && (p.containerPort < 1 || p.containerPort > 65535))
      v.push(`${path}.ports[0].container_port: must be between 1 and 65535`);
    if (p.name && p.name !== "http1" && p.name !== "h2c") v.push(`${path}.ports[0].name: must be "http1" or "h2c"`);
  }
  const seen = new Set<string>();
  (c.env ?? []).forEach((e, i) => {
    const at = `${path}.env[${i}]`;
    if (!e.name) v.push(`${at}.name: is required`);
    else if (RESERVED_ENV.includes(e.name))
      v.push(`${at}.name: ${e.name} is a reserved environment variable name and cannot be set`);
    else if (!ENV_NAME.test(e.name)) v.push(`${at}.name: "${e.name}" is not a valid environment variable name`);
    if (e.name && seen.has(e.name)) v.push(`${at}.name: duplicate environment variable ${e.name}`);
    seen.add(e.name);
    const ref = e.valueSource?.secretKeyRef;
    if (e.valueSource && !ref) v.push(`${at}.value_source: secret_key_ref is required`);
    if (ref) {
      if (!ref.secret || !SECRET_REF.test(ref.secret))
        v.push(
          `${at}.value_source.secret_key_ref.secret: "${ref.secret ?? ""}" is not a secret id or projects/{project}/secrets/{secret}`,
        );
      if (ref.version && !SECRET_VERSION.test(ref.version))
        v.push(
          `${at}.value_source.secret_key_ref.version: "${ref.version}" is not "latest", a version number or an alias`,
        );
    }
  });
  const limits = c.resources?.limits ?? {};
  for (const k of Object.keys(limits))
    if (!["cpu", "memory", "nvidia.com/gpu"].includes(k)) v.push(`${path}.resources.limits: unknown resource "${k}"`);
  const cpu = parseCpu(limits.cpu);
  if (Number.isNaN(cpu) || cpu < 0.08 || cpu > 8 || (cpu > 1 && ![2, 4, 6, 8].includes(cpu))) {
    v.push(`${path}.resources.limits.cpu: "${limits.cpu}" is invalid; use a value from 0.08 to 1, or 2, 4, 6 or 8`);
  }
  const mem = parseMemory(limits.memory);
  if (Number.isNaN(mem) || mem < 128 * 2 ** 20 || mem > 32 * 2 ** 30)
    v.push(`${path}.resources.limits.memory: "${limits.memory}" is invalid; use 128Mi to 32Gi`);
  checkProbe(v, `${path}.startup_probe`, c.startupProbe, "startup");
  checkProbe(v, `${path}.liveness_probe`, c.livenessProbe, "liveness");
  checkProbe(v, `${path}.readiness_probe`, c.readinessProbe, "readiness");
}

function checkTemplate(v: Violations, t: RevisionTemplate | null | undefined, serviceId: string) {
  const path = "service.template";
  if (!t) return void v.push(`${path}: is required`);
  const containers = t.containers ?? [];
  if (containers.length === 0) v.push(`${path}.containers: at least one container is required`);
  if (containers.length > 10) v.push(`${path}.containers: at most 10 containers`);
  if (containers.filter((c) => (c.ports ?? []).length > 0).length > 1)
    v.push(`${path}.containers: only one container may expose a port`);
  if (containers.length > 1) {
    const names = containers.map((c) => c.name ?? "");
    if (names.some((n) => !n) || new Set(names).size !== names.length)
      v.push(`${path}.containers: with more than one container each needs a unique name`);
  }
  containers.forEach((c, i) => checkContainer(v, `${path}.containers[${i}]`, c));
  if (t.revision) {
    if (!t.revision.startsWith(`${serviceId}-`))
      v.push(`${path}.revision: "${t.revision}" must start with "${serviceId}-"`);
    else if (t.revision.length > 63 || !SERVICE_ID.test(t.revision))
      v.push(`${path}.revision: "${t.revision}" must be at most 63 lowercase letters, digits and hyphens`);
  }
  const concurrency = t.maxInstanceRequestConcurrency ?? 0;
  if (concurrency < 0 || concurrency > 1000)
    v.push(`${path}.max_instance_request_concurrency: must be between 1 and 1000`);
  const ingress = containers.find((c) => (c.ports ?? []).length > 0) ?? containers[0];
  if (concurrency > 1 && parseCpu(ingress?.resources?.limits?.cpu) < 1)
    v.push(`${path}.max_instance_request_concurrency: concurrency above 1 requires at least 1 CPU`);
  const timeout = durationMs(t.timeout);
  if (timeout < 0 || timeout > 3_600_000) v.push(`${path}.timeout: must be at most 3600s`);
  const min = t.scaling?.minInstanceCount ?? 0;
  const max = t.scaling?.maxInstanceCount ?? 0;
  if (min < 0 || max < 0) v.push(`${path}.scaling: instance counts must not be negative`);
  if (max > 0 && min > max)
    v.push(`${path}.scaling: min_instance_count (${min}) must not exceed max_instance_count (${max})`);
  checkLabels(v, `${path}.labels`, t.labels);
  checkAnnotations(v, `${path}.annotations`, t.annotations);
}

/** Static checks of a Service (no database). Throws INVALID_ARGUMENT. */
export function validateService(service: Service, serviceId: string): void {
  const v: Violations = [];
  if ((service.description ?? "").length > 512) v.push("service.description: must be at most 512 characters");
  checkLabels(v, "service.labels", service.labels);
  checkAnnotations(v, "service.annotations", service.annotations);
  checkTemplate(v, service.template, serviceId);
  const s = service.scaling;
  if (s && ((s.minInstanceCount ?? 0) < 0 || (s.maxInstanceCount ?? 0) < 0))
    v.push("service.scaling: instance counts must not be negative");
  if (v.length) throw invalid(`Invalid Service: ${v.join("; ")}`);
}

/**
 * Traffic targets against the revisions that exist (short names). `pending`
 * is a revision this same request creates (template.revision).
 */
export function validateTraffic(
  traffic: TrafficTarget[],
  serviceId: string,
  known: Set<string>,
  pending?: string,
): void {
  const v: Violations = [];
  let sum = 0;
  const tags = new Set<string>();
  traffic.forEach((t, i) => {
    const at = `service.traffic[${i}]`;
    const percent = t.percent ?? 0;
    if (percent < 0 || percent > 100) v.push(`${at}.percent: must be between 0 and 100`);
    sum += percent;
    if (t.type === "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION") {
      if (!t.revision) v.push(`${at}.revision: is required when type is TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION`);
      else if (!known.has(t.revision) && t.revision !== pending)
        v.push(`${at}.revision: Revision named '${t.revision}' referenced in traffic not found`);
    } else if (t.type === "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST") {
      if (t.revision) v.push(`${at}.revision: must be empty when type is TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST`);
    } else
      v.push(`${at}.type: must be TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST or TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION`);
    if (t.tag) {
      if (!TAG.test(t.tag) || t.tag.length + 3 + serviceId.length > 63)
        v.push(
          `${at}.tag: "${t.tag}" must be lowercase letters, digits and hyphens, and fit with the service name in 63 characters`,
        );
      if (tags.has(t.tag)) v.push(`${at}.tag: duplicate tag "${t.tag}"`);
      tags.add(t.tag);
    }
  });
  if (traffic.length > 0 && sum !== 100) v.push(`service.traffic: percents must add up to 100, got ${sum}`);
  if (v.length) throw invalid(`Invalid traffic: ${v.join("; ")}`);
}
