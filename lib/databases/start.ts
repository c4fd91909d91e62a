// The shared first move of "Back up now" and restore: claim the operation
// (idempotency), insert a backup run, record Cloud SQL's operation and hand
// it to the follower (follow.ts).
import type { ActionContext, ActionOutput } from "../actions";
import { AppError, Conflict } from "../errors";
import { GRPC, grpcCode, upstreamError } from "../gcp/errors";
import { log } from "../log";
import { claimOperation, updateOperation } from "../operations/record";
import { fail, initialSteps } from "../operations/steps";
import type { DatabaseDeps } from "./deps";
import { instanceName, type InstanceRef } from "./names";

export type DatabaseWriteResult = { operationId: string; duplicate: boolean };

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
  if (grpcCode(err) === GRPC.ABORTED) return new Conflict(`Another operation is running on ${ref.instance}; wait for it to finish and try again.`);
  return upstreamError(err, what);
}

export async function startBackup(
  { actor, db }: ActionContext,
  deps: DatabaseDeps,
  input: InstanceRef & { idempotencyKey: string },
  opts: { kind: "backup" | "restore"; description: string; restore?: DatabasePlan["restore"] },
): Promise<ActionOutput<DatabaseWriteResult>> {
  const claim = await claimOperation(db, { idempotencyKey: input.idempotencyKey, kind: opts.kind, service: instanceName(input), actorEmail: actor.email });
  if (!claim.created) {
    return { data: { operationId: claim.operation.id, duplicate: true }, message: "Already submitted: showing the first request's progress.", details: { duplicateOf: claim.operation.id, operation: claim.operation.googleName } };
  }
  const opId = claim.operation.id;
  let plan: DatabasePlan;
  try {
    const [op] = await deps.sql.backupRuns
      .insert({ project: input.project, instance: input.instance, body: { description: opts.description } }, { timeout: 30_000 })
      .catch((err) => { throw sqlError(err, input, `backing up ${input.instance}`); });
    plan = { project: input.project, instance: input.instance, backupId: op.backupContext?.backupId != null ? String(op.backupContext.backupId) : null, backupOperation: op.name ?? "", restore: opts.restore };
  } catch (err) {
    // The row is shown to people: only typed errors say more than "failed".
    const message = err instanceof AppError ? err.message : "Failed before reaching Cloud SQL; the server log has the details.";
    await updateOperation(db, opId, { status: "failed", error: message, steps: fail(initialSteps(opts.kind), message) });
    throw err;
  }
  // Cloud SQL has it now: from here on the operation is followed, never failed by us.
  await updateOperation(db, opId, { googleName: plan.backupOperation!, before: plan });
  await deps.enqueueFollow(opId).catch((err) => log.error("could not enqueue the follower; it resumes at the next start", { operation: opId, error: String(err) }));
  return {
    data: { operationId: opId, duplicate: false },
    details: { operation: plan.backupOperation, runwayOperation: opId, before: { restoring: opts.restore?.backupRunId ?? null, from: opts.restore?.sourceInstance ?? null }, after: { backupId: plan.backupId } },
  };
}
