// Release rows in Postgres: the state a follower needs to carry on after a
// restart, changed only through `moveRelease`, which bumps a version so that a
// second driver holding a stale copy changes nothing (it stops instead).
import type { Db, Prisma } from "../db";
import { Prisma as PrismaValues } from "../generated/prisma/client";
import { planOrDefault, type ReleasePlan } from "./plan";
import type { StableShare, Target } from "./split";

export type ReleaseState =
  "deploying" | "shifting" | "observing" | "paused" | "holding" | "promoted" | "aborted" | "failed";
export const ENDED: ReleaseState[] = ["promoted", "aborted", "failed"];

/**
 * The release's snooze of its service's alert policies (plan.snoozeAlerts):
 * "creating" is written before CreateSnooze (with the display name that finds
 * it again), "active" once its name is known, "ended" when the release ended it.
 */
export type ReleaseSnooze = {
  state: "creating" | "active" | "ended" | "none" | "failed";
  displayName?: string;
  name?: string;
  /** The policies snoozed, and those left out (over Google's 16 per snooze). */
  policies?: string[];
  left?: string[];
  until?: string;
  endedAt?: string;
  error?: string;
};

export type Pending = {
  traffic: Target[];
  purpose: "step" | "promote" | "abort";
  reason: string;
  lro?: string;
  sentAt?: string;
};

export type ReleaseRow = {
  operationId: string;
  service: string;
  canary: string;
  canaryTag: string;
  plan: ReleasePlan;
  prior: Target[];
  stable: StableShare[];
  state: ReleaseState;
  stepIndex: number;
  stepStartedAt: Date | null;
  pending: Pending | null;
  etag: string;
  failedInRow: number;
  nextCheckAt: Date | null;
  googleErrors: number;
  retryAt: Date | null;
  dataUpTo: Date | null;
  note: string | null;
  snooze: ReleaseSnooze | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
};

export type ReleaseEntryView = {
  id: string;
  at: Date;
  kind: "check" | "decision";
  step: number;
  text: string;
  data: Record<string, unknown> | null;
};

function view(row: Prisma.ReleaseGetPayload<object>): ReleaseRow {
  return {
    ...row,
    plan: planOrDefault(row.plan),
    prior: row.prior as Target[],
    stable: row.stable as StableShare[],
    state: row.state as ReleaseState,
    pending: (row.pending ?? null) as Pending | null,
    snooze: (row.snooze ?? null) as ReleaseSnooze | null,
  };
}

export async function createRelease(
  db: Db,
  data: Pick<
    ReleaseRow,
    "operationId" | "service" | "canary" | "canaryTag" | "plan" | "prior" | "stable" | "state" | "etag"
  > & { pending?: Pending | null },
): Promise<ReleaseRow> {
  const row = await db.release.create({
    data: {
      ...data,
      plan: data.plan as Prisma.InputJsonValue,
      prior: data.prior as Prisma.InputJsonValue,
      stable: data.stable as Prisma.InputJsonValue,
      pending: (data.pending ?? undefined) as Prisma.InputJsonValue | undefined,
    },
  });
  return view(row);
}

export async function getRelease(db: Db, operationId: string): Promise<ReleaseRow | null> {
  const row = await db.release.findUnique({ where: { operationId } });
  return row ? view(row) : null;
}

export type ReleaseChange = Partial<
  Omit<ReleaseRow, "operationId" | "service" | "canary" | "plan" | "version" | "createdAt" | "updatedAt">
>;

/** Applies `change` if nobody moved the release since `from` was read; null when someone did. */
export async function moveRelease(
  db: Db,
  from: ReleaseRow,
  change: ReleaseChange,
  entries: { kind: "check" | "decision"; text: string; data?: unknown }[] = [],
): Promise<ReleaseRow | null> {
  const pending =
    change.pending === undefined
      ? undefined
      : change.pending === null
        ? PrismaValues.DbNull
        : (change.pending as Prisma.InputJsonValue);
  const snooze =
    change.snooze === undefined
      ? undefined
      : change.snooze === null
        ? PrismaValues.DbNull
        : (change.snooze as Prisma.InputJsonValue);
  const data = {
    ...change,
    pending,
    snooze,
    prior: change.prior as Prisma.InputJsonValue | undefined,
    stable: change.stable as Prisma.InputJsonValue | undefined,
  };
  return db.$transaction(async (tx) => {
    const { count } = await tx.release.updateMany({
      where: { operationId: from.operationId, version: from.version },
      data: { ...data, version: { increment: 1 } } as Prisma.ReleaseUpdateManyMutationInput,
    });
    if (count === 0) return null;
    const step = change.stepIndex ?? from.stepIndex;
    if (entries.length) {
      await tx.releaseEntry.createMany({
        data: entries.map((e) => ({
          releaseId: from.operationId,
          kind: e.kind,
          step,
          text: e.text,
          data: e.data as Prisma.InputJsonValue | undefined,
        })),
      });
    }
    return view(await tx.release.findUniqueOrThrow({ where: { operationId: from.operationId } }));
  });
}

export async function releaseEntries(db: Db, operationId: string, take = 200): Promise<ReleaseEntryView[]> {
  const rows = await db.releaseEntry.findMany({ where: { releaseId: operationId }, orderBy: { id: "desc" }, take });
  return rows.map((r) => ({
    id: String(r.id),
    at: r.at,
    kind: r.kind as "check" | "decision",
    step: r.step,
    text: r.text,
    data: (r.data ?? null) as Record<string, unknown> | null,
  }));
}

/**
 * Marks failed the service's releases still open whose operation is no longer
 * running (interrupted before they reached Cloud Run). Called under the
 * start's exclusive operation claim, so a live release is never touched.
 */
export async function failInterruptedReleases(db: Db, service: string): Promise<void> {
  await db.$executeRaw`UPDATE releases r SET state = 'failed', note = 'Interrupted before the release reached Cloud Run.', version = version + 1, updated_at = now()
    FROM operations o WHERE o.id = r.operation_id AND r.service = ${service} AND r.state NOT IN ('promoted', 'aborted', 'failed') AND o.status <> 'running'`;
}

/** The service's release in progress (paused and holding included), if any. */
export async function activeRelease(db: Db, service: string): Promise<ReleaseRow | null> {
  const row = await db.release.findFirst({
    where: { service, state: { notIn: ENDED } },
    orderBy: { createdAt: "desc" },
  });
  return row ? view(row) : null;
}

/** The service's releases, newest first. */
export async function releaseHistory(db: Db, service: string, take = 20): Promise<ReleaseRow[]> {
  return (await db.release.findMany({ where: { service }, orderBy: { createdAt: "desc" }, take })).map(view);
}

/** Releases in progress on these services, for the fleet's badges. */
export async function activeReleases(db: Db, services?: string[]): Promise<ReleaseRow[]> {
  return (
    await db.release.findMany({
      where: { state: { notIn: ENDED }, ...(services ? { service: { in: services } } : {}) },
    })
  ).map(view);
}
