// The portal's follow-operation queue (pg-boss) for tests: the same followers
// the portal registers at start-up (lib/followers.ts), acting on a test
// emulator. The one place tests start the whole queue.
import type { Db } from "../lib/db";
import { portalFollowers } from "../lib/followers";
import { startJobs, type Jobs } from "../lib/operations";

export function startTestJobs(opts: { databaseUrl: string; db: Db; emulatorHost: string }): Promise<Jobs> {
  return startJobs({ databaseUrl: opts.databaseUrl, db: opts.db, followers: portalFollowers({ emulatorHost: opts.emulatorHost }) });
}
