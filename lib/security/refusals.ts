// Requests the proxy refuses before any action runs (anonymous mutations,
// cross-origin posts, undecodable payloads, rate limits) leave an audit row
// too (issue 14, finding 5). The rows are compact (no body, just the method,
// path, address and action id) and capped: refused anonymous requests per
// address and overall, a person's 429s per person, so a flood cannot fill the table.
import { recordAudit } from "../audit";
import type { Db } from "../db";
import { log } from "../log";
import { LIMITS, takeAll } from "./limits";

export type RefusedRequest = {
  reason: "anonymous" | "cross-origin" | "malformed" | "rate-limited";
  actor: { id?: string; email: string } | null;
  ip: string;
  method: string;
  path: string;
  actionId: string | null;
  status: number;
  message: string;
  requestId: string;
  clientRequestId: string | null;
};

/** Writes the row unless its cap is reached; true when written. Never throws: a refusal stands either way. */
export async function auditRefusal(db: Db, r: RefusedRequest): Promise<boolean> {
  try {
    const capped = !r.actor
      ? await takeAll(db, [
          [LIMITS.refusalAuditsPerIp, r.ip],
          [LIMITS.refusalAuditsAll, "all"],
        ])
      : r.reason === "rate-limited"
        ? await takeAll(db, [[LIMITS.limitedAuditsPerPerson, r.actor.id ?? r.actor.email]])
        : null;
    if (capped) return false;
    await recordAudit(db, {
      actor: r.actor ? { email: r.actor.email } : null,
      action: `request.${r.reason}`,
      target: r.path.slice(0, 200),
      outcome: r.reason === "malformed" ? "invalid" : "denied",
      error: r.message.slice(0, 300),
      details: {
        method: r.method,
        ip: r.ip,
        status: r.status,
        ...(r.actionId ? { actionId: r.actionId.slice(0, 64) } : {}),
      },
      durationMs: 0,
      requestId: r.requestId,
      clientRequestId: r.clientRequestId,
    });
    return true;
  } catch (err) {
    log.error("audit write failed for a refused request", {
      reason: r.reason,
      path: r.path.slice(0, 200),
      error: String(err),
    });
    return false;
  }
}
