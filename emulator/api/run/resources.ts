// Building Service and Revision resources: which fields a client may set,
// update masks, canonical form, and the Revision a template produces.
import { invalid } from "../../grpc/errors";
import type { Codec } from "../../grpc/protos";
import { revisionPending } from "./conditions";
import { newEtag, newUid, parseServiceName, revisionName, toTimestamp } from "./names";
import type { RevisionTemplate, Service, Revision } from "./types";

/** Service fields a client sets; everything else is output only. */
export const USER_FIELDS = [
  "description",
  "labels",
  "annotations",
  "client",
  "clientVersion",
  "ingress",
  "launchStage",
  "binaryAuthorization",
  "template",
  "traffic",
  "scaling",
  "invokerIamDisabled",
  "defaultUriDisabled",
  "customAudiences",
  "iapEnabled",
  "multiRegionSettings",
  "buildConfig",
] as const;

/** Template fields a Revision repeats. */
const REVISION_FIELDS = [
  "labels",
  "annotations",
  "scaling",
  "vpcAccess",
  "maxInstanceRequestConcurrency",
  "timeout",
  "serviceAccount",
  "containers",
  "volumes",
  "executionEnvironment",
  "encryptionKey",
  "serviceMesh",
  "encryptionKeyRevocationAction",
  "encryptionKeyShutdownDuration",
  "sessionAffinity",
  "nodeSelector",
  "gpuZonalRedundancyDisabled",
] as const;

const clone = <T>(v: T): T => (v === undefined ? v : structuredClone(v));

export function userFields(s: Service): Partial<Service> {
  const out: Partial<Service> = {};
  for (const f of USER_FIELDS) if (s[f] !== undefined && s[f] !== null) out[f] = clone(s[f]) as never;
  return out;
}

const camel = (segment: string) => segment.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * The user-settable fields after an update: the request's when there is no
 * mask (or `*`), else the stored ones with only the masked paths replaced.
 */
export function applyUpdateMask(
  stored: Service,
  patch: Service,
  mask: { paths?: string[] } | null | undefined,
): Partial<Service> {
  const paths = (mask?.paths ?? []).filter(Boolean);
  if (paths.length === 0 || paths.includes("*")) return userFields(patch);
  const out = userFields(stored) as Record<string, unknown>;
  const source = patch as Record<string, unknown>;
  for (const path of paths) {
    const segments = path.split(".").map(camel);
    if (!(USER_FIELDS as readonly string[]).includes(segments[0])) {
      throw invalid(`update_mask: "${path}" is not a field of Service that can be updated`);
    }
    let from: unknown = source;
    let to = out;
    segments.forEach((seg, i) => {
      const last = i === segments.length - 1;
      from = from && typeof from === "object" ? (from as Record<string, unknown>)[seg] : undefined;
      if (last) {
        if (from === undefined || from === null) delete to[seg];
        else to[seg] = clone(from);
      } else {
        if (typeof to[seg] !== "object" || to[seg] === null) to[seg] = {};
        to = to[seg] as Record<string, unknown>;
      }
    });
  }
  return out as Partial<Service>;
}

/**
 * Drops proto3 default values ("", 0, false, null, *_UNSPECIFIED). Clients
 * that echo a resource back send every default explicitly and protobufjs
 * keeps them on the wire; without presence they mean "unset" all the same.
 */
export function pruneDefaults<T>(v: T): T {
  if (Array.isArray(v)) return v.map(pruneDefaults) as T;
  if (v && typeof v === "object" && !Buffer.isBuffer(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (x === null || x === undefined || x === "" || x === 0 || x === false) continue;
      if (typeof x === "string" && x.endsWith("_UNSPECIFIED")) continue;
      out[k] = pruneDefaults(x);
    }
    return out as T;
  }
  return v;
}

/** Round-trips through the proto so stored JSON has one shape, whatever the client sent. */
export function canonicalService(codec: Codec, s: Service): Service {
  return pruneDefaults(
    codec.decode("google.cloud.run.v2.Service", codec.encode("google.cloud.run.v2.Service", s)),
  ) as Service;
}

export function canonicalRevision(codec: Codec, r: Revision): Revision {
  return pruneDefaults(
    codec.decode("google.cloud.run.v2.Revision", codec.encode("google.cloud.run.v2.Revision", r)),
  ) as Revision;
}

/** Key-order-independent JSON, to compare templates. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

export function sameTemplate(
  codec: Codec,
  a: RevisionTemplate | null | undefined,
  b: RevisionTemplate | null | undefined,
): boolean {
  const canon = (t: RevisionTemplate | null | undefined) =>
    canonicalService(codec, { name: "x", template: t ?? {} }).template;
  return stableJson(canon(a)) === stableJson(canon(b));
}

/** The Revision a service's template produces, still reconciling. */
export function buildRevision(service: Service, revisionId: string, now: Date, creator: string): Revision {
  const t = service.template ?? {};
  const { project, service: serviceId } = parseServiceName(service.name);
  const revision: Revision = {
    name: revisionName(service.name, revisionId),
    uid: newUid(),
    generation: "1",
    createTime: toTimestamp(now),
    updateTime: toTimestamp(now),
    launchStage: service.launchStage,
    service: service.name,
    reconciling: true,
    conditions: revisionPending(now),
    observedGeneration: "1",
    logUri:
      `https://console.cloud.google.com/logs/viewer?project=${project}&resource=cloud_run_revision/service_name/${serviceId}` +
      `/revision_name/${revisionId}`,
    scalingStatus: { desiredMinInstanceCount: t.scaling?.minInstanceCount ?? 0 },
    creator,
    etag: newEtag(),
  };
  for (const f of REVISION_FIELDS)
    if (t[f] !== undefined && t[f] !== null) (revision as Record<string, unknown>)[f] = clone(t[f]);
  return revision;
}
