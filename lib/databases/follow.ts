// Follows Cloud SQL's own operations (SqlOperationsService.Get until DONE)
// for "backup" and "restore" rows. For a restore, the safety backup finishing
// starts RestoreBackup, whose operation is followed in turn.
import { auditOperation } from "../operations/audit";
import type { Db } from "../db";
import type { SqlClients } from "../gcp/clients";
import { log } from "../log";
import { operationPlan, updateOperation, type OperationView } from "../operations/record";
import { pollUntilDone } from "../operations/loop";
import { advance, fail, type Step } from "../operations/steps";
import { parseInstanceName } from "./names";
import { sqlError, type DatabasePlan } from "./start";

const POLL_MS = 1000;

async function failWith(db: Db, op: OperationView, steps: Step[], error: string, plan: DatabasePlan | null) {
  const done = await updateOperation(db, op.id, { steps: fail(steps, error), status: "failed", error });
  await finish(db, done, plan, "failed", error);
  return done;
}

/** One look at Cloud SQL; returns the updated row. */
export async function pollDatabaseOperation(db: Db, sql: SqlClients, op: OperationView): Promise<OperationView> {
  if (op.status !== "running") return op;
  const plan = await operationPlan<DatabasePlan>(db, op.id);
  const ref = parseInstanceName(op.service);
  if (!op.googleName || !plan || !ref) {
    // The instance that started it stopped before Cloud SQL was called.
    if (Date.now() - op.createdAt.getTime() < 120_000) return op;
    return failWith(db, op, op.steps, "Interrupted before the change reached Cloud SQL; nothing was changed.", plan);
  }
  const [sqlOp] = await sql.operations.get({ project: ref.project, operation: op.googleName }, { timeout: 10_000 });
  if (String(sqlOp.status) !== "DONE") return op;
  const error = (sqlOp.error?.errors ?? []).map((e) => e.message).filter(Boolean).join("; ");
  if (error) return failWith(db, op, op.steps, error, plan);

  if (op.kind === "restore" && plan.restore && !plan.restore.operation) {
    // The safety backup is done: restore now.
    const steps = advance(op.steps, "backup");
    try {
      const [restore] = await sql.instances.restoreBackup(
        { project: ref.project, instance: ref.instance, body: { restoreBackupContext: { backupRunId: plan.restore.backupRunId, instanceId: plan.restore.sourceInstance, project: ref.project } } },
        { timeout: 30_000 },
      );
      const next: DatabasePlan = { ...plan, restore: { ...plan.restore, operation: restore.name ?? "" } };
      return updateOperation(db, op.id, { steps, googleName: restore.name ?? "", before: next });
    } catch (err) {
      return failWith(db, op, steps, sqlError(err, ref, `restoring ${ref.instance}`).message, plan);
    }
  }
  const steps = advance(op.steps, "done");
  const done = await updateOperation(db, op.id, { steps, status: "succeeded", after: { backupId: plan.backupId, restored: plan.restore?.backupRunId ?? null } });
  await finish(db, done, plan, "success");
  return done;
}

async function finish(db: Db, op: OperationView, plan: DatabasePlan | null, outcome: "success" | "failed", error?: string) {
  await auditOperation(db, op, {
    action: `databases.${op.kind}.completed`,
    target: op.service,
    outcome,
    error,
    details: { operation: op.googleName, backupOperation: plan?.backupOperation, backupId: plan?.backupId, restoredBackup: plan?.restore?.backupRunId, from: plan?.restore?.sourceInstance },
  });
  log.info("operation finished", { operation: op.id, kind: op.kind, instance: op.service, outcome, error });
}

/** Polls until the operation ends or `budgetMs` runs out; true when it ended. */
export async function followDatabaseOperation(db: Db, sql: SqlClients, id: string, budgetMs: number): Promise<boolean> {
  return pollUntilDone(db, id, budgetMs, POLL_MS, (op) => pollDatabaseOperation(db, sql, op));
}
