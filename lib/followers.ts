// Every kind of operation the portal starts, with its follower: the one place
// that knows them all (DESIGN: "each capability registers its follower by
// operation kind at start-up"). A new kind adds one line here.
import { databaseFollowers } from "./databases";
import { runClients, secretsClient, sqlClients } from "./gcp/clients";
import { combineFollowers, type Followers } from "./operations";
import { rotationFollowers } from "./secrets/rotate";
import { serviceFollowers } from "./services";

export function portalFollowers(): Followers {
  return combineFollowers(
    serviceFollowers(() => runClients()),
    databaseFollowers(() => sqlClients()),
    rotationFollowers(() => ({ run: runClients(), secrets: secretsClient(), sql: sqlClients() })),
  );
}
