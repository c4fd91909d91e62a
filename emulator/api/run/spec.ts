// Translates a Revision resource into what the runtime runs. Only the ingress
// container runs (emulator choice: sidecars are stored and echoed, not run).
import type { EnvSpec, ProbeSpec, RevisionSpec, SecretRef } from "../../runtime/types";
import { containerPort, ingressContainer, parseCpu, parseMemory } from "./defaults";
import { durationMs, parseRevisionName } from "./names";
import type { Container, Probe, Revision } from "./types";

function probeSpec(p: Probe | null | undefined): ProbeSpec | null {
  if (!p) return null;
  const headers: Record<string, string> = {};
  for (const h of p.httpGet?.httpHeaders ?? []) headers[h.name] = h.value ?? "";
  return {
    kind: p.httpGet ? "http" : "tcp",
    path: p.httpGet?.path || "/",
    headers,
    initialDelayMs: (p.initialDelaySeconds ?? 0) * 1000,
    timeoutMs: (p.timeoutSeconds || 1) * 1000,
    periodMs: (p.periodSeconds || 10) * 1000,
    failureThreshold: p.failureThreshold || 3,
  };
}

/** Secret references of a container, by env var name. */
export function secretRefs(c: Container | undefined): { name: string; ref: SecretRef }[] {
  return (c?.env ?? [])
    .filter((e) => e.valueSource?.secretKeyRef)
    .map((e) => ({
      name: e.name,
      ref: { secret: e.valueSource!.secretKeyRef!.secret, version: e.valueSource!.secretKeyRef!.version || "latest" },
    }));
}

export function revisionSpec(revision: Revision): RevisionSpec {
  const { project, location, service, revision: short } = parseRevisionName(revision.name);
  const c = ingressContainer({ containers: revision.containers });
  const env: EnvSpec[] = (c?.env ?? []).map((e) =>
    e.valueSource?.secretKeyRef
      ? {
          name: e.name,
          secret: {
            secret: e.valueSource.secretKeyRef.secret,
            version: e.valueSource.secretKeyRef.version || "latest",
          },
        }
      : { name: e.name, value: e.value ?? "" },
  );
  return {
    project,
    region: location,
    service,
    revision: short,
    image: c?.image ?? "",
    command: c?.command ?? [],
    args: c?.args ?? [],
    workingDir: c?.workingDir ?? "",
    env,
    startupProbe: probeSpec(c?.startupProbe),
    livenessProbe: probeSpec(c?.livenessProbe),
    concurrency: revision.maxInstanceRequestConcurrency || 80,
    timeoutMs: durationMs(revision.timeout) || 300_000,
    minInstances: revision.scaling?.minInstanceCount ?? 0,
    maxInstances: revision.scaling?.maxInstanceCount || 100,
    limits: {
      container: c?.name ?? "",
      cpu: parseCpu(c?.resources?.limits?.cpu) || 1,
      memoryBytes: parseMemory(c?.resources?.limits?.memory) || 512 * 2 ** 20,
    },
  };
}

export const revisionPort = (revision: Revision) =>
  containerPort(ingressContainer({ containers: revision.containers }));

/** Whether the startup probe is the user's own (changes Google's failure wording). */
export const hasCustomStartupProbe = (revision: Revision) => {
  const p = ingressContainer({ containers: revision.containers })?.startupProbe;
  return Boolean(
    p && !(p.tcpSocket && p.periodSeconds === 240 && p.timeoutSeconds === 240 && p.failureThreshold === 1),
  );
};
