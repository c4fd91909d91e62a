// What service mutations need beyond the action context. Production uses the
// process's clients and job queue; tests pass their own.
import { runClients, type RunClients } from "../gcp/clients";
import { enqueueFollow } from "../operations/runtime";

export type ServiceDeps = { clients: RunClients; enqueueFollow(operationId: string): Promise<void> };

export const portalDeps = (): ServiceDeps => ({ clients: runClients(), enqueueFollow });
