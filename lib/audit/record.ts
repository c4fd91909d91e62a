import { clientRequestId } from "./request-ids";
import type { Db, Prisma } from "../db";
import type { Actor } from "../auth/roles";
import type { AuditOutcome } from "./schemas";
import { storableJson, storableText } from "./sanitize";

export type AuditEntry = {
  /** A person, or just an e-mail for work finished on their behalf (operations). */
  actor: Actor | { email: string; id?: undefined; role?: undefined } | null;
  action: string;
  target?: string | null;
  /** Already redacted by the caller. */
  input?: unknown;
  outcome: AuditOutcome;
  error?: string | null;
  details?: unknown;
  durationMs: number;
  requestId: string;
  /** A client-sent request id, checked; never used as the row's own id. */
  clientRequestId?: string | null;
};

const json = (v: unknown) => (v === undefined || v === null ? undefined : (storableJson(v) as Prisma.InputJsonValue));
const text = (v: string | null | undefined) => (v == null ? null : storableText(v));

/** Writes one row and returns its id. Every value is made storable first (lib/audit/sanitize.ts). */
export async function recordAudit(db: Db, e: AuditEntry): Promise<bigint> {
  const row = await db.auditEvent.create({
    select: { id: true },
    data: {
      actorId: e.actor?.id ?? null,
      actorEmail: storableText(e.actor?.email ?? "anonymous"),
      actorRole: e.actor?.role ?? null,
      action: storableText(e.action),
      target: text(e.target),
      input: json(e.input),
      outcome: e.outcome,
      error: text(e.error),
      details: json(e.details),
      durationMs: Math.max(0, Math.round(e.durationMs)),
      requestId: e.requestId,
      // Checked again here, so an unchecked value can never cost the row.
      clientRequestId: clientRequestId(e.clientRequestId),
    },
  });
  return row.id;
}

/** Gives a "started" row its outcome once the action is done. */
export async function finishAudit(
  db: Db,
  id: bigint,
  e: { outcome: Exclude<AuditOutcome, "started">; error?: string | null; details?: unknown; durationMs: number },
): Promise<void> {
  await db.auditEvent.update({
    where: { id },
    data: {
      outcome: e.outcome,
      error: text(e.error),
      details: json(e.details),
      durationMs: Math.max(0, Math.round(e.durationMs)),
    },
  });
}
