// The one guarded path every mutation takes:
//   authenticate → authorize the role → validate input (zod) → act → audit.
// The audit row is written in every outcome (success, denied, invalid, failed).
// This module has no Next.js imports so tests drive it with a real database.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Db } from "../db";
import { recordAudit } from "../audit";
import { hasRole, type Actor, type Role } from "../auth/roles";
import { AppError, Invalid, toUserMessage, type ErrorCode } from "../errors";
import { log } from "../log";
import { redact } from "../redact";

export type ActionResult<T> =
  | { ok: true; data: T; message?: string }
  | { ok: false; code: ErrorCode; error: string; fieldErrors?: Record<string, string[]> };

/** Everything a mutation needs to know about who is acting and where. */
export type ActionContext = { actor: Actor; db: Db; requestId: string };

export type ActionOutput<T> = {
  data: T;
  /** Shown to the person on success. */
  message?: string;
  /** Before/after, operation names: kept in the audit row. */
  details?: unknown;
};

export type ActionDefinition<S extends z.ZodType, T> = {
  /** Audit action name, `<capability>.<verb>`, e.g. `users.change-role`. */
  name: string;
  role: Role;
  input: S;
  /** Input fields whose values never reach the audit trail or logs. */
  sensitive?: string[];
  target: (input: z.infer<S>) => string;
  run: (ctx: ActionContext, input: z.infer<S>) => Promise<ActionOutput<T>>;
};

export type GuardedDeps = {
  db: Db;
  /** The portal's id for this call; made here when not given. */
  requestId?: string;
  /** A client-sent x-request-id, already checked (lib/audit/request-ids.ts). */
  clientRequestId?: string | null;
};

export async function runGuarded<S extends z.ZodType, T>(
  def: ActionDefinition<S, T>,
  actor: Actor | null,
  rawInput: unknown,
  deps: GuardedDeps,
): Promise<ActionResult<T>> {
  const started = performance.now();
  const requestId = deps.requestId ?? randomUUID();
  const parsed = def.input.safeParse(rawInput);
  const target = parsed.success ? def.target(parsed.data) : null;
  const input = redact(parsed.success ? parsed.data : rawInput, def.sensitive);

  const finish = async (
    outcome: "success" | "denied" | "invalid" | "failed",
    result: ActionResult<T>,
    extra: { error?: string; details?: unknown } = {},
  ) => {
    const durationMs = performance.now() - started;
    try {
      await recordAudit(deps.db, { actor, action: def.name, target, input, outcome, durationMs, requestId, clientRequestId: deps.clientRequestId ?? null, ...extra });
    } catch (err) {
      // The person still gets the truth about their action; the gap is logged loudly.
      log.error("audit write failed", { action: def.name, requestId, error: String(err) });
    }
    log.info(`action ${def.name}`, { outcome, actor: actor?.email ?? "anonymous", target, requestId, ...(deps.clientRequestId ? { clientRequestId: deps.clientRequestId } : {}), durationMs: Math.round(durationMs) });
    return result;
  };

  if (!actor) {
    return finish("denied", { ok: false, code: "unauthenticated", error: "Please sign in." }, { error: "not signed in" });
  }
  if (!hasRole(actor.role, def.role)) {
    const error = `This needs the ${def.role} role; you are ${actor.role}.`;
    return finish("denied", { ok: false, code: "forbidden", error }, { error });
  }
  if (!parsed.success) {
    const fieldErrors = fieldErrorsOf(parsed.error);
    const error = "Some fields need attention.";
    return finish("invalid", { ok: false, code: "invalid", error, fieldErrors }, { error: summarize(fieldErrors) });
  }
  try {
    const out = await def.run({ actor, db: deps.db, requestId }, parsed.data);
    return finish("success", { ok: true, data: out.data, message: out.message }, { details: redact(out.details, def.sensitive) });
  } catch (err) {
    const { code, message } = toUserMessage(err, requestId);
    if (!(err instanceof AppError)) log.error(`action ${def.name} crashed`, { requestId, error: String(err), stack: (err as Error)?.stack });
    const fieldErrors = err instanceof Invalid ? err.fieldErrors : undefined;
    const outcome = err instanceof Invalid ? "invalid" : "failed";
    const details = err instanceof AppError ? redact(err.details, def.sensitive) : undefined;
    return finish(outcome, { ok: false, code, error: message, fieldErrors }, { error: err instanceof AppError ? message : String(err), details });
  }
}

function fieldErrorsOf(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "_form";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

function summarize(fieldErrors: Record<string, string[]>): string {
  return Object.entries(fieldErrors).map(([k, v]) => `${k}: ${v.join("; ")}`).join(" | ");
}

/** FormData → plain object (repeated keys become arrays; Next's own fields dropped). */
export function formDataToObject(form: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of form.entries()) {
    if (key.startsWith("$ACTION")) continue;
    const v = typeof value === "string" ? value : value.name;
    if (key in out) out[key] = ([] as unknown[]).concat(out[key], v);
    else out[key] = v;
  }
  return out;
}
