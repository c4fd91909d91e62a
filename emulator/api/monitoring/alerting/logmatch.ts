// Log-match conditions (`condition_matched_log`), as Cloud Monitoring runs
// log-based alerting policies: the condition's Logging filter over the
// emulator's Cloud Logging entries, label extractors (EXTRACT(field) and
// REGEXP_EXTRACT(field, "re") with one capture group) splitting matches into
// separate rules, each opening an incident when a matching entry arrives,
// no more than one notification per `alert_strategy.notification_rate_limit`
// period. Entries are read once each, in ingestion order, from the policy's
// creation on.
import { RE2JS } from "re2js";
import type { Db } from "../../../db";
import { invalid } from "../../../grpc/errors";
import { matches, parseFilter } from "../../logging/filter";
import { whereClauses } from "../../logging/sql";
import { isSet, seconds, type Json } from "./common";

/** Google's floor for a log-based policy's notification rate limit (the console's "time between notifications"). */
export const MIN_RATE_LIMIT_S = 300;

type Extractor = { path: string[]; re?: RE2JS };

function splitPath(src: string, field: string): string[] {
  const out: string[] = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|([A-Za-z_@][\w@/-]*))\s*(\.|$)/y;
  let i = 0;
  while (i < src.length) {
    re.lastIndex = i;
    const m = re.exec(src);
    if (!m || !m[0]) throw invalid(`Field ${field} had an invalid value: "${src}" is not a log entry field path`);
    out.push(m[1] !== undefined ? JSON.parse(`"${m[1]}"`) : m[2]);
    i = re.lastIndex;
    if (!m[3]) break;
  }
  if (!out.length || i < src.length)
    throw invalid(`Field ${field} had an invalid value: "${src}" is not a log entry field path`);
  return out;
}

/** `EXTRACT(field)` or `REGEXP_EXTRACT(field, "regex")`, as logs-based metrics' value extractors. */
export function parseExtractor(expr: string, field: string): Extractor {
  const m = /^\s*(EXTRACT|REGEXP_EXTRACT)\s*\(\s*([^,)]+?)\s*(?:,\s*"((?:[^"\\]|\\.)*)"\s*)?\)\s*$/.exec(expr);
  if (!m)
    throw invalid(
      `Field ${field} had an invalid value of "${expr}": expected EXTRACT(field) or REGEXP_EXTRACT(field, "regex")`,
    );
  const path = splitPath(m[2], field);
  if (m[1] === "EXTRACT") {
    if (m[3] !== undefined)
      throw invalid(`Field ${field} had an invalid value of "${expr}": EXTRACT takes one argument`);
    return { path };
  }
  if (m[3] === undefined)
    throw invalid(`Field ${field} had an invalid value of "${expr}": REGEXP_EXTRACT needs a regular expression`);
  let re: RE2JS;
  try {
    re = RE2JS.compile(JSON.parse(`"${m[3]}"`) as string);
  } catch (err) {
    throw invalid(`Field ${field} had an invalid value of "${expr}": ${(err as Error).message}`);
  }
  if (re.groupCount() !== 1)
    throw invalid(
      `Field ${field} had an invalid value of "${expr}": the regular expression must have exactly one capture group`,
    );
  return { path, re };
}

/** Validates a LogMatch (filter required and valid, extractors valid). */
export function checkLogMatch(l: Json, field: string): void {
  if (!isSet(l.filter)) throw invalid(`Field ${field}.filter had an invalid value: a filter is required`);
  try {
    parseFilter(String(l.filter));
  } catch (err) {
    throw invalid(`Field ${field}.filter had an invalid value of "${l.filter}": ${(err as Error).message}`);
  }
  for (const [k, v] of Object.entries((l.labelExtractors ?? {}) as Record<string, string>)) {
    if (!/^[a-zA-Z_][\w]{0,99}$/.test(k))
      throw invalid(`Field ${field}.label_extractors had an invalid value: "${k}" is not a valid label key`);
    parseExtractor(String(v), `${field}.label_extractors.${k}`);
  }
}

/** The rules a log-based policy needs: exactly one condition, a notification rate limit, OPENED prompts only. */
export function checkLogPolicy(p: Json, conditions: Json[]): void {
  if (!conditions.some((c) => c.conditionMatchedLog)) return;
  if (conditions.length !== 1)
    throw invalid(
      "Field alert_policy.conditions had an invalid value: a policy with a condition_matched_log condition must have exactly one condition",
    );
  const strategy = (p.alertStrategy ?? {}) as Json;
  const limit = strategy.notificationRateLimit as Json | undefined;
  const period = seconds(limit?.period, "alert_policy.alert_strategy.notification_rate_limit.period") ?? 0;
  if (!period)
    throw invalid(
      "Field alert_policy.alert_strategy.notification_rate_limit had an invalid value: it is required for log-based alerting policies (policies with a condition_matched_log condition)",
    );
  if (period < MIN_RATE_LIMIT_S)
    throw invalid(
      `Field alert_policy.alert_strategy.notification_rate_limit.period had an invalid value of "${period}s": at least ${MIN_RATE_LIMIT_S}s`,
    );
  const prompts = (strategy.notificationPrompts as string[] | undefined) ?? [];
  if (prompts.some((x) => x !== "OPENED"))
    throw invalid(
      "Field alert_policy.alert_strategy.notification_prompts had an invalid value: for log-based alerting policies the notification prompts can only be [OPENED]",
    );
}

function resolve(entry: unknown, path: string[]): unknown {
  let cur = entry;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Json)[seg];
  }
  return cur;
}

/** The extracted labels of one entry (a label whose field is missing or does not match is empty). */
export function extractLabels(extractors: Record<string, string>, entry: Json): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, expr] of Object.entries(extractors).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const x = parseExtractor(expr, k);
    const v = resolve(entry, x.path);
    const s = v === undefined || v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
    if (!x.re) out[k] = s;
    else {
      const m = x.re.matcher(s);
      out[k] = m.find() ? (m.group(1) ?? "") : "";
    }
  }
  return out;
}

/**
 * The entries of `project` matching `filter` ingested after `afterSeq` (or,
 * with no cursor yet, timestamped at or after `sinceMs`), oldest first, and
 * the cursor to read from next time.
 */
export async function newMatches(
  db: Db,
  project: string,
  filter: string,
  afterSeq: string | null,
  sinceMs: number,
): Promise<{ entries: Json[]; seq: string | null }> {
  const node = parseFilter(filter);
  const params: unknown[] = [project];
  const where = ["project = $1", ...whereClauses(node, params)];
  if (afterSeq !== null) where.push(`seq > $${params.push(afterSeq)}::bigint`);
  else where.push(`ts >= to_timestamp($${params.push(sinceMs)} / 1000.0)`);
  const { rows } = await db.query<{ seq: string; entry: Json }>(
    `SELECT seq::text AS seq, entry FROM emu_log_entries WHERE ${where.join(" AND ")} ORDER BY seq LIMIT 5000`,
    params,
  );
  return {
    entries: rows.filter((r) => matches(node, r.entry)).map((r) => r.entry),
    seq: rows.length ? rows[rows.length - 1].seq : afterSeq,
  };
}
