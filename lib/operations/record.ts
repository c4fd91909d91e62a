// Operation rows: created before Google is called, keyed by the form's
// idempotency key, so that a double-submitted form finds the first one.
import type { Db, Prisma } from "../db";
import { Conflict } from "../errors";
import { parseOperationId } from "./ids";
import type { Step } from "./steps";

export type OperationView = {
  id: string;
  kind: string;
  /** Full name of what it changes: a Cloud Run service, a Cloud SQL instance, a secret. */
  target: string;
  status: "running" | "succeeded" | "failed";
  steps: Step[];
  revision: string | null;
  error: string | null;
  googleName: string | null;
  actorEmail: string;
  createdAt: Date;
  finishedAt: Date | null;
};

export type Claim = { operation: OperationView; created: boolean };

function view(row: Prisma.OperationGetPayload<object>): OperationView {
  return { ...row, steps: row.steps as Step[] };
}

/**
 * Creates the operation for this key, or returns the one an earlier submit
 * created. With `exclusive` (e.g. "A rotation of this secret"), refuses while
 * another operation of the kind runs on the same target: the check and the
 * insert share an advisory lock on the target. `auditId`, the attempt's audit
 * row, is linked to the operation in the transaction that creates it: no
 * operation row exists without its audit row.
 */
export async function claimOperation(
  db: Db,
  input: { idempotencyKey: string; kind: string; target: string; actorEmail: string; steps: Step[]; before?: unknown },
  opts: { exclusive?: string; auditId?: bigint | null } = {},
): Promise<Claim> {
  const link = (tx: Prisma.TransactionClient | Db, operationId: string) =>
    opts.auditId == null
      ? null
      : tx.auditEvent.update({ where: { id: opts.auditId }, data: { operationId }, select: { id: true } });
  const existing = await db.operation.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
  if (existing) {
    await link(db, existing.id);
    return { operation: view(existing), created: false };
  }
  const data = {
    ...input,
    before: input.before as Prisma.InputJsonValue,
    steps: input.steps as unknown as Prisma.InputJsonValue,
  };
  try {
    return await db.$transaction(async (tx) => {
      if (opts.exclusive) {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${input.target}))`;
        // A double submit that waited for the lock finds the first submit's row, not a conflict with it.
        const first = await tx.operation.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
        if (first) {
          await link(tx, first.id);
          return { operation: view(first), created: false };
        }
        const running = await tx.operation.findFirst({
          where: { kind: input.kind, target: input.target, status: "running" },
        });
        if (running)
          throw new Conflict(
            `${opts.exclusive} started by ${running.actorEmail} is still running; wait for it to finish.`,
            { running: running.id },
          );
      }
      const created = await tx.operation.create({ data });
      await link(tx, created.id);
      return { operation: view(created), created: true };
    });
  } catch (err) {
    // Two submits raced: the unique key let one in; return that one.
    if ((err as { code?: string }).code === "P2002") {
      const first = await db.operation.findUniqueOrThrow({ where: { idempotencyKey: input.idempotencyKey } });
      await link(db, first.id);
      return { operation: view(first), created: false };
    }
    throw err;
  }
}

export async function updateOperation(
  db: Db,
  id: string,
  data: {
    googleName?: string;
    revision?: string;
    before?: unknown;
    steps?: Step[];
    status?: "running" | "succeeded" | "failed";
    error?: string | null;
    after?: unknown;
  },
): Promise<OperationView> {
  const row = await db.operation.update({
    where: { id },
    data: {
      ...data,
      steps: data.steps as unknown as Prisma.InputJsonValue | undefined,
      before: data.before as Prisma.InputJsonValue | undefined,
      after: data.after as Prisma.InputJsonValue | undefined,
      finishedAt: data.status && data.status !== "running" ? new Date() : undefined,
    },
  });
  return view(row);
}

/** What a multi-step follower keeps in the row's `before` column to carry on (see databases and secrets). */
export async function operationPlan<T>(db: Db, id: string): Promise<T | null> {
  const row = await db.operation.findUnique({ where: { id }, select: { before: true } });
  return (row?.before ?? null) as T | null;
}

/** Removes a row whose change never reached Google (see start.ts). */
export async function deleteOperation(db: Db, id: string): Promise<void> {
  await db.operation.deleteMany({ where: { id, googleName: null } });
}

/** The operation with this id; null for an unknown id or anything that is not a UUID. */
export async function getOperation(db: Db, id: string | null | undefined): Promise<OperationView | null> {
  const valid = parseOperationId(id);
  if (!valid) return null;
  const row = await db.operation.findUnique({ where: { id: valid } });
  return row ? view(row) : null;
}

/** The newest operations on one target (a service, an instance, a secret). */
export async function listTargetOperations(db: Db, target: string, take = 20): Promise<OperationView[]> {
  return (await db.operation.findMany({ where: { target }, orderBy: { createdAt: "desc" }, take })).map(view);
}

export async function runningOperations(db: Db): Promise<OperationView[]> {
  return (await db.operation.findMany({ where: { status: "running" } })).map(view);
}
