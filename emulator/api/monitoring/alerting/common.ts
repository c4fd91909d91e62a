// What the five alerting APIs share: resource names and ids, mutation
// records, field masks, Google's user-label rules, list filters / order_by
// over stored resources, and paging.
import { randomBytes, randomInt } from "node:crypto";
import type * as grpc from "@grpc/grpc-js";
import { invalid } from "../../../grpc/errors";
import { pageOf, readPage } from "../../../grpc/paging";
import { ts } from "../time";

export type Json = Record<string, unknown>;

/** Who made the call: gRPC metadata `x-runway-actor` (emulator extension), as the Run API reads it. */
export function actorOf(call: grpc.ServerUnaryCall<unknown, unknown> | undefined): string {
  const v = call?.metadata.get("x-runway-actor")[0];
  return typeof v === "string" && v ? v : "developer@runway.localhost";
}

export const mutationRecord = (actor: string, at = Date.now()) => ({ mutateTime: ts(at), mutatedBy: actor });

/** A numeric id as Google gives alert policies, conditions, channels and snoozes. */
export const numericId = () => `${randomInt(1, 10)}${Array.from({ length: 18 }, () => randomInt(0, 10)).join("")}`;
/** A random id as Google gives services and SLOs created without one. */
export const randomId = () => randomBytes(16).toString("base64url").replace(/[-_]/g, "x").slice(0, 22);

/** `projects/{p}` → p, or INVALID_ARGUMENT naming the field. */
export function projectParent(value: unknown, field = "name"): string {
  const project = /^projects\/([^/]+)$/.exec(String(value ?? ""))?.[1];
  if (!project) throw invalid(`Field ${field} had an invalid value of "${value ?? ""}": expected projects/{project}`);
  return project;
}

/** `projects/{p}/{collection}/{id}` → parts, or INVALID_ARGUMENT. */
export function childName(
  value: unknown,
  collection: string,
  field = "name",
): { project: string; id: string; parent: string } {
  const m = new RegExp(`^projects/([^/]+)/${collection}/([^/]+)$`).exec(String(value ?? ""));
  if (!m)
    throw invalid(
      `Field ${field} had an invalid value of "${value ?? ""}": expected projects/{project}/${collection}/{id}`,
    );
  return { project: m[1], id: m[2], parent: `projects/${m[1]}` };
}

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Google's user_labels rules (keys and values: lowercase letters, digits, _ and -, ≤ 63; keys start with a letter; ≤ 64). */
export function checkUserLabels(labels: unknown, field: string): Record<string, string> {
  const out = (labels ?? {}) as Record<string, string>;
  const entries = Object.entries(out);
  if (entries.length > 64) throw invalid(`Field ${field} had an invalid value: at most 64 labels`);
  for (const [k, v] of entries) {
    if (!/^[a-z][a-z0-9_-]{0,62}$/.test(k))
      throw invalid(
        `Field ${field} had an invalid value: key "${k}" must start with a lowercase letter and hold only lowercase letters, digits, _ and - (at most 63)`,
      );
    if (!/^[a-z0-9_-]{0,63}$/.test(String(v)))
      throw invalid(
        `Field ${field} had an invalid value: value "${v}" of "${k}" may hold only lowercase letters, digits, _ and - (at most 63)`,
      );
  }
  return out;
}

/**
 * An update: with a mask, the named fields (snake_case, dotted into messages;
 * map keys may follow a map field) are taken from `patch`, cleared when it
 * lacks them; without one, every writable field is. Output-only fields are the
 * caller's to restore.
 */
export function applyMask(current: Json, patch: Json, mask: unknown, writable: string[], field: string): Json {
  const paths = ((mask as { paths?: string[] } | undefined)?.paths ?? []).filter(Boolean);
  if (!paths.length) {
    const next: Json = { ...current };
    for (const f of writable) {
      if (patch[f] === undefined) delete next[f];
      else next[f] = patch[f];
    }
    return next;
  }
  const next = structuredClone(current);
  for (const path of paths) {
    const parts = path.split(".");
    // Google's mask examples spell a user label `user_label.nameofkey`.
    const top = parts[0] === "user_label" && parts.length > 1 ? "userLabels" : camel(parts[0]);
    if (!writable.includes(top))
      throw invalid(
        `Field update_mask had an invalid value of "${path}": it does not name a writable field of ${field}`,
      );
    const keys = [top, ...parts.slice(1).map((p, i) => (top.endsWith("Labels") && i === 0 ? p : camel(p)))];
    let src: unknown = patch;
    let dst = next;
    for (const [i, k] of keys.entries()) {
      src = (src as Json | undefined)?.[k];
      if (i === keys.length - 1) {
        if (src === undefined) delete dst[k];
        else dst[k] = structuredClone(src);
      } else dst = (dst[k] ??= {}) as Json;
    }
  }
  return next;
}

type Term = { path: string[]; op: string; value: string };

/**
 * The list filters of the alerting APIs: `field OP value` terms joined by AND
 * (OR within parentheses is not served), OP one of = != : < <= > >=, fields
 * snake_case or camelCase, dotted into messages and maps (`user_labels.team`).
 */
