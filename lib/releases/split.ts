// The traffic a release sends, pure: each step's split, the promotion and the
// abort (the exact traffic before the release, with the canary keeping its
// tag). Targets are in Cloud Run's own shape, so the prior traffic goes back
// to Google exactly as it was read.
export const LATEST = "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST";
export const REVISION = "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION";

export type Target = { type: typeof LATEST | typeof REVISION; revision?: string; percent: number; tag?: string };
/** A revision's share of traffic before the release (LATEST resolved). */
export type StableShare = { revision: string; percent: number };

/** Targets as Cloud Run returns them (enums as names, empty strings for unset). */
export function toTargets(traffic: { type?: unknown; revision?: string | null; percent?: number | null; tag?: string | null }[] | null | undefined): Target[] {
  return (traffic ?? []).map((t) => {
    const latest = String(t.type) === LATEST || t.type === 1;
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
  const parts = targets.map((t) => `${t.type === LATEST ? "latest" : t.revision} ${t.percent} %${t.tag ? ` (tag ${t.tag})` : ""}`);
  return parts.join(", ") || "none";
}

/** Tag-only routes of the prior traffic, minus the canary's own tag (its entry carries it). */
function keptTags(prior: Target[], canaryTag: string): Target[] {
  return prior.filter((t) => t.tag && t.tag !== canaryTag).map((t) => ({ ...t, percent: 0 }));
}

/** Canary at `percent`, the stable revisions sharing the rest as they shared everything before. */
export function stepTraffic(prior: Target[], stable: StableShare[], canary: string, canaryTag: string, percent: number): Target[] {
  const rest = 100 - percent;
  const total = stable.reduce((s, r) => s + r.percent, 0) || 1;
  const shares = stable.map((r) => ({ revision: r.revision, percent: Math.floor((rest * r.percent) / total) }));
  // Rounding leftovers go to the largest stable revision, so the split adds up to 100.
  const left = rest - shares.reduce((s, r) => s + r.percent, 0);
  if (shares.length) shares[0].percent += left;
  return [
    ...shares.filter((s) => s.percent > 0).map((s) => ({ type: REVISION, revision: s.revision, percent: s.percent }) as Target),
    ...keptTags(prior, canaryTag),
    { type: REVISION, revision: canary, percent, tag: canaryTag },
  ];
}

/** All traffic to the canary: LATEST when it is the newest ready revision, so the service follows deploys again. */
export function promoteTraffic(prior: Target[], canary: string, canaryTag: string, canaryIsLatest: boolean): Target[] {
  return [
    canaryIsLatest ? { type: LATEST, percent: 100 } : { type: REVISION, revision: canary, percent: 100 },
    ...keptTags(prior, canaryTag),
    { type: REVISION, revision: canary, percent: 0, tag: canaryTag },
  ];
}

/** Exactly the traffic before the release, plus the canary's tag so people can still reach it. */
export function abortTraffic(prior: Target[], canary: string, canaryTag: string): Target[] {
  if (prior.some((t) => t.tag === canaryTag)) return prior;
  return [...prior, { type: REVISION, revision: canary, percent: 0, tag: canaryTag }];
}

/** The canary's share of a split. */
export function canaryPercent(targets: Target[], canary: string): number {
  return targets.filter((t) => t.type === REVISION && t.revision === canary).reduce((s, t) => s + t.percent, 0);
}
