// What the service page shows of releases, as plain JSON (the panel polls it
// from /api/releases/<id>): the release with its steps, time left in the step,
// "data up to", its checks and decisions; and the service's history.
import type { Db } from "../db";
import { isCovered, notCovered, scopeOfResourceName } from "../scope";
import {
  releaseEntries,
  releaseHistory,
  getRelease,
  type ReleaseRow,
  type ReleaseSnooze,
  type ReleaseState,
} from "./store";
import type { ReleasePlan } from "./plan";

export type CheckJson = {
  at: string;
  verdict: "pass" | "fail" | "no-data";
  text: string;
  percent: number;
  canary: { requests: number; errors: number; p99Ms: number | null };
  stable: { requests: number; errors: number; p99Ms: number | null };
  upTo: string;
};

export type ReleaseJson = {
  id: string;
  service: string;
  canary: string;
  canaryTag: string;
  state: ReleaseState;
  /** What the release is doing right now, when it is moving traffic. */
  moving: "step" | "promote" | "abort" | null;
  plan: ReleasePlan;
  stepIndex: number;
  stepStartedAt: string | null;
  /** When the current step can end at the earliest, and at the latest for low traffic. */
  stepEndsAt: string | null;
  dataUpTo: string | null;
  note: string | null;
  /** The snooze of the service's alerts the plan asked for; null when it did not. */
  snooze: {
    state: ReleaseSnooze["state"];
    until: string | null;
    policies: number;
    left: number;
    endedAt: string | null;
    error: string | null;
  } | null;
  createdAt: string;
  updatedAt: string;
  checks: CheckJson[];
  decisions: { at: string; step: number; text: string }[];
};

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function summary(r: ReleaseRow): Omit<ReleaseJson, "checks" | "decisions"> {
  return {
    id: r.operationId,
    service: r.service,
    canary: r.canary,
    canaryTag: r.canaryTag,
    state: r.state,
    moving: r.pending?.purpose ?? null,
    plan: r.plan,
    stepIndex: r.stepIndex,
    stepStartedAt: iso(r.stepStartedAt),
    stepEndsAt: r.stepStartedAt ? new Date(r.stepStartedAt.getTime() + r.plan.stepSeconds * 1000).toISOString() : null,
    dataUpTo: iso(r.dataUpTo),
    note: r.note,
    snooze: r.snooze && {
      state: r.snooze.state,
      until: r.snooze.until ?? null,
      policies: r.snooze.policies?.length ?? 0,
      left: r.snooze.left?.length ?? 0,
      endedAt: r.snooze.endedAt ?? null,
      error: r.snooze.error ?? null,
    },
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export async function releaseJson(db: Db, id: string): Promise<ReleaseJson | null> {
  const r = await getRelease(db, id);
  if (!r) return null;
  const entries = await releaseEntries(db, id, 100);
  const checks = entries
    .filter((e) => e.kind === "check")
    .slice(0, 20)
    .map((e): CheckJson => {
      const d = (e.data ?? {}) as Record<string, unknown>;
      return {
        at: e.at.toISOString(),
        verdict: d.verdict as CheckJson["verdict"],
        text: e.text,
        percent: Number(d.percent ?? 0),
        canary: d.canary as CheckJson["canary"],
        stable: d.stable as CheckJson["stable"],
        upTo: String(d.upTo ?? ""),
      };
    });
  const decisions = entries
    .filter((e) => e.kind === "decision")
    .map((e) => ({ at: e.at.toISOString(), step: e.step, text: e.text }));
  return { ...summary(r), checks, decisions };
}

export type ReleaseRead = { ok: true; release: ReleaseJson } | { ok: false; status: 403 | 404; error: string };

/**
 * A release for /api/releases/<id>, inside Settings' scope: 404 when there is none,
 * 403 when its service's project/region is not (or no longer) covered.
 */
export async function readRelease(db: Db, id: string): Promise<ReleaseRead> {
  const r = await getRelease(db, id);
  if (!r) return { ok: false, status: 404, error: "This release does not exist." };
  const scope = scopeOfResourceName(r.service);
  if (!scope) return { ok: false, status: 404, error: "This release does not exist." };
  if (!(await isCovered(db, scope))) return { ok: false, status: 403, error: notCovered(scope).message };
  return { ok: true, release: (await releaseJson(db, id))! };
}

/** The service's releases for its history panel, newest first. */
export async function releaseHistoryJson(
  db: Db,
  service: string,
): Promise<Omit<ReleaseJson, "checks" | "decisions">[]> {
  return (await releaseHistory(db, service)).map(summary);
}
