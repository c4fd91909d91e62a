// The one guarded path every mutation takes:
//   authenticate → authorize the role → validate input (zod) → check the scope
//   (Settings' projects/regions) → write the audit row → act → give the row its outcome.
// Refusals are audited too. The row for an action that acts is written BEFORE it
// acts, as "started": if it cannot be written, nothing happens (issue 14, finding 1);
// an operation the action starts is linked to it in the transaction that creates
// the operation row (lib/operations/start.ts).
// This module has no Next.js imports so tests drive it with a real database.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Db } from "../db";
import { finishAudit, recordAudit } from "../audit";
import { hasRole, type Actor, type Role } from "../auth/roles";
import { AppError, Invalid, toUserMessage, type ErrorCode } from "../errors";
import { log } from "../log";
import { redact } from "../redact";
import { describeScope, firstUncovered, notCoveredMessage, scopeList, type Scopes } from "../scope";

export type ActionResult<T> =
  | { ok: true; data: T; message?: string }
  | { ok: false; code: ErrorCode; error: string; fieldErrors?: Record<string, string[]> };

/** Everything a mutation needs to know about who is acting and where. */
export type ActionContext = {
  actor: Actor;
  db: Db;
  requestId: string;
  /** This attempt's audit row, written before run; null only where a test drives run without the guard. */
  auditId: bigint | null;
};

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
  /**
   * Every project (and region and service, where the resource has them) the
   * action reads or changes, one scope or a list (a promotion reads one service
   * and writes another): each is checked against Settings' list before it runs,
   * and a refusal names the one outside it. "portal" for the portal's own data.
   * Every action declares one (every-action.test.ts); without it the guard refuses.
   * An action on a stored row (an incident) reads the row's project with `db`.
   */
  scope?: (input: z.infer<S>, ctx: { db: Db }) => Scopes | Promise<Scopes>;
  run: (ctx: ActionContext, input: z.infer<S>) => Promise<ActionOutput<T>>;
};

export type GuardedDeps = {
  db: Db;
  /** The portal's id for this call; made here when not given. */
  requestId?: string;
  /** A client-sent x-request-id, already checked (lib/audit/request-ids.ts). */
  clientRequestId?: string | null;
};

type Outcome = "success" | "denied" | "invalid" | "failed";

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
  const entry = { actor, action: def.name, target, input, requestId, clientRequestId: deps.clientRequestId ?? null };
  const logLine = (outcome: Outcome | "unaudited") =>
    log.info(`action ${def.name}`, {
      outcome,
      actor: actor?.email ?? "anonymous",
      target,
      requestId,
      ...(deps.clientRequestId ? { clientRequestId: deps.clientRequestId } : {}),
      durationMs: Math.round(performance.now() - started),
    });

  /** A refusal: nothing was done, so its row is written once, now. */
  const refuse = async (
    outcome: "denied" | "invalid" | "failed",
    result: ActionResult<T> & { ok: false },
    error: string,
    details?: unknown,
  ) => {
    try {
      await recordAudit(deps.db, { ...entry, outcome, error, details, durationMs: performance.now() - started });
    } catch (err) {
      log.error("audit write failed", { action: def.name, requestId, error: String(err) });
    }
    logLine(outcome);
    return result;
  };

  if (!actor)
    return refuse("denied", { ok: false, code: "unauthenticated", error: "Please sign in." }, "not signed in");
  if (!hasRole(actor.role, def.role)) {
    const error = `This needs the ${def.role} role; you are ${actor.role}.`;
    return refuse("denied", { ok: false, code: "forbidden", error }, error);
  }
  if (!parsed.success) {
    const fieldErrors = fieldErrorsOf(parsed.error);
    return refuse(
      "invalid",
      { ok: false, code: "invalid", error: "Some fields need attention.", fieldErrors },
      summarize(fieldErrors),
    );
  }
  if (!def.scope) {
    const error = `${def.name} declares no scope, so the portal cannot check it against Settings.`;
    log.error("action without a scope refused", { action: def.name, requestId });
    return refuse(
      "failed",
      { ok: false, code: "internal", error: `This action is not available (request ${requestId}).` },
      error,
    );
  }
  const scopes = scopeList(await def.scope(parsed.data, { db: deps.db }));
  if (!scopes.length) {
    const error = `${def.name} declares an empty scope list, so the portal cannot check it against Settings.`;
    log.error("action with an empty scope refused", { action: def.name, requestId });
    return refuse(
      "failed",
      { ok: false, code: "internal", error: `This action is not available (request ${requestId}).` },
      error,
    );
  }
  const outside = await firstUncovered(deps.db, scopes);
  if (outside) {
    const error = notCoveredMessage(outside);
    const declared = scopes.map((s) => (s === "portal" ? "portal" : describeScope(s)));
    return refuse("denied", { ok: false, code: "forbidden", error }, error, {
      refusedScope: describeScope(outside),
      scopes: declared,
    });
  }

  // The attempt is on record before anything is done, or nothing is done.
  let auditId: bigint;
  try {
    auditId = await recordAudit(deps.db, { ...entry, outcome: "started", durationMs: 0 });
  } catch (err) {
    log.error("audit write failed; the action was not run", { action: def.name, requestId, error: String(err) });
    logLine("unaudited");
    return {
      ok: false,
      code: "internal",
      error: `Nothing was changed: the audit trail could not record this attempt (request ${requestId}).`,
    };
  }
  const finish = async (
    outcome: Outcome,
    result: ActionResult<T>,
    extra: { error?: string; details?: unknown } = {},
  ) => {
    try {
      await finishAudit(deps.db, auditId, { outcome, durationMs: performance.now() - started, ...extra });
    } catch (err) {
      // The row stays "started"; the person still gets the truth about their action.
      log.error("audit outcome write failed", {
        action: def.name,
        requestId,
        auditId: String(auditId),
        error: String(err),
      });
    }
    logLine(outcome);
    return result;
  };
  try {
    const out = await def.run({ actor, db: deps.db, requestId, auditId }, parsed.data);
    return finish(
      "success",
      { ok: true, data: out.data, message: out.message },
      { details: redact(out.details, def.sensitive) },
    );
  } catch (err) {
    const { code, message } = toUserMessage(err, requestId);
    if (!(err instanceof AppError))
      log.error(`action ${def.name} crashed`, { requestId, error: String(err), stack: (err as Error)?.stack });
    const fieldErrors = err instanceof Invalid ? err.fieldErrors : undefined;
    const outcome = err instanceof Invalid ? "invalid" : "failed";
    const details = err instanceof AppError ? redact(err.details, def.sensitive) : undefined;
    return finish(
      outcome,
      { ok: false, code, error: message, fieldErrors },
      { error: err instanceof AppError ? message : String(err), details },
    );
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
  return Object.entries(fieldErrors)
    .map(([k, v]) => `${k}: ${v.join("; ")}`)
    .join(" | ");
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
