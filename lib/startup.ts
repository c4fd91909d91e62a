// Start-up of a portal server: configuration is validated here, so a missing
// or malformed variable stops the server with a message that names it.
import { alertingDeps, connectSeededPolicies } from "./alerting";
import { ensureLocalAccounts } from "./auth/local-accounts";
import { config, ConfigError } from "./config";
import { db } from "./db";
import { log } from "./log";
import { portalFollowers } from "./followers";
import { runningOperations } from "./operations/record";
import { startJobs } from "./operations/jobs";
import { setJobs } from "./operations/runtime";
import { bootstrapLocations, ensureLocations, listLocations } from "./services/locations";

export async function startPortal(): Promise<void> {
  let cfg;
  try {
    cfg = config();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    log.error("portal configuration is invalid", { problems: err.problems });
    process.exit(1);
  }
  if (cfg.auth.localSignIn) await ensureLocalAccounts(db());
  await ensureLocations(
    db(),
    bootstrapLocations({
      projects: cfg.gcp.projects,
      regions: cfg.gcp.regions,
      emulator: Boolean(cfg.gcp.emulatorHost),
    }),
  );
  if (cfg.gcp.emulatorHost) {
    // The emulator's seeded policies also notify Runway's webhook, so incidents show from the first start (not awaited: start-up does not wait on Monitoring).
    void listLocations(db())
      .then((locations) => connectSeededPolicies(db(), alertingDeps(), [...new Set(locations.map((l) => l.project))]))
      .catch((err) =>
        log.warn("alerting: could not connect the seeded policies to Runway's webhook", { error: String(err) }),
      );
  }
  const jobs = await startJobs({ databaseUrl: cfg.databaseUrl, db: db(), followers: portalFollowers() });
  setJobs(jobs);
  // Operations left running by a stopped instance are picked up again.
  for (const op of await runningOperations(db())) await jobs.enqueueFollow(op.id);
  log.info("portal started", {
    signIn: [cfg.auth.google && "google", cfg.auth.localSignIn && "local"].filter(Boolean),
    google: cfg.gcp.emulatorHost ? `emulator ${cfg.gcp.emulatorHost}` : "Application Default Credentials",
  });
}
