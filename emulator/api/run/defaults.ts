// Server-side defaults Cloud Run fills in on create and update (google-apis.md
// §1.4), so what the client reads back looks like what Google returns.
import { projectNumber } from "./names";
import type { Container, Probe, RevisionTemplate, Service } from "./types";

export const DEFAULT_PORT = 8080;

/** "1000m" → 1, "2" → 2, "0.5" → 0.5; NaN when malformed. */
export function parseCpu(value: string | undefined): number {
  if (value === undefined) return 1;
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(value.trim());
  if (!m) return Number.NaN;
  return m[2] ? Number(m[1]) / 1000 : Number(m[1]);
}

/** "512Mi" → bytes; NaN when malformed. */
export function parseMemory(value: string | undefined): number {
  if (value === undefined) return 512 * 2 ** 20;
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|K|M|G|T)?$/.exec(value.trim());
  if (!m) return Number.NaN;
  const unit: Record<string, number> = {
    "": 1,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    k: 1e3,
    K: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return Number(m[1]) * unit[m[2] ?? ""];
}

/** The container that receives requests: the one with a port, else the first. */
export function ingressContainer(template: RevisionTemplate | null | undefined): Container | undefined {
  const containers = template?.containers ?? [];
  return containers.find((c) => (c.ports ?? []).length > 0) ?? containers[0];
}

export function containerPort(c: Container | undefined): number {
  return c?.ports?.[0]?.containerPort || DEFAULT_PORT;
}

function probeDefaults(probe: Probe, port: number): Probe {
  const p: Probe = {
    ...probe,
    timeoutSeconds: probe.timeoutSeconds || 1,
    periodSeconds: probe.periodSeconds || 10,
    failureThreshold: probe.failureThreshold || 3,
  };
  if (p.httpGet) p.httpGet = { ...p.httpGet, path: p.httpGet.path || "/", port: p.httpGet.port || port };
  else if (p.grpc) p.grpc = { ...p.grpc, port: p.grpc.port || port };
  else p.tcpSocket = { ...(p.tcpSocket ?? {}), port: p.tcpSocket?.port || port };
  return p;
}

function containerDefaults(c: Container, isIngress: boolean): Container {
  const out: Container = {
    ...c,
    resources: { ...(c.resources ?? {}), limits: { cpu: "1000m", memory: "512Mi", ...(c.resources?.limits ?? {}) } },
  };
  if (!isIngress) return out;
  const ports = c.ports?.length
    ? c.ports.map((p) => ({ name: p.name || "http1", containerPort: p.containerPort || DEFAULT_PORT }))
    : [{ name: "http1", containerPort: DEFAULT_PORT }];
  const port = ports[0].containerPort;
  out.ports = ports;
  out.startupProbe = c.startupProbe
    ? probeDefaults(c.startupProbe, port)
    : { timeoutSeconds: 240, periodSeconds: 240, failureThreshold: 1, tcpSocket: { port } };
  if (c.livenessProbe) out.livenessProbe = probeDefaults(c.livenessProbe, port);
  if (c.readinessProbe) out.readinessProbe = probeDefaults(c.readinessProbe, port);
  return out;
}

export function templateDefaults(t: RevisionTemplate, project: string): RevisionTemplate {
  const ingress = ingressContainer(t);
  const containers = (t.containers ?? []).map((c) => containerDefaults(c, c === ingress));
  const cpu = parseCpu(ingressContainer({ containers })?.resources?.limits?.cpu);
  return {
    ...t,
    containers,
    scaling: { ...(t.scaling ?? {}), maxInstanceCount: t.scaling?.maxInstanceCount || 100 },
    timeout:
      t.timeout && (Number(t.timeout.seconds ?? 0) > 0 || (t.timeout.nanos ?? 0) > 0) ? t.timeout : { seconds: "300" },
    serviceAccount: t.serviceAccount || `${projectNumber(project)}-compute@developer.gserviceaccount.com`,
    maxInstanceRequestConcurrency: t.maxInstanceRequestConcurrency || (cpu >= 1 ? 80 : 1),
  };
}

/** Defaults of the user-settable Service fields. */
export function serviceDefaults(s: Service, project: string): Service {
  return {
    ...s,
    ingress: s.ingress && s.ingress !== "INGRESS_TRAFFIC_UNSPECIFIED" ? s.ingress : "INGRESS_TRAFFIC_ALL",
    launchStage: s.launchStage && s.launchStage !== "LAUNCH_STAGE_UNSPECIFIED" ? s.launchStage : "GA",
    template: templateDefaults(s.template ?? {}, project),
    traffic: s.traffic?.length ? s.traffic : [{ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 100 }],
  };
}
