// The shared first move of "Back up now" and restore: insert a backup run
// (the safety backup, for a restore) and hand Cloud SQL's operation to the
// follower (follow.ts), through the one operation start of lib/operations.
import type { ActionContext, ActionOutput } from "../actions";
import { AppError, Conflict } from "../errors";
import { GRPC, grpcCode, upstreamError } from "../gcp/errors";
import { startOperation, type StartedOperation, type StepPlan } from "../operations";
import type { DatabaseDeps } from "./deps";
import { instanceName, type InstanceRef } from "./names";

export type DatabaseWriteResult = StartedOperation;

export const DATABASE_STEPS = {
  backup: [
    { key: "backup", label: "Backing up" },
    { key: "done", label: "Done" },
  ],
  restore: [
    { key: "backup", label: "Backing up the target" },
    { key: "restore", label: "Restoring" },
    { key: "done", label: "Done" },
  ],
} as const satisfies Record<string, StepPlan>;

export type DatabaseOperationKind = keyof typeof DATABASE_STEPS;

/** What the follower needs to carry on; kept in the operation row's `before`. */
export type DatabasePlan = {
  project: string;
  instance: string;
  /** The backup run this operation creates first (the safety backup for a restore). */
  backupId: string | null;
  backupOperation: string | null;
  restore?: { backupRunId: string; sourceInstance: string; operation: string | null };
};

/** ABORTED from Cloud SQL: one mutation at a time per instance. */
export function sqlError(err: unknown, ref: InstanceRef, what: string): AppError {
  if (grpcCode(err) === GRPC.ABORTED)
    return new Conflict(`Another operation is running on ${ref.instance}; wait for it to finish and try again.`);
  return upstreamError(err, "Cloud SQL", what);
}

export function startBackup(
  ctx: ActionContext,
  deps: DatabaseDeps,
  input: InstanceRef & { idempotencyKey: string },
  opts: { kind: DatabaseOperationKind; description: string; restore?: DatabasePlan["restore"] },
): Promise<ActionOutput<DatabaseWriteResult>> {
  const spec = {
    kind: opts.kind,
    target: instanceName(input),
    idempotencyKey: input.idempotencyKey,
    steps: DATABASE_STEPS[opts.kind],
    system: "Cloud SQL",
    enqueueFollow: deps.enqueueFollow,
  };
  return startOperation(ctx, spec, async () => {
    const [op] = await deps.sql.backupRuns
      .insert(
        { project: input.project, instance: input.instance, body: { description: opts.description } },
        { timeout: 30_000 },
      )
      .catch((err) => {
        throw sqlError(err, input, `backing up ${input.instance}`);
      });
    const plan: DatabasePlan = {
      project: input.project,
      instance: input.instance,
      backupId: op.backupContext?.backupId != null ? String(op.backupContext.backupId) : null,
      backupOperation: op.name ?? "",
      restore: opts.restore,
    };
    return {
      googleName: plan.backupOperation!,
      plan,
      details: {
        before: { restoring: opts.restore?.backupRunId ?? null, from: opts.restore?.sourceInstance ?? null },
        after: { backupId: plan.backupId },
      },
    };
  });
}
