// Every kind of operation the portal starts, with its follower: the one place
// that knows them all (DESIGN: "each capability registers its follower by
// operation kind at start-up"). A new kind adds one line here.
import { databaseFollowers } from "./databases";
import { runClients, runJobsClients, secretsClient, sqlClients, type GcpTarget } from "./gcp/clients";
import { jobFollowers } from "./jobs";
import { combineFollowers, type Followers } from "./operations";
import { rotationFollowers } from "./secrets/rotate";
import { serviceFollowers } from "./services";

/** `target` defaults to the configured Google side (tests pass their emulator). */
export function portalFollowers(target?: GcpTarget): Followers {
  return combineFollowers(
    serviceFollowers(() => runClients(target)),
    databaseFollowers(() => sqlClients(target)),
    rotationFollowers(() => ({ run: runClients(target), secrets: secretsClient(target), sql: sqlClients(target) })),
    jobFollowers(() => runJobsClients(target)),
  );
}
