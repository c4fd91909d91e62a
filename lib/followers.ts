// Every kind of operation the portal starts, with its follower: the one place
// that knows them all (DESIGN: "each capability registers its follower by
// operation kind at start-up"). A new kind adds one line here.
import { databaseFollowers } from "./databases";
import { config } from "./config";
import {
  alertingClients,
  observabilityClients,
  runClients,
  runJobsClients,
  secretsClient,
  sqlClients,
  type GcpTarget,
} from "./gcp/clients";
import { jobFollowers } from "./run-jobs";
import { combineFollowers, type Followers } from "./operations";
import { releaseFollowers } from "./releases";
import { rotationFollowers } from "./secrets/rotate";
import { serviceFollowers } from "./services";

/** `target` defaults to the configured Google side (tests pass their emulator). */
export function portalFollowers(target?: GcpTarget): Followers {
  return combineFollowers(
    serviceFollowers(() => runClients(target)),
    databaseFollowers(() => sqlClients(target)),
    rotationFollowers(() => ({ run: runClients(target), secrets: secretsClient(target), sql: sqlClients(target) })),
    jobFollowers(() => runJobsClients(target)),
    releaseFollowers(() => ({
      run: runClients(target),
      observability: observabilityClients(target),
      alerting: alertingClients(target),
      monitoringLagMs: monitoringLagMs(target ?? config().gcp),
    })),
  );
}

/** Google writes Cloud Run's points up to ~3 minutes late; the emulator's are complete when read (docs/decisions/0009). */
export function monitoringLagMs(target: GcpTarget): number {
  return target.emulatorHost ? 0 : 180_000;
}
