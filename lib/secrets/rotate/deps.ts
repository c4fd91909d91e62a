// What a rotation needs beyond the action context. Production uses the
// process's clients and job queue; tests pass their own.
import type { SecretManagerServiceClient } from "@google-cloud/secret-manager";
import { runClients, secretsClient, sqlClients, type RunClients, type SqlClients } from "../../gcp/clients";
import { enqueueFollow } from "../../operations/runtime";

export type RotationClients = { run: RunClients; secrets: SecretManagerServiceClient; sql: SqlClients };
export type RotationDeps = RotationClients & { enqueueFollow(operationId: string): Promise<void> };

export const portalRotationDeps = (): RotationDeps => ({
  run: runClients(),
  secrets: secretsClient(),
  sql: sqlClients(),
  enqueueFollow,
});
