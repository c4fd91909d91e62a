// Cloud Scheduler v1 in the emulator: the protos from @google-cloud/scheduler,
// the store, the dispatcher that fires jobs through the router, and the gRPC
// handlers. Execution logs go to the telemetry store like every other log.
import { createRequire } from "node:module";
import path from "node:path";
import type * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import type { Db } from "../../db";
import { INCLUDE_DIRS, LOADER_OPTIONS } from "../../grpc/protos";
import type { Logger } from "../../log";
import type { LogRow } from "../../telemetry/store";
import type { Projects } from "../projects";
import { schedulerHandlers } from "./api";
import type { SchedulerClock } from "./clock";
import { Dispatcher } from "./dispatcher";
import { SchedulerStore } from "./store";

const require = createRequire(import.meta.url);

function loadDefinition(): grpc.ServiceDefinition {
  const dir = path.join(path.dirname(require.resolve("@google-cloud/scheduler")), "..", "protos");
  const def = protoLoader.loadSync(["google/cloud/scheduler/v1/cloudscheduler.proto"], {
    ...LOADER_OPTIONS,
    includeDirs: [dir, ...INCLUDE_DIRS],
  });
  return def["google.cloud.scheduler.v1.CloudScheduler"] as grpc.ServiceDefinition;
}

export type SchedulerApi = {
  definition: grpc.ServiceDefinition;
  handlers: ReturnType<typeof schedulerHandlers>;
  store: SchedulerStore;
  clock: SchedulerClock;
  dispatcher: Dispatcher;
};

export async function createSchedulerApi(deps: {
  db: Db;
  projects: Projects;
  log: Logger;
  clock: SchedulerClock;
  writeLog: (row: LogRow) => void;
  routerPort: () => number;
}): Promise<SchedulerApi> {
  const store = new SchedulerStore(deps.db, deps.projects);
  await store.ensureSchema();
  const { clock } = deps;
  const dispatcher = new Dispatcher({
    store,
    clock,
    log: deps.log,
    writeLog: deps.writeLog,
    routerPort: deps.routerPort,
  });
  return {
    definition: loadDefinition(),
    handlers: schedulerHandlers({ store, projects: deps.projects, clock, dispatcher }),
    store,
    clock,
    dispatcher,
  };
}

export { SchedulerClock } from "./clock";
