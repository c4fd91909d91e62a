// What Cloud Run job actions need beyond the action context. Production uses
// the process's clients and job queue; tests pass their own.
import { runJobsClients, type RunJobsClients } from "../gcp/clients";
import { enqueueFollow } from "../operations/runtime";

export type JobDeps = { jobs: RunJobsClients; enqueueFollow(operationId: string): Promise<void> };

export const portalJobDeps = (): JobDeps => ({ jobs: runJobsClients(), enqueueFollow });
