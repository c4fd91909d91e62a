import type { Db, Prisma } from "../db";
import type { AuditQuery } from "./schemas";

export type AuditEventView = {
  id: string;
  at: Date;
  actorEmail: string;
  actorRole: string | null;
  action: string;
  target: string | null;
  input: unknown;
  outcome: string;
  error: string | null;
  details: unknown;
  durationMs: number;
  requestId: string;
};

export type AuditPage = { events: AuditEventView[]; nextBefore: string | null };

/** Newest first, keyset-paginated by id so deep pages cost the same as the first. */
export async function listAuditEvents(db: Db, q: AuditQuery): Promise<AuditPage> {
  const where: Prisma.AuditEventWhereInput = {};
  if (q.actor) where.actorEmail = q.actor.toLowerCase();
  if (q.action) where.action = q.action;
  if (q.target) where.target = q.target.endsWith("*") ? { startsWith: q.target.slice(0, -1) } : q.target;
  if (q.outcome) where.outcome = q.outcome;
  if (q.before) where.id = { lt: BigInt(q.before) };
  const rows = await db.auditEvent.findMany({ where, orderBy: { id: "desc" }, take: q.limit + 1 });
  const page = rows.slice(0, q.limit);
  return {
    events: page.map((r) => ({ ...r, id: r.id.toString() })),
    nextBefore: rows.length > q.limit ? page[page.length - 1].id.toString() : null,
  };
}

/** Distinct action names, for the filter's suggestions. */
export async function listAuditActions(db: Db): Promise<string[]> {
  const rows = await db.auditEvent.groupBy({ by: ["action"], orderBy: { action: "asc" }, take: 200 });
  return rows.map((r) => r.action);
}
