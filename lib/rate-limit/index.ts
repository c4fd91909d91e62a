// Rate limits that hold across portal instances: a fixed-window counter per
// (rule, key) in Postgres, taken with one atomic upsert. Callers decide the key
// (a person's id, an IP, a channel) and answer 429 with `retryAfterSeconds`.
import "server-only";
import { createHash } from "node:crypto";
import type { Db } from "../db";

export interface RateLimitRule {
  /** Names the limit, e.g. "sign-in:ip"; one counter space per bucket. */
  bucket: string;
  /** Calls allowed per window. */
  limit: number;
  windowSeconds: number;
}

export interface RateLimitResult {
  allowed: boolean;
  /** Calls counted in this window, this one included. */
  count: number;
  limit: number;
  /** Seconds until the window ends (0 when allowed). */
  retryAfterSeconds: number;
}

/** Windows older than this are deleted now and then; no rule may use a longer window. */
const KEEP_MS = 24 * 3600_000;
const CLEANUP_EVERY_MS = 60_000;
let lastCleanup = 0;

/** Keys are stored as given up to 128 characters; longer ones as their hash, so the table stays compact. */
const storedKey = (key: string) =>
  key.length <= 128 ? key : `sha256:${createHash("sha256").update(key).digest("hex")}`;

/** Counts one call against `rule` for `key` and says whether it is allowed. */
export async function takeRateLimit(
  db: Db,
  rule: RateLimitRule,
  key: string,
  now = new Date(),
): Promise<RateLimitResult> {
  if (rule.windowSeconds * 1000 > KEEP_MS) throw new Error(`rate limit ${rule.bucket}: window longer than a day`);
  const windowMs = rule.windowSeconds * 1000;
  const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
  const rows = await db.$queryRaw<{ count: number }[]>`
    INSERT INTO rate_limit_windows (bucket, key, window_start, count)
    VALUES (${rule.bucket}, ${storedKey(key)}, ${windowStart}, 1)
    ON CONFLICT (bucket, key, window_start) DO UPDATE SET count = rate_limit_windows.count + 1
    RETURNING count`;
  const count = Number(rows[0].count);
  if (now.getTime() - lastCleanup > CLEANUP_EVERY_MS) {
    lastCleanup = now.getTime();
    await db.$executeRaw`DELETE FROM rate_limit_windows WHERE window_start < ${new Date(now.getTime() - KEEP_MS)}`;
  }
  const allowed = count <= rule.limit;
  const retryAfterSeconds = allowed
    ? 0
    : Math.max(1, Math.ceil((windowStart.getTime() + windowMs - now.getTime()) / 1000));
  return { allowed, count, limit: rule.limit, retryAfterSeconds };
}
