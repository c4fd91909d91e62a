// Follows Cloud SQL's own operations (SqlOperationsService.Get until DONE)
// for "backup" and "restore" rows. For a restore, the safety backup finishing
// starts RestoreBackup, whose operation is followed in turn.
import type { Db } from "../db";
import type { SqlClients } from "../gcp/clients";
import {
  advance,
  fail,
  finishOperation,
  operationPlan,
  updateOperation,
  type Followers,
  type OperationView,
  type Step,
} from "../operations";
import { parseInstanceName } from "./names";
import { sqlError, type DatabaseOperationKind, type DatabasePlan } from "./start";

const POLL_MS = 1000;
const AREA = "databases";

function end(db: Db, op: OperationView, plan: DatabasePlan | null, steps: Step[], error?: string) {
  const details = {
    backupOperation: plan?.backupOperation,
    backupId: plan?.backupId,
    restoredBackup: plan?.restore?.backupRunId,
    from: plan?.restore?.sourceInstance,
  };
  if (error) return finishOperation(db, AREA, op, { status: "failed", error, steps: fail(steps, error), details });
  return finishOperation(db, AREA, op, {
    status: "succeeded",
    steps: advance(steps, "done"),
    after: { backupId: plan?.backupId, restored: plan?.restore?.backupRunId ?? null },
    details,
  });
}

/** One look at Cloud SQL; returns the updated row. */
export async function pollDatabaseOperation(db: Db, sql: SqlClients, op: OperationView): Promise<OperationView> {
  const plan = await operationPlan<DatabasePlan>(db, op.id);
  const ref = parseInstanceName(op.target);
  if (!plan || !ref)
    return end(
      db,
      op,
      plan,
      op.steps,
      `The operation row of ${op.target} lost its plan; nothing more can be done for it.`,
    );
  const [sqlOp] = await sql.operations.get({ project: ref.project, operation: op.googleName! }, { timeout: 10_000 });
  if (String(sqlOp.status) !== "DONE") return op;
  const error = (sqlOp.error?.errors ?? [])
    .map((e) => e.message)
    .filter(Boolean)
    .join("; ");
  if (error) return end(db, op, plan, op.steps, error);

  if (op.kind === "restore" && plan.restore && !plan.restore.operation) {
    // The safety backup is done: restore now.
    const steps = advance(op.steps, "backup");
    try {
      const [restore] = await sql.instances.restoreBackup(
        {
          project: ref.project,
          instance: ref.instance,
          body: {
            restoreBackupContext: {
              backupRunId: plan.restore.backupRunId,
              instanceId: plan.restore.sourceInstance,
              project: ref.project,
            },
          },
        },
        { timeout: 30_000 },
      );
      const next: DatabasePlan = { ...plan, restore: { ...plan.restore, operation: restore.name ?? "" } };
      return updateOperation(db, op.id, { steps, googleName: restore.name ?? "", before: next });
    } catch (err) {
      return end(db, op, plan, steps, sqlError(err, ref, `restoring ${ref.instance}`).message);
    }
  }
  return end(db, op, plan, op.steps);
}

/** The followers of backups and restores, for the start-up registry. */
export function databaseFollowers(sql: () => SqlClients): Followers {
  const follower = {
    area: AREA,
    viewRole: "operator" as const,
    system: "Cloud SQL",
    intervalMs: POLL_MS,
    poll: (db: Db, op: OperationView) => pollDatabaseOperation(db, sql(), op),
  };
  const kinds: Record<DatabaseOperationKind, typeof follower> = { backup: follower, restore: follower };
  return kinds;
}