export function parseListFilter(src: string): (resource: Json) => boolean {
  const text = src.trim();
  if (!text) return () => true;
  const re = /\s*([A-Za-z_][\w.]*)\s*(<=|>=|!=|=|:|<|>)\s*("(?:[^"\\]|\\.)*"|[^\s"()]+)\s*(AND\b|$)/y;
  const terms: Term[] = [];
  let i = 0;
  while (i < text.length) {
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m || m[0].length === 0)
      throw invalid(`Invalid filter "${src}": expected field OP value terms joined by AND, at position ${i + 1}`);
    const value = m[3].startsWith('"') ? (JSON.parse(m[3]) as string) : m[3];
    const path = m[1].split(".");
    terms.push({
      path: [
        camel(path[0]),
        ...path
          .slice(1)
          .map((p, j) => ((path[0].endsWith("labels") || path[0].endsWith("Labels")) && j === 0 ? p : camel(p))),
      ],
      op: m[2],
      value,
    });
    i = re.lastIndex;
    if (!m[4] && i < text.length) throw invalid(`Invalid filter "${src}": expected AND at position ${i + 1}`);
  }
  return (r) => terms.every((t) => matches(lookup(r, t.path), t));
}

function lookup(r: Json, path: string[]): unknown {
  let v: unknown = r;
  for (const k of path) v = (v as Json | undefined)?.[k];
  // BoolValue wrappers (`enabled`) compare as their value.
  if (v && typeof v === "object" && "value" in (v as Json)) return (v as Json).value;
  return v;
}

function matches(v: unknown, t: Term): boolean {
  if (v === undefined || v === null) return t.op === "!=";
  const s = typeof v === "object" ? JSON.stringify(v) : String(v);
  switch (t.op) {
    case "=":
      return s === t.value || (/^\d{4}-\d\d-\d\dT/.test(t.value) && Date.parse(s) === Date.parse(t.value));
    case "!=":
      return s !== t.value;
    case ":":
      return s.includes(t.value);
    default: {
      // RFC 3339 timestamps compare as instants, whatever their offsets.
      const isTime = (x: string) => /^\d{4}-\d\d-\d\dT/.test(x) && !Number.isNaN(Date.parse(x));
      if (isTime(s) && isTime(t.value)) return compare(Date.parse(s), Date.parse(t.value), t.op);
      const [a, b] =
        Number.isFinite(Number(s)) && Number.isFinite(Number(t.value)) ? [Number(s), Number(t.value)] : [s, t.value];
      return compare(a, b, t.op);
    }
  }
}

const compare = <T extends number | string>(a: T, b: T, op: string) =>
  op === "<" ? a < b : op === "<=" ? a <= b : op === ">" ? a > b : op === "=" ? a === b : a >= b;

/** order_by: comma-separated fields, each optionally followed by `desc` (or prefixed with `-`). */
export function sortBy<T extends Json>(items: T[], orderBy: unknown): T[] {
  const spec = String(orderBy ?? "").trim();
  if (!spec) return items;
  const keys = spec.split(",").map((part) => {
    const m = /^\s*(-)?([A-Za-z_][\w.]*)(?:\s+(asc|desc))?\s*$/i.exec(part);
    if (!m) throw invalid(`Invalid order_by "${spec}"`);
    return { path: m[2].split(".").map(camel), desc: !!m[1] || m[3]?.toLowerCase() === "desc" };
  });
  return [...items].sort((a, b) => {
    for (const k of keys) {
      const x = String(lookup(a, k.path) ?? "");
      const y = String(lookup(b, k.path) ?? "");
      if (x !== y) return (x < y ? -1 : 1) * (k.desc ? -1 : 1);
    }
    return 0;
  });
}

/** One page of already filtered and sorted items, with total_size. */
export function page<T>(
  items: T[],
  req: Json,
  nonPositiveIsDefault = false,
): { items: T[]; nextPageToken: string; totalSize: number } {
  // Uptime checks and snoozes: a page size <= 0 (or out of range) lets the server decide, as their protos say.
  const size = nonPositiveIsDefault && Number(req.pageSize ?? 0) < 0 ? 0 : (req.pageSize as number);
  const p = readPage(size, req.pageToken as string, 100, 1000);
  const { items: slice, nextPageToken } = pageOf(items.slice(p.offset, p.offset + p.limit + 1), p);
  return { items: slice, nextPageToken, totalSize: items.length };
}

/** A Duration as whole seconds, or INVALID_ARGUMENT. */
export function seconds(d: unknown, field: string): number | undefined {
  if (d === undefined || d === null) return undefined;
  const o = d as Json;
  const s = Number(o.seconds ?? 0);
  if (!Number.isFinite(s) || s < 0 || Number(o.nanos ?? 0) < 0)
    throw invalid(`Field ${field} had an invalid value: a duration must not be negative`);
  return s + Number(o.nanos ?? 0) / 1e9;
}

export const isSet = (v: unknown) => v !== undefined && v !== null && v !== "";
