// Cloud Run jobs v2 in the emulator: the store, the executor that runs tasks
// as local processes, and the Jobs, Executions and Tasks handlers (their
// operations are served by the shared google.longrunning.Operations).
import type { Db } from "../../db";
import type { Codec } from "../../grpc/protos";
import type { Logger } from "../../log";
import type { Runtime } from "../../runtime";
import type { SecretResolver } from "../../runtime/types";
import type { LogRow } from "../../telemetry/store";
import type { OperationStore } from "../longrunning/store";
import type { Projects } from "../projects";
import type { PolicyStore } from "../iam";
import { executionsHandlers, tasksHandlers } from "./executions";
import { JobExecutor } from "./executor";
import { jobsHandlers } from "./jobs";
import { RunJobStore } from "./store";

export type RunJobsApi = {
  store: RunJobStore;
  executor: JobExecutor;
  jobs: ReturnType<typeof jobsHandlers>;
  executions: ReturnType<typeof executionsHandlers>;
  tasks: ReturnType<typeof tasksHandlers>;
};

export async function createRunJobsApi(deps: {
  db: Db;
  projects: Projects;
  policies: PolicyStore;
  ops: OperationStore;
  runtime: Runtime;
  codec: Codec;
  log: Logger;
  resolveSecret: SecretResolver;
  shutdownGraceMs: number;
  writeLog: (row: LogRow) => void;
}): Promise<RunJobsApi> {
  const store = new RunJobStore(deps.db, deps.projects);
  await store.ensureSchema();
  const executor = new JobExecutor({
    store,
    ops: deps.ops,
    runtime: deps.runtime,
    resolveSecret: deps.resolveSecret,
    shutdownGraceMs: deps.shutdownGraceMs,
    log: deps.log,
    writeLog: deps.writeLog,
  });
  await executor.restore();
  const d = {
    store,
    ops: deps.ops,
    projects: deps.projects,
    policies: deps.policies,
    codec: deps.codec,
    executor,
    runtime: deps.runtime,
    log: deps.log,
  };
  return { store, executor, jobs: jobsHandlers(d), executions: executionsHandlers(d), tasks: tasksHandlers(d) };
}
