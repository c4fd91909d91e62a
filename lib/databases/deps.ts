// What database mutations need beyond the action context. Production uses the
// process's clients and job queue; tests pass their own.
import { sqlClients, type SqlClients } from "../gcp/clients";
import { enqueueFollow } from "../operations/runtime";

export type DatabaseDeps = { sql: SqlClients; enqueueFollow(operationId: string): Promise<void> };

export const portalDatabaseDeps = (): DatabaseDeps => ({ sql: sqlClients(), enqueueFollow });
