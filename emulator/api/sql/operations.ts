// Cloud SQL's own Operation (not google.longrunning): a mutation is recorded
// PENDING, answered at once, and run in the background RUNNING → DONE. One
// mutation at a time per instance, as Cloud SQL does: a second one while the
// first is unfinished is refused with ABORTED (HTTP 409 in the REST API).
import { randomUUID } from "node:crypto";
import type { PoolClient } from "pg";
import { inTransaction } from "../../db";
import { aborted } from "../../grpc/errors";
import type { Logger } from "../../log";
import type { OperationRow, SqlStore } from "./store";

export type OperationType = "BACKUP_VOLUME" | "RESTORE_VOLUME" | "UPDATE_USER" | "DELETE_BACKUP";

type Work = (op: OperationRow) => Promise<void | (() => Promise<void>)>;

export class SqlOperations {
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly store: SqlStore,
    private readonly log: Logger,
    /** Every operation lasts at least this long, so callers can watch it run (real ones take minutes). */
    private readonly minDurationMs: number,
  ) {}

  /**
   * Records the operation, refusing it when another one on the instance is
   * unfinished, then runs `work` without waiting for it. `work` throwing ends
   * the operation DONE with that error; what `work` returns runs just before
   * DONE (e.g. the instance back to RUNNABLE after the minimum duration);
   * `prepare` runs in the transaction that records the operation.
   */
  async start(
    project: string,
    instance: string,
    type: OperationType,
    work: Work,
    opts: { backupId?: string; prepare?: (c: PoolClient) => Promise<unknown> } = {},
  ): Promise<OperationRow> {
    const op = await inTransaction(this.store.db, async (c) => {
      await c.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`sql-instance/${project}/${instance}`]);
      const busy = await c.query(
        "SELECT 1 FROM sql_operations WHERE project = $1 AND instance = $2 AND status <> 'DONE'",
        [project, instance],
      );
      if (busy.rowCount)
        throw aborted(
          "Operation failed because another operation was already in progress. Try your request after the current operation is complete.",
        );
      const { rows } = await c.query<OperationRow>(
        `INSERT INTO sql_operations (name, project, instance, status, operation_type, usr, backup_id) VALUES ($1, $2, $3, 'PENDING', $4, $5, $6) RETURNING *`,
        [randomUUID(), project, instance, type, "runway-emulator@localhost", opts.backupId ?? null],
      );
      // Effects visible as soon as the caller has the operation (e.g. MAINTENANCE), not when the work begins.
      await opts.prepare?.(c);
      return rows[0];
    });
    const p = this.run(op, work).finally(() => this.running.delete(p));
    this.running.add(p);
    return op;
  }

  private async run(op: OperationRow, work: Work): Promise<void> {
    const db = this.store.db;
    const started = Date.now();
    let error: { code: string; message: string } | null = null;
    let last: void | (() => Promise<void>) = undefined;
    try {
      await db.query("UPDATE sql_operations SET status = 'RUNNING', start_time = now() WHERE name = $1", [op.name]);
      last = await work(op);
    } catch (err) {
      error = { code: "INTERNAL_ERROR", message: (err as Error).message };
      this.log.warn("cloud sql operation failed", {
        operation: op.name,
        type: op.operation_type,
        instance: op.instance,
        error: error.message,
      });
    }
    const wait = this.minDurationMs - (Date.now() - started);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (last)
      await last().catch((err) =>
        this.log.error("cloud sql operation could not finish", { operation: op.name, error: String(err) }),
      );
    await db
      .query("UPDATE sql_operations SET status = 'DONE', end_time = now(), error = $2 WHERE name = $1", [
        op.name,
        error && JSON.stringify(error),
      ])
      .catch((err) =>
        this.log.error("could not finish a cloud sql operation", { operation: op.name, error: String(err) }),
      );
  }

  /** Waits for the operations under way (emulator stop). */
  async drain(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}
