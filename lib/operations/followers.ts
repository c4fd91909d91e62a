// Followers by operation kind, like a job registry: each capability declares
// how to follow the kinds it starts (lib/services, lib/databases,
// lib/secrets/rotate), and the map is put together once at start-up
// (lib/followers.ts). This folder never imports a capability.
import type { Role } from "../auth/roles";
import type { Db } from "../db";
import { log } from "../log";
import { finishOperation } from "./finish";
import { pollUntilDone } from "./loop";
import { getOperation, type OperationView } from "./record";
import { fail } from "./steps";

export type Follower = {
  /** Audit area of the kind: the end is audited as `${area}.${kind}.completed`. */
  area: string;
  /** Where the change goes, in words ("Cloud Run"). */
  system: string;
  intervalMs: number;
  /**
   * The least role that may see this kind's rows: the role of the page that
   * shows them (the API answers the same, issue 14 finding 4). Unset: admins only.
   */
  viewRole?: Role;
  /** One look at Google for a running row that reached it; returns the updated row. */
  poll(db: Db, op: OperationView): Promise<Looked>;
};

/**
 * A row after a look. A follower that knows it has nothing to do for a while
 * (a paused release, a check due in 30 s) says when to look again; otherwise
 * the queue looks again after `intervalMs`.
 */
export type Looked = OperationView & { nextLookInMs?: number };

export type Followers = Readonly<Record<string, Follower>>;

// An operation whose row never recorded what was sent is given this long
// before it is called interrupted: its starting instance may still be sending.
export const START_GRACE_MS = 120_000;

export function followerFor(followers: Followers, kind: string): Follower {
  const f = followers[kind];
  if (!f)
    throw new Error(
      `no follower is registered for operations of kind "${kind}" (known: ${Object.keys(followers).join(", ")})`,
    );
  return f;
}

/** Puts capabilities' followers together; a kind registered twice is a mistake. */
export function combineFollowers(...groups: Followers[]): Followers {
  const all: Record<string, Follower> = {};
  for (const group of groups) {
    for (const [kind, f] of Object.entries(group)) {
      if (all[kind]) throw new Error(`operations of kind "${kind}" have two followers`);
      all[kind] = f;
    }
  }
  return all;
}

/** One look at a row, whatever its kind; returns the updated row. */
export async function pollOperation(db: Db, followers: Followers, op: OperationView): Promise<Looked> {
  if (op.status !== "running") return op;
  const f = followerFor(followers, op.kind);
  if (op.googleName) return f.poll(db, op);
  // The instance that started it stopped before recording what it sent.
  if (Date.now() - op.createdAt.getTime() < START_GRACE_MS) return op;
  const error = `Interrupted before the change reached ${f.system}; nothing was changed.`;
  log.warn("operation interrupted before it was sent", { operation: op.id, kind: op.kind, target: op.target });
  return finishOperation(db, f.area, op, { status: "failed", error, steps: fail(op.steps, error) });
}

/** Polls until the operation ends or `budgetMs` runs out; true when it ended (or does not exist). */
export async function followOperation(db: Db, followers: Followers, id: string, budgetMs: number): Promise<boolean> {
  const op = await getOperation(db, id);
  if (!op) return true;
  const { intervalMs } = followerFor(followers, op.kind);
  return pollUntilDone(db, id, budgetMs, intervalMs, (row) => pollOperation(db, followers, row));
}
