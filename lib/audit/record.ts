import { clientRequestId } from "./request-ids";
import type { Db, Prisma } from "../db";
import type { Actor } from "../auth/roles";
import type { AuditOutcome } from "./schemas";

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

const json = (v: unknown) => (v === undefined || v === null ? undefined : (v as Prisma.InputJsonValue));

export async function recordAudit(db: Db, e: AuditEntry): Promise<void> {
  await db.auditEvent.create({
    data: {
      actorId: e.actor?.id ?? null,
      actorEmail: e.actor?.email ?? "anonymous",
      actorRole: e.actor?.role ?? null,
      action: e.action,
      target: e.target ?? null,
      input: json(e.input),
      outcome: e.outcome,
      error: e.error ?? null,
      details: json(e.details),
      durationMs: Math.max(0, Math.round(e.durationMs)),
      requestId: e.requestId,
      // Checked again here, so an unchecked value can never cost the row.
      clientRequestId: clientRequestId(e.clientRequestId),
    },
  });
}
