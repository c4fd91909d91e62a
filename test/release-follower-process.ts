// A portal's follower on its own, as a separate process the release tests can
// kill -9 mid-release: the follow-operation queue with the portal's followers,
// picking up every running operation as a starting portal does.
// Run: tsx --conditions=react-server test/release-follower-process.ts (PORTAL_DATABASE_URL, EMULATOR_HOST).
import { createDb } from "../lib/db";
import { portalFollowers } from "../lib/followers";
import { runningOperations, startJobs } from "../lib/operations";

const databaseUrl = process.env.PORTAL_DATABASE_URL!;
const db = createDb(databaseUrl);
const jobs = await startJobs({
  databaseUrl,
  db,
  followers: portalFollowers({ emulatorHost: process.env.EMULATOR_HOST! }),
});
for (const op of await runningOperations(db)) await jobs.enqueueFollow(op.id);
process.stdout.write("follower ready\n");
setInterval(async () => {
  for (const op of await runningOperations(db)) await jobs.enqueueFollow(op.id);
}, 500);
