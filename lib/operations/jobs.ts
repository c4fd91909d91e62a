// Operations are followed through a Postgres-backed queue (pg-boss), so any
// portal instance picks the work up, also after a restart: a job whose
// instance died expires and is retried elsewhere.
import "server-only";
import PgBoss from "pg-boss";
import type { Db } from "../db";
import { log } from "../log";
import { followOperation, type Followers } from "./followers";

const QUEUE = "follow-operation";
// A job looks for this long, then hands over to a fresh retry; a job whose
// instance died is retried once it expires.
const SLICE_MS = 40_000;
const JOB = { expireInSeconds: 60, retryLimit: 400, retryDelay: 1 } as const;

export class StillRunning extends Error {}

export type Jobs = { enqueueFollow(operationId: string): Promise<void>; stop(): Promise<void> };

export async function startJobs(opts: { databaseUrl: string; db: Db; followers: Followers }): Promise<Jobs> {
  const boss = new PgBoss({ connectionString: opts.databaseUrl, schema: "pgboss", max: 4 });
  boss.on("error", (err) => log.error("job queue error", { error: String(err) }));
  await boss.start();
  await boss.createQueue(QUEUE);
  await boss.work<{ operationId: string }>(QUEUE, { pollingIntervalSeconds: 0.5 }, async ([job]) => {
    const ended = await followOperation(opts.db, opts.followers, job.data.operationId, SLICE_MS);
    if (!ended) throw new StillRunning(`operation ${job.data.operationId} still running`);
  });
  return {
    async enqueueFollow(operationId) {
      // One follower per operation, however often it is asked for.
      await boss.send(QUEUE, { operationId }, { ...JOB, singletonKey: operationId });
    },
    stop: () => boss.stop({ graceful: true, wait: true, timeout: 5_000 }),
  };
}
