// The traffic a release sends, pure: each step's split, the promotion and the
// abort (the exact traffic before the release, with the canary keeping its
// tag). Targets are in Cloud Run's own shape, so the prior traffic goes back
// to Google exactly as it was read.
import type { protos } from "@google-cloud/run";
import { shortName } from "../services/names";
import { LATEST, REVISION, servingShares, type Share, type Target } from "../services/write/targets";
import type { Pending, ReleaseRow } from "./store";

// Cloud Run's traffic shape and its comparisons live with the write path; the release speaks them too.
export { describeTraffic, LATEST, REVISION, sameTraffic, toTargets, type Target } from "../services/write/targets";

type Service = protos.google.cloud.run.v2.IService;

/** A revision's share of traffic before the release (LATEST resolved). */
export type StableShare = Share;

/** The stable revisions and their shares, from the traffic in effect (LATEST resolved). */
export function stableShares(service: Service, canary: string): StableShare[] {
  return servingShares(service).filter((t) => t.revision !== canary);
}

/** The traffic a decision sends: the next step, the promotion or the abort. */
export function decisionTraffic(
  r: Pick<ReleaseRow, "prior" | "stable" | "canary" | "canaryTag">,
  purpose: Pending["purpose"],
  service: Service,
  percent = 0,
): Target[] {
  if (purpose === "abort") return abortTraffic(r.prior, r.canary, r.canaryTag);
  if (purpose === "promote")
    return promoteTraffic(r.prior, r.canary, r.canaryTag, shortName(service.latestReadyRevision) === r.canary);
  return stepTraffic(r.prior, r.stable, r.canary, r.canaryTag, percent);
}

/** Tag-only routes of the prior traffic, minus the canary's own tag (its entry carries it). */
function keptTags(prior: Target[], canaryTag: string): Target[] {
  return prior.filter((t) => t.tag && t.tag !== canaryTag).map((t) => ({ ...t, percent: 0 }));
}

/** Canary at `percent`, the stable revisions sharing the rest as they shared everything before. */
export function stepTraffic(
  prior: Target[],
  stable: StableShare[],
  canary: string,
  canaryTag: string,
  percent: number,
): Target[] {
  const rest = 100 - percent;
  const total = stable.reduce((s, r) => s + r.percent, 0) || 1;
  const shares = stable.map((r) => ({ revision: r.revision, percent: Math.floor((rest * r.percent) / total) }));
  // Rounding leftovers go to the largest stable revision, so the split adds up to 100.
  const left = rest - shares.reduce((s, r) => s + r.percent, 0);
  if (shares.length) shares[0].percent += left;
  return [
    ...shares
      .filter((s) => s.percent > 0)
      .map((s) => ({ type: REVISION, revision: s.revision, percent: s.percent }) as Target),
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
