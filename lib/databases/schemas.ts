// Inputs of the database actions, validated in the guarded path.
import { z } from "zod";

const ID = /^[a-z][a-z0-9-]{0,97}$/;
const project = z.string().regex(/^[a-z][a-z0-9-]{4,61}[a-z0-9]$/, "Not a project id.");
const instance = z.string().regex(ID, "Not an instance name.");
const idempotencyKey = z.uuid("Missing form key; reload the page.");

export const BackupInput = z.object({ project, instance, idempotencyKey });
export type BackupInput = z.infer<typeof BackupInput>;

export const RestoreInput = z
  .object({
    project,
    /** The target: its data is replaced by the backup's. */
    instance,
    sourceInstance: instance,
    backupRunId: z.string().regex(/^\d+$/, "Choose a backup."),
    confirmName: z.string(),
    idempotencyKey,
  })
  .superRefine((v, ctx) => {
    if (v.confirmName !== v.instance)
      ctx.addIssue({ code: "custom", path: ["confirmName"], message: `Type ${v.instance} exactly to confirm.` });
  });
export type RestoreInput = z.infer<typeof RestoreInput>;
