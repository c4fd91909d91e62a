// Traffic in Cloud Run's own shape, pure: the two allocation types, targets
// as read back from a service, the builders every write uses (tags kept,
// traffic pinned, the "left 100 % to latest" stamp) and comparisons. Deploys,
// traffic edits, rollbacks, releases and rotations all build their traffic here.
import type { protos } from "@google-cloud/run";
import { ANNOTATIONS, type ServiceView, type TrafficEntry } from "../model";
import { shortName } from "../names";

type Service = protos.google.cloud.run.v2.IService;

export const LATEST = "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST" as const;
export const REVISION = "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION" as const;

export type Target = { type: typeof LATEST | typeof REVISION; revision?: string; percent: number; tag?: string };
/** A revision's share of the traffic in effect (LATEST resolved to its revision). */
export type Share = { revision: string; percent: number };

/** A target type as Cloud Run returns it (the enum's name, or its number). */
export const isLatest = (type: unknown) => String(type) === LATEST || type === 1;

/** Targets as Cloud Run returns them (enums as names, empty strings for unset). */
export function toTargets(
  traffic:
    { type?: unknown; revision?: string | null; percent?: number | null; tag?: string | null }[] | null | undefined,
): Target[] {
  return (traffic ?? []).map((t) => {
    const latest = isLatest(t.type);
    return {
      type: latest ? LATEST : REVISION,
      ...(!latest && t.revision ? { revision: t.revision } : {}),
      percent: Number(t.percent ?? 0),
      ...(t.tag ? { tag: t.tag } : {}),
    };
  });
}

const key = (t: Target) => `${t.type === LATEST ? "LATEST" : t.revision}|${t.percent}|${t.tag ?? ""}`;

/** Same routing, whatever the order. */
export function sameTraffic(a: Target[], b: Target[]): boolean {
  return JSON.stringify(a.map(key).sort()) === JSON.stringify(b.map(key).sort());
}

/** "pyplots-api-00002-abc 95 %, pyplots-api-00003-xyz 5 % (canary)" */
export function describeTraffic(targets: Target[]): string {
  const parts = targets.map(
    (t) => `${t.type === LATEST ? "latest" : t.revision} ${t.percent} %${t.tag ? ` (tag ${t.tag})` : ""}`,
  );
  return parts.join(", ") || "none";
}

/** The revisions serving traffic now and their shares (LATEST resolved), largest first. */
export function servingShares(service: Service): Share[] {
  const latest = shortName(service.latestReadyRevision);
  return (service.trafficStatuses ?? [])
    .filter((t) => Number(t.percent ?? 0) > 0)
    .map((t) => ({
      revision: isLatest(t.type) ? t.revision || latest : (t.revision ?? ""),
      percent: Number(t.percent),
    }))
    .sort((a, b) => b.percent - a.percent);
}

/** Tag-only routes (0%) that should survive a traffic change, minus `except` tags. */
export function keptTags(view: ServiceView, except: (string | null | undefined)[] = []): Target[] {
  return view.traffic
    .filter((t) => t.tag && !except.includes(t.tag))
    .map((t) => ({ type: REVISION, revision: t.revision, percent: 0, tag: t.tag! }));
}

/** A new revision with no traffic, reachable under `tag`; what serves now is pinned, so nothing moves (blue/green, a canary's deploy). */
export function underTagOnly(view: ServiceView, revision: string, tag: string): Target[] {
  return [
    ...view.traffic
      .filter((t) => t.percent > 0)
      .map((t) => ({ type: REVISION, revision: t.revision, percent: t.percent }) as Target),
    ...keptTags(view, [tag]),
    { type: REVISION, revision, percent: 0, tag },
  ];
}

/** Traffic as it runs now, every entry naming its revision (LATEST would follow a new revision). */
export const pinned = (traffic: TrafficEntry[]): Target[] =>
  traffic.map((t) => ({ type: REVISION, revision: t.revision, percent: t.percent, ...(t.tag ? { tag: t.tag } : {}) }));

/** Service annotations stamped with when traffic left "100% to latest". */
export function stampTraffic(
  current: Service,
  traffic: { type?: unknown; percent?: number | null }[],
  now = new Date(),
): Record<string, string> {
  const annotations = { ...(current.annotations ?? {}) };
  const allLatest = traffic.every((t) => (t.percent ?? 0) === 0 || (t.type === LATEST && t.percent === 100));
  if (allLatest) delete annotations[ANNOTATIONS.trafficChangedAt];
  else annotations[ANNOTATIONS.trafficChangedAt] = now.toISOString();
  return annotations;
}
