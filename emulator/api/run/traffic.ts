// From a service's traffic targets to what routes: traffic_statuses, URLs
// and the router's table.
//
// URLs (emulator choice): `http://{service}.{region}.localhost:{port}`, tags
// `http://{tag}---{service}.{region}.localhost:{port}`. If a service with the
// same name already exists in the same region in another project, the newer
// one gets `{service}.{project}.{region}.localhost` instead; every service
// also answers on that long form. The choice is made once, at creation.
import type { ServiceRoute } from "../../runtime/types";
import { shortName } from "./names";
import type { Service, TrafficTarget, TrafficTargetStatus } from "./types";

export const shortHost = (service: string, region: string) => `${service}.${region}.localhost`;
export const longHost = (service: string, project: string, region: string) =>
  `${service}.${project}.${region}.localhost`;
export const tagHost = (tag: string, host: string) => `${tag}---${host}`;

/** The routing in effect for these targets: LATEST entries keep no revision name, as on Google. */
export function trafficStatuses(traffic: TrafficTarget[]): TrafficTargetStatus[] {
  return traffic.map((t) => ({
    type: t.type,
    ...(t.revision ? { revision: t.revision } : {}),
    ...(t.percent ? { percent: t.percent } : {}),
    ...(t.tag ? { tag: t.tag } : {}),
  }));
}

/** The revision a status entry routes to (LATEST → latest ready), short name. */
export function resolvedRevision(status: TrafficTarget, service: Service): string | null {
  if (status.type === "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST")
    return service.latestReadyRevision ? shortName(service.latestReadyRevision) : null;
  return status.revision || null;
}

/** Short names of the revisions that receive traffic or have a tag. */
export function servingRevisions(service: Service): Set<string> {
  const out = new Set<string>();
  for (const s of service.trafficStatuses ?? []) {
    const r = resolvedRevision(s, service);
    if (r) out.add(r);
  }
  return out;
}

/**
 * Fills uri, urls and tag URIs for the router port in use now (the host is
 * the stored URI's). `urls` also holds the service's own-port URL
 * (`http://127.0.0.1:{port}`) once it is routed: the form every resolver handles.
 */
export function withUrls(
  service: Service,
  routerPort: number,
  localUrl: (host: string) => string | undefined = () => undefined,
): Service {
  if (!service.uri) return service;
  const host = new URL(service.uri).hostname;
  const uri = `http://${host}:${routerPort}`;
  const local = localUrl(host);
  return {
    ...service,
    uri,
    urls: local ? [uri, local] : [uri],
    trafficStatuses: (service.trafficStatuses ?? []).map((s) =>
      s.tag ? { ...s, uri: `http://${tagHost(s.tag, host)}:${routerPort}` } : s,
    ),
  };
}

export function routeFor(
  service: Service,
  project: string,
  region: string,
  serviceId: string,
  host: string,
): ServiceRoute {
  const hosts = [...new Set([host, longHost(serviceId, project, region)])];
  const statuses = service.trafficStatuses ?? [];
  const split = statuses
    .filter((s) => (s.percent ?? 0) > 0)
    .map((s) => ({ revision: resolvedRevision(s, service), percent: s.percent ?? 0 }))
    .filter((s): s is { revision: string; percent: number } => s.revision !== null);
  const tags = statuses
    .filter((s) => s.tag)
    .map((s) => ({ tag: s.tag!, revision: resolvedRevision(s, service), hosts: hosts.map((h) => tagHost(s.tag!, h)) }))
    .filter((t): t is { tag: string; revision: string; hosts: string[] } => t.revision !== null);
  return { key: service.name, project, region, service: serviceId, hosts, split, tags };
}
