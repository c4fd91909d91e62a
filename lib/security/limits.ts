// The request rate limits (issue 14, finding 9), counted in Postgres by
// lib/rate-limit so they hold across portal instances. A limit hit is a 429
// with Retry-After. Per person and per client address, for sign-in and for
// server actions; plus a cap on how many refused anonymous requests are audited.
import type { Db } from "../db";
import { takeRateLimit, type RateLimitResult, type RateLimitRule } from "../rate-limit";

export const LIMITS = {
  /** Sign-in attempts from one address (any account). */
  signInPerIp: { bucket: "sign-in:ip", limit: 30, windowSeconds: 60 },
  /** Sign-in attempts for one account (the e-mail a local sign-in names). */
  signInPerPerson: { bucket: "sign-in:person", limit: 10, windowSeconds: 60 },
  /** Server-action calls by one signed-in person: far above what clicking does. */
  actionsPerPerson: { bucket: "actions:person", limit: 120, windowSeconds: 60 },
  /** Server-action calls from one address, signed in or not. */
  actionsPerIp: { bucket: "actions:ip", limit: 600, windowSeconds: 60 },
  /** Audit rows for refused anonymous requests from one address, and from all. */
  refusalAuditsPerIp: { bucket: "refusal-audit:ip", limit: 20, windowSeconds: 60 },
  refusalAuditsAll: { bucket: "refusal-audit:all", limit: 300, windowSeconds: 60 },
  /** Audit rows for one person's 429s. */
  limitedAuditsPerPerson: { bucket: "limited-audit:person", limit: 10, windowSeconds: 60 },
} as const satisfies Record<string, RateLimitRule>;

/** Counts one call against every (rule, key) pair; the first refusal, or null when all allow it. */
export async function takeAll(
  db: Db,
  checks: [RateLimitRule, string | null | undefined][],
  now?: Date,
): Promise<(RateLimitResult & { bucket: string }) | null> {
  let refused: (RateLimitResult & { bucket: string }) | null = null;
  for (const [rule, key] of checks) {
    if (!key) continue;
    const r = await takeRateLimit(db, rule, key, now);
    if (!r.allowed && !refused) refused = { ...r, bucket: rule.bucket };
  }
  return refused;
}

export function tooManyRequests(r: RateLimitResult): Response {
  return Response.json(
    { error: `Too many requests: at most ${r.limit} a minute. Try again in ${r.retryAfterSeconds} s.` },
    { status: 429, headers: { "retry-after": String(r.retryAfterSeconds) } },
  );
}
