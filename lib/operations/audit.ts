import { recordAudit } from "../audit";
import type { Db } from "../db";
import type { OperationView } from "./record";

/**
 * An audit row for work a follower did on someone's behalf: it carries the
 * person who started the operation, the time since it started, and the
 * operation id as request id, so every row of one operation reads together.
 */
export async function auditOperation(
  db: Db,
  op: OperationView,
  e: {
    action: string;
    target: string;
    outcome: "success" | "failed";
    details?: Record<string, unknown>;
    error?: string;
  },
): Promise<void> {
  await recordAudit(db, {
    actor: { email: op.actorEmail },
    action: e.action,
    target: e.target,
    outcome: e.outcome,
    error: e.error,
    details: { ...e.details, runwayOperation: op.id },
    durationMs: Date.now() - op.createdAt.getTime(),
    requestId: op.id,
  });
}
