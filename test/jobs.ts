// The portal's follow-operation queue (pg-boss) for tests: the same followers
// the portal registers at start-up (lib/followers.ts), acting on a test
// emulator. The one place tests start the whole queue.
import type { Db } from "../lib/db";
import { portalFollowers } from "../lib/followers";
import { getOperation, startJobs, type Jobs } from "../lib/operations";

export function startTestJobs(opts: { databaseUrl: string; db: Db; emulatorHost: string }): Promise<Jobs> {
  return startJobs({
    databaseUrl: opts.databaseUrl,
    db: opts.db,
    followers: portalFollowers({ emulatorHost: opts.emulatorHost }),
  });
}

/** Waits until the queue's follower has ended operation `id`; returns the ended row. */
export async function operationEnded(db: Db, id: string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const op = await getOperation(db, id);
    if (op && op.status !== "running") return op;
    if (Date.now() > deadline) throw new Error(`operation ${id} still running`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
