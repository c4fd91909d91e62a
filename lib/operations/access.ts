// Who may read an operation row through the API: the same people as the page
// that shows it (its kind's viewRole), and only on a target inside Settings'
// projects/regions (issue 14, findings 3 and 4).
import { hasRole, type Actor } from "../auth/roles";
import type { Db } from "../db";
import { isCovered, scopeOfResourceName, describeScope } from "../scope";
import type { Followers } from "./followers";
import { getOperation, type OperationView } from "./record";

export type OperationRead = { ok: true; operation: OperationView } | { ok: false; status: 403 | 404; error: string };

export async function readOperationAs(db: Db, followers: Followers, actor: Actor, id: string): Promise<OperationRead> {
  const op = await getOperation(db, id);
  if (!op) return { ok: false, status: 404, error: "not found" };
  const needed = followers[op.kind]?.viewRole ?? "admin";
  if (!hasRole(actor.role, needed))
    return { ok: false, status: 403, error: `This needs the ${needed} role; you are ${actor.role}.` };
  const scope = scopeOfResourceName(op.target);
  if (scope && !(await isCovered(db, scope)))
    return { ok: false, status: 403, error: `${describeScope(scope)} is not covered by this portal.` };
  return { ok: true, operation: op };
}
