// What PostgreSQL cannot store, made storable without losing it: text and jsonb
// refuse NUL (U+0000), and a lone UTF-16 surrogate has no UTF-8 form, so either
// in an input used to make the audit insert fail (issue 14, finding 1). Both are
// written out as the visible escape `\u0000` / `\ud800`; nothing is dropped.
// Keys are escaped like values, and values JSON cannot hold become strings.

const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const escapeChar = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

/** The text with NUL and lone surrogates written as `\uXXXX`. */
export function storableText(text: string): string {
  return text.replace(UNSTORABLE, escapeChar);
}

const MAX_DEPTH = 12;

/** A JSON value PostgreSQL's jsonb accepts, with every string made storable. */
export function storableJson(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === "string") return storableText(value);
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (typeof value === "boolean") return value;
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  if (depth >= MAX_DEPTH) return storableText(safeString(value));
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : storableJson(v, depth + 1)));
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[storableText(k)] = storableJson(v, depth + 1);
    return out;
  }
  return storableText(String(value));
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return "[unserialisable]";
  }
}

/** The path of the first string (value or key) PostgreSQL could not store, or null when there is none. */
export function firstUnstorable(value: unknown, path = "", depth = 0): string | null {
  const bad = (s: string) => new RegExp(UNSTORABLE.source).test(s);
  if (typeof value === "string") return bad(value) ? path || "(root)" : null;
  if (value === null || typeof value !== "object" || depth >= 64) return null;
  for (const [k, v] of Object.entries(value)) {
    const here = storableText(path ? `${path}.${k}` : k);
    if (bad(k)) return here;
    const found = firstUnstorable(v, here, depth + 1);
    if (found) return found;
  }
  return null;
}
