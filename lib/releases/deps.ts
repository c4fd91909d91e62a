// What release actions need beyond the action context. Production uses the
// process's clients and job queue; tests pass their own.
import { config } from "../config";
import { runClients, type RunClients } from "../gcp/clients";
import { enqueueFollow } from "../operations/runtime";

export type ReleaseActionDeps = {
  run: RunClients;
  enqueueFollow(operationId: string): Promise<void>;
  /** Real Google Cloud: Monitoring's minute sets the shortest step (plan.ts). */
  onGoogle: boolean;
};

export const portalReleaseDeps = (): ReleaseActionDeps => ({
  run: runClients(),
  enqueueFollow,
  onGoogle: !config().gcp.emulatorHost,
});
