// Operations are followed through a Postgres-backed queue (pg-boss), so any
// portal instance picks the work up, also after a restart. A job is one look
// at one operation: a follower never waits inside a job, it schedules its next
// look (`startAfter`) and lets the worker go, so a paused release costs a cheap
// look every few seconds instead of a worker (docs/decisions/0015).
import "server-only";
import PgBoss from "pg-boss";
import pg from "pg";
import type { Db } from "../db";
import { log } from "../log";
import { followerFor, pollOperation, type Followers } from "./followers";
import { getOperation } from "./record";

const QUEUE = "operation-looks";
/** Looks run side by side (each instance), so one slow Google call holds no other kind. */
export const LOOK_WORKERS = 4;
// A look's Google calls time out within 30 s; a job whose instance died expires
// after this and is retried by a live instance.
const JOB = { expireInSeconds: 60, retryLimit: 20, retryDelay: 1 } as const;
/** After a look that failed (the database, a bug): try again, later. */
const AFTER_ERROR_MS = 5_000;
/** Another look of the same operation is under way (here or on another instance). */
const AFTER_BUSY_MS = 1_000;

export type Jobs = {
  /** A look now (an action changed the operation, or an instance starts): deduplicated per operation. */
  enqueueFollow(operationId: string): Promise<void>;
  stop(): Promise<void>;
};

type LookData = { operationId: string };

export async function startJobs(opts: { databaseUrl: string; db: Db; followers: Followers }): Promise<Jobs> {
  const boss = new PgBoss({
    connectionString: opts.databaseUrl,
    schema: "pgboss",
    max: LOOK_WORKERS + 2,
    // A look is a row; a release makes two a second while it moves. Keep an hour of them.
    archiveCompletedAfterSeconds: 3_600,
    deleteAfterHours: 24,
  });
  boss.on("error", (err) => log.error("job queue error", { error: String(err) }));
  await boss.start();
  // `short`: at most one queued (not yet started) job per singleton key.
  await boss.createQueue(QUEUE, { name: QUEUE, policy: "short" });
  // Held for the length of a look: two looks of one operation never overlap,
  // whichever instance runs them (released with the connection if one dies).
  const locks = new pg.Pool({ connectionString: opts.databaseUrl, max: LOOK_WORKERS });
  locks.on("error", (err) => log.error("operation lock connection failed", { error: String(err) }));

  // Two keys per operation: the chain of scheduled looks, and a nudge (an
  // action, a start-up) that must not wait behind a scheduled look.
  const schedule = (operationId: string, afterMs: number) =>
    boss.send(
      QUEUE,
      { operationId },
      { ...JOB, singletonKey: operationId, startAfter: new Date(Date.now() + afterMs) },
    );
  const nudge = (operationId: string) =>
    boss.send(QUEUE, { operationId }, { ...JOB, singletonKey: `${operationId}:now` });

  async function look(operationId: string): Promise<void> {
    const lock = await locks.connect();
    let next: number | null = null;
    try {
      const { rows } = await lock.query<{ locked: boolean }>(
        "SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked",
        [`runway-operation:${operationId}`],
      );
      if (!rows[0].locked) {
        next = AFTER_BUSY_MS;
        return;
      }
      try {
        const op = await getOperation(opts.db, operationId);
        if (!op || op.status !== "running") return;
        const looked = await pollOperation(opts.db, opts.followers, op);
        if (looked.status === "running") next = looked.nextLookInMs ?? followerFor(opts.followers, op.kind).intervalMs;
      } catch (err) {
        log.error("operation look failed; looking again later", { operation: operationId, error: String(err) });
        next = AFTER_ERROR_MS;
      } finally {
        await lock.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [`runway-operation:${operationId}`]);
      }
    } finally {
      lock.release();
      if (next !== null) await schedule(operationId, next);
    }
  }

  for (let i = 0; i < LOOK_WORKERS; i++) {
    await boss.work<LookData>(QUEUE, { pollingIntervalSeconds: 0.5 }, async ([job]) => look(job.data.operationId));
  }
  return {
    async enqueueFollow(operationId) {
      await nudge(operationId);
    },
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 5_000 });
      await locks.end();
    },
  };
}
