// The portal's follow-operation queue (pg-boss) for tests, following
// operations on a test emulator. The one place tests start it, so a change
// to startJobs' options is made here once.
import { randomUUID } from "node:crypto";
import type { Db } from "../lib/db";
import { runClients } from "../lib/gcp/clients";
import { startJobs, type Jobs } from "../lib/operations/jobs";

export async function startTestJobs(opts: { databaseUrl: string; db: Db; emulatorHost: string }): Promise<Jobs> {
  // Today the queue's followers for Cloud SQL and Secret Manager build the
  // process's own clients from config(): point the process at the emulator.
  process.env.DATABASE_URL ??= opts.databaseUrl;
  process.env.AUTH_SECRET ??= randomUUID() + randomUUID();
  process.env.GCP_EMULATOR_HOST = opts.emulatorHost;
  return startJobs({ databaseUrl: opts.databaseUrl, db: opts.db, clients: () => runClients({ emulatorHost: opts.emulatorHost }) });
}
