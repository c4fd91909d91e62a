// The Cloud Run Admin API v2 module: Services and Revisions handlers plus the
// reconciler that runs their background work.
import type { Codec } from "../../grpc/protos";
import type { Handler } from "../../grpc/server";
import type { Logger } from "../../log";
import type { Runtime } from "../../runtime";
import type { OperationStore } from "../longrunning/store";
import type { Projects } from "../projects";
import { iamHandlers, RUN_SERVICE_PERMISSIONS, type PolicyStore } from "../iam";
import { notFound } from "../../grpc/errors";
import { parseServiceName } from "./names";
import type { SecretStore } from "../secretmanager/store";
import type { RunContext } from "./context";
import { KeyedMutex } from "./mutex";
import { Reconciler } from "./reconciler";
import { revisionsHandlers } from "./revisions";
import { presentService, servicesHandlers } from "./services";
import { RunStore } from "./store";
import type { Service } from "./types";

export type RunApi = {
  store: RunStore;
  reconciler: Reconciler;
  services: Record<string, Handler>;
  revisions: Record<string, Handler>;
  /** Output form of a stored resource (URLs for the current router port). */
  present: (typeName: string, resource: object) => object;
};

export function createRunApi(deps: {
  store: RunStore;
  projects: Projects;
  policies: PolicyStore;
  ops: OperationStore;
  secrets: SecretStore;
  runtime: Runtime;
  codec: Codec;
  log: Logger;
  routerPort: () => number;
}): RunApi {
  const locks = new KeyedMutex();
  const reconciler = new Reconciler({ ...deps, locks });
  const ctx: RunContext = {
    ...deps,
    locks,
    schedule: (op) => reconciler.schedule(op),
    supersede: (name) => reconciler.supersede(name),
  };
  return {
    store: deps.store,
    reconciler,
    services: {
      ...servicesHandlers(ctx),
      ...iamHandlers(deps.policies, async (resource) => {
        const { name, service } = parseServiceName(await deps.projects.canonical(resource));
        if (!(await deps.store.getService(name)))
          throw notFound(`Resource '${service}' of kind 'SERVICE' does not exist.`);
        return { key: name, permissions: RUN_SERVICE_PERMISSIONS };
      }),
    },
    revisions: revisionsHandlers(ctx),
    present: (typeName, resource) =>
      typeName === "google.cloud.run.v2.Service" ? presentService(ctx, resource as Service) : resource,
  };
}

export { RunStore } from "./store";
