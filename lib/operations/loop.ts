import type { Db } from "../db";
import { getOperation, type OperationView } from "./record";

/**
 * Polls an operation row with `poll` every `intervalMs` until it ends or
 * `budgetMs` runs out; true when it ended. Shared by every kind of operation.
 */
export async function pollUntilDone(
  db: Db,
  id: string,
  budgetMs: number,
  intervalMs: number,
  poll: (op: OperationView) => Promise<OperationView>,
): Promise<boolean> {
  const deadline = Date.now() + budgetMs;
  let op = await getOperation(db, id);
  while (op && op.status === "running") {
    if (Date.now() > deadline) return false;
    op = await poll(op);
    if (op.status === "running") await new Promise((r) => setTimeout(r, intervalMs));
  }
  return true;
}
