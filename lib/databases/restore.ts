// Restore a backup into a target instance, as one operation: an automatic
// safety backup of the target first, then RestoreBackup once it is done
// (the follower in follow.ts starts the second step), then done.
import type { ActionDefinition } from "../actions";
import { portalDatabaseDeps, type DatabaseDeps } from "./deps";
import { instanceName } from "./names";
import { RestoreInput } from "./schemas";
import { startBackup, type DatabaseWriteResult } from "./start";

export function restoreDefinition(
  deps: () => DatabaseDeps = portalDatabaseDeps,
): ActionDefinition<typeof RestoreInput, DatabaseWriteResult> {
  return {
    name: "databases.restore",
    role: "operator",
    input: RestoreInput,
    target: instanceName,
    scope: ({ project }) => ({ project }),
    run: (ctx, input) =>
      startBackup(ctx, deps(), input, {
        kind: "restore",
        description: `Automatic safety backup before restoring backup ${input.backupRunId} of ${input.sourceInstance} (Runway, ${ctx.actor.email})`,
        restore: { backupRunId: input.backupRunId, sourceInstance: input.sourceInstance, operation: null },
      }),
  };
}
