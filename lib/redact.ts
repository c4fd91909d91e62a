// Removes secret values from anything that is about to be logged or audited.
// A key that looks secret has its value replaced, however deep it sits.

const SECRET_KEY = /(pass(word)?|secret|token|api[-_]?key|credential|private[-_]?key|authorization|cookie)/i;
export const REDACTED = "[redacted]";

export function redact(value: unknown, extraKeys: readonly string[] = [], depth = 0): unknown {
  if (depth > 8) return "[too deep]";
  if (Array.isArray(value)) return value.map((v) => redact(v, extraKeys, depth + 1));
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return scrubUrlCredentials(value);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEY.test(k) || extraKeys.includes(k) ? REDACTED : redact(v, extraKeys, depth + 1);
    }
    return out;
  }
  return value;
}

/** `postgres://user:pw@host` → `postgres://***@host`: connection strings leak into error messages. */
export function scrubUrlCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, "$1***@");
}
