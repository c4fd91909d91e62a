// What the proxy checks on a request before Next handles it (issue 14, findings
// 2 and 7): server-action POSTs from another origin, bodies over the limit, and
// payloads Next could not decode all used to surface as HTTP 500. They get a
// plain 4xx here instead, and only a warning in the log.

/** Next's default server-action body limit (serverActions.bodySizeLimit). */
export const ACTION_BODY_LIMIT = 1024 * 1024;

export type Refusal = { status: 400 | 403 | 411 | 413 | 415; message: string };

/** Every POST to a page is a (possible) server action; route handlers live under /api/. */
export function isActionPost(method: string, pathname: string): boolean {
  return method === "POST" && !pathname.startsWith("/api/");
}

/** Every client when no proxy in front says who it is (trusted hops 0): the per-address limits then hold for all together. */
export const NO_CLIENT_ADDRESS = "direct";

/**
 * The client's address for the per-address limits: the X-Forwarded-For entry the
 * outermost of `trustedHops` proxies appended, counted from the end. Whatever a
 * client wrote in the header sits left of it and is never used (issue 27, item 4).
 */
export function clientIp(headers: Headers, trustedHops: number): string {
  if (trustedHops <= 0) return NO_CLIENT_ADDRESS;
  const entries =
    headers
      .get("x-forwarded-for")
      ?.split(",")
      .map((h) => h.trim())
      .filter(Boolean) ?? [];
  return (entries[Math.max(0, entries.length - trustedHops)] ?? "unknown").slice(0, 64);
}

/** Refuses an Origin that is not the host the portal answers as (Next's own check, made a 403). */
export function crossOrigin(headers: Headers, host: string | null): Refusal | null {
  const origin = headers.get("origin");
  if (!origin) return null; // Handcrafted clients send none; Next lets them through too, and the session decides.
  let originHost: string;
  try {
    originHost = origin === "null" ? "null" : new URL(origin).host;
  } catch {
    originHost = "(malformed)";
  }
  if (host && originHost === host) return null;
  return { status: 403, message: `Cross-origin request refused: ${origin.slice(0, 100)} is not this portal.` };
}

const JSON_TYPES = /^text\/plain\b/i;
const FORM_TYPES = /^(multipart\/form-data|application\/x-www-form-urlencoded)\b/i;

/**
 * A server-action body Next can decode: a declared length within the limit, and
 * a form (FormData arguments) or a JSON array (other arguments) whose `$`
 * references (React's reply encoding) all name parts the body has. A reference
 * to a missing part made React's decoder fail with "Connection closed" (a 500).
 */
export async function undecodableAction(req: Request): Promise<Refusal | null> {
  const length = req.headers.get("content-length");
  if (length === null) return req.body ? { status: 411, message: "A server action needs a Content-Length." } : null;
  if (!/^\d+$/.test(length)) return { status: 400, message: "Malformed Content-Length." };
  if (Number(length) > ACTION_BODY_LIMIT)
    return { status: 413, message: `The request body is larger than ${ACTION_BODY_LIMIT / 1024 / 1024} MB.` };
  const type = req.headers.get("content-type") ?? "";
  const unreadable: Refusal = { status: 400, message: "The action's arguments could not be read." };
  if (FORM_TYPES.test(type)) {
    let form: FormData;
    try {
      form = await req.clone().formData();
    } catch {
      return { status: 400, message: "The form data could not be read." };
    }
    const keys = new Set([...form.keys()]);
    // Field "0" holds the encoded arguments when Next's client sent them; other fields are their parts.
    for (const [key, value] of form.entries()) {
      if (!/^\d+$/.test(key) || typeof value !== "string") continue;
      if (!referencesResolve(parseJson(value), keys)) return unreadable;
    }
    return null;
  }
  if (JSON_TYPES.test(type) || type === "") {
    const text = await req.clone().text();
    if (text === "" && !req.headers.get("next-action")) return null; // A plain POST to a page, no action.
    const args = parseJson(text);
    return Array.isArray(args) && referencesResolve(args, new Set()) ? null : unreadable;
  }
  return { status: 415, message: `Unsupported content type ${type.slice(0, 60)} for a server action.` };
}

const NO_VALUE = Symbol("unparsable");
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return NO_VALUE;
  }
}

/** Values a `$` string may encode on its own: an escaped `$`, Infinity, -0, NaN, undefined, a date, a bigint. */
const SELF_CONTAINED = /^\$(\$|I|-|N|u|D|n)/;

/** Every `$` string in the value is self-contained, a form-data reference, or names an outlined part of the body (a field named by its id). */
function referencesResolve(value: unknown, keys: Set<string>, depth = 0): boolean {
  if (value === NO_VALUE || depth > 64) return false;
  if (typeof value === "string") {
    if (!value.startsWith("$") || SELF_CONTAINED.test(value)) return true;
    const m = /^\$([@QWKhiAOoUSsLlGgMmVBbFfdDT]?)([0-9a-f]+)$/.exec(value);
    if (!m) return false;
    const id = String(parseInt(m[2], 16));
    // `$K<id>` gathers the `_<id>_` fields into a FormData, none if there are none: it cannot fail.
    // Temporary references (`$T`) stand for values a client cannot send; the portal's actions take none.
    return m[1] === "K" || (m[1] !== "T" && keys.has(id));
  }
  if (Array.isArray(value)) return value.every((v) => referencesResolve(v, keys, depth + 1));
  if (value && typeof value === "object")
    return Object.values(value).every((v) => referencesResolve(v, keys, depth + 1));
  return true;
}
