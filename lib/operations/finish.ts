// The one way an operation ends: the row gets its outcome, the audit trail a
// `<area>.<kind>.completed` row under the operation's id, the log one line.
import type { Db } from "../db";
import { log } from "../log";
import { auditOperation } from "./audit";
import { updateOperation, type OperationView } from "./record";
import type { Step } from "./steps";

export type Ending = {
  status: "succeeded" | "failed";
  steps: Step[];
  error?: string;
  after?: unknown;
  /** The follower's plan as it ended, when it keeps one in the row. */
  before?: unknown;
  /** Extra facts for the audit row. */
  details?: Record<string, unknown>;
};

export async function finishOperation(db: Db, area: string, op: OperationView, end: Ending): Promise<OperationView> {
  const done = await updateOperation(db, op.id, {
    status: end.status,
    steps: end.steps,
    error: end.error ?? null,
    after: end.after,
    before: end.before,
  });
  const outcome = end.status === "succeeded" ? "success" : "failed";
  await auditOperation(db, done, {
    action: `${area}.${op.kind}.completed`,
    target: op.target,
    outcome,
    error: end.error,
    details: { operation: op.googleName, ...end.details },
  });
  log.info("operation finished", { operation: op.id, kind: op.kind, target: op.target, outcome, error: end.error });
  return done;
}
