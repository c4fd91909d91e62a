// "Back up now": an on-demand backup run of one instance.
import type { ActionDefinition } from "../actions";
import { portalDatabaseDeps, type DatabaseDeps } from "./deps";
import { instanceName } from "./names";
import { BackupInput } from "./schemas";
import { startBackup, type DatabaseWriteResult } from "./start";

export function backupDefinition(
  deps: () => DatabaseDeps = portalDatabaseDeps,
): ActionDefinition<typeof BackupInput, DatabaseWriteResult> {
  return {
    name: "databases.backup",
    role: "operator",
    input: BackupInput,
    target: instanceName,
    scope: ({ project }) => ({ project }),
    run: (ctx, input) =>
      startBackup(ctx, deps(), input, {
        kind: "backup",
        description: `On-demand backup by ${ctx.actor.email} (Runway)`,
      }),
  };
}
