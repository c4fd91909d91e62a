// The one way an operation starts, for every kind: claim the row (a second
// submit of the same form finds the first), send the change to Google, record
// what was sent, and hand the row to the follower queue. Capabilities supply
// only their Google calls. When sending was refused (our checks or Google said
// no), nothing changed and the row goes again: the action's audit row records
// the attempt, and doomed submits cannot grow the table
// (docs/decisions/0007-operation-rows-only-for-changes.md).
import type { ActionContext, ActionOutput } from "../actions";
import { AppError, Upstream } from "../errors";
import { log } from "../log";
import { claimOperation, deleteOperation, updateOperation } from "./record";
import { fail, initialSteps, type Step, type StepPlan } from "./steps";

export type StartedOperation = { operationId: string; duplicate: boolean; revision: string | null };

export type Sent = {
  /** Google's name for what now runs (an LRO, a Cloud SQL operation, a version). */
  googleName: string;
  revision?: string;
  /** What the follower needs to carry on, kept in the row. */
  plan?: unknown;
  /** Steps once sent, when sending already moved them on. */
  steps?: Step[];
  /** Before/after and names, for the action's audit row. */
  details: Record<string, unknown>;
};

export type StartSpec = {
  kind: string;
  target: string;
  idempotencyKey: string;
  steps: StepPlan;
  /** Where the change goes, in words ("Cloud Run"). */
  system: string;
  /** Refuses while another operation of this kind runs on the target; names it ("A rotation of this secret"). */
  exclusive?: string;
  enqueueFollow(operationId: string): Promise<void>;
};

export async function startOperation(
  { actor, db, auditId }: ActionContext,
  spec: StartSpec,
  send: (operationId: string) => Promise<Sent>,
): Promise<ActionOutput<StartedOperation>> {
  const claim = await claimOperation(
    db,
    {
      idempotencyKey: spec.idempotencyKey,
      kind: spec.kind,
      target: spec.target,
      actorEmail: actor.email,
      steps: initialSteps(spec.steps),
    },
    { exclusive: spec.exclusive, auditId },
  );
  if (!claim.created) {
    const first = claim.operation;
    return {
      data: { operationId: first.id, revision: first.revision, duplicate: true },
      message: "Already submitted: showing the first request's progress.",
      details: { duplicateOf: first.id, operation: first.googleName },
    };
  }
  const opId = claim.operation.id;
  let sent: Sent;
  try {
    sent = await send(opId);
  } catch (err) {
    if (refusedBeforeAnyChange(err)) {
      await deleteOperation(db, opId);
      throw err;
    }
    // It may have reached Google (a timeout, an outage, a crash): keep the row, failed.
    // The row is shown to people: only typed errors say more than "failed".
    const message =
      err instanceof AppError
        ? err.message
        : `Failed while sending the change to ${spec.system}; it may or may not have been applied, so check before trying again. The server log has the details.`;
    await updateOperation(db, opId, { status: "failed", error: message, steps: fail(claim.operation.steps, message) });
    throw err;
  }
  // Google has the change now: from here on the operation is followed, never failed here.
  await updateOperation(db, opId, {
    googleName: sent.googleName,
    revision: sent.revision,
    before: sent.plan,
    steps: sent.steps,
  });
  await spec.enqueueFollow(opId).catch((err) =>
    log.error("could not enqueue the follower; it resumes at the next start", {
      operation: opId,
      error: String(err),
    }),
  );
  return {
    data: { operationId: opId, revision: sent.revision ?? null, duplicate: false },
    details: { runwayOperation: opId, operation: sent.googleName, ...sent.details },
  };
}

/**
 * A typed refusal (invalid, not found, conflict, forbidden), from our checks or
 * from Google's answer to the one mutating call each kind sends last: nothing
 * changed. Upstream errors and crashes may have happened after Google took it.
 */
export function refusedBeforeAnyChange(err: unknown): boolean {
  return err instanceof AppError && !(err instanceof Upstream);
}
