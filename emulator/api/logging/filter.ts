// The Cloud Logging query language subset of google-apis.md §2.2: parsed into
// a small AST, evaluated in JS over entries in their JSON form (the field
// paths the language names), and partly compiled to SQL (sql.ts) so the
// store reads only candidate rows. Anything outside the subset is rejected
// with INVALID_ARGUMENT naming the problem and its position, never ignored:
// a silently widened filter would show a user logs they did not ask for.
import { RE2JS } from "re2js";
import { invalid } from "../../grpc/errors";

export type Op = "=" | "!=" | "<" | "<=" | ">" | ">=" | ":" | "=~" | "!~";
export type Node =
  | { k: "and"; items: Node[] }
  | { k: "or"; items: Node[] }
  | { k: "not"; x: Node }
  | { k: "cmp"; path: string[]; op: Op; values: string[]; pos: number }
  | { k: "text"; value: string };

export const SEVERITIES = [
  "DEFAULT",
  "DEBUG",
  "INFO",
  "NOTICE",
  "WARNING",
  "ERROR",
  "CRITICAL",
  "ALERT",
  "EMERGENCY",
] as const;
export const severityRank = (s: string): number => {
  const i = SEVERITIES.indexOf(s.toUpperCase() as (typeof SEVERITIES)[number]);
  return i < 0 ? -1 : i * 100;
};

type Tok = { t: "(" | ")" | "op" | "word" | "str" | "AND" | "OR" | "NOT"; v: string; pos: number; path?: string[] };

const OPS = ["!=", "<=", ">=", "=~", "!~", "=", "<", ">", ":"];
const SPECIAL = new Set(['"', "(", ")", "=", "!", "<", ">", ":", "~", ",", "{", "}", "[", "]"]);

// `=~` / `!~` take RE2 syntax, as on Google: `(?i)` flags work, lookarounds and
// backreferences are refused. re2js is a pure-JS port of RE2 (linear time, no
// native build), so a user's pattern can never hang the emulator either.
const compiled = new Map<string, RE2JS>();
function re2(pattern: string): RE2JS {
  let re = compiled.get(pattern);
  if (!re) {
    re = RE2JS.compile(pattern);
    if (compiled.size > 500) compiled.clear();
    compiled.set(pattern, re);
  }
  return re;
}

function fail(msg: string, pos: number): never {
  throw invalid(`Invalid filter: ${msg} at position ${pos + 1}`);
}

function readString(src: string, i: number): [string, number] {
  let out = "";
  for (let j = i + 1; j < src.length; j++) {
    const c = src[j];
    if (c === "\\" && j + 1 < src.length) out += src[++j];
    else if (c === '"') return [out, j + 1];
    else out += c;
  }
  fail("unterminated string", i);
}

function lex(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "(" || c === ")") {
      toks.push({ t: c, v: c, pos: i });
      i++;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op) {
      toks.push({ t: "op", v: op, pos: i });
      i += op.length;
      continue;
    }
    if (SPECIAL.has(c) && c !== '"') fail(`unexpected character '${c}'`, i);
    // A term: dot-separated segments, each bare or quoted (labels."k8s-pod/app").
    const start = i;
    const path: string[] = [];
    let quotedOnly = true;
    for (;;) {
      if (src[i] === '"') {
        const [s, next] = readString(src, i);
        path.push(s);
        i = next;
      } else {
        let j = i;
        while (j < src.length && !/\s/.test(src[j]) && !SPECIAL.has(src[j]) && src[j] !== ".") j++;
        path.push(src.slice(i, j));
        quotedOnly = false;
        i = j;
      }
      if (src[i] === "." && i + 1 < src.length) {
        i++;
        continue;
      }
      break;
    }
    const raw = src.slice(start, i);
    if (src[i] === "(" && !quotedOnly) fail(`unsupported function ${raw}()`, start);
    if (!quotedOnly && path.length === 1 && ["AND", "OR", "NOT"].includes(raw))
      toks.push({ t: raw as "AND", v: raw, pos: start });
    else if (quotedOnly && path.length === 1) toks.push({ t: "str", v: path[0], pos: start });
    else toks.push({ t: "word", v: path.join("."), pos: start, path });
    if (i === start) fail(`unexpected character '${src[i]}'`, i);
  }
  return toks;
}

/** Parses a filter; an empty filter is null (matches everything). */
export function parseFilter(src: string): Node | null {
  if (src.length > 20_000) throw invalid("Invalid filter: longer than 20000 characters");
  // Google refuses a NUL anywhere in a filter; Postgres could not store one in a parameter anyway.
  const nul = src.indexOf("\u0000");
  if (nul >= 0) throw invalid(`Invalid filter: a NUL character at position ${nul + 1}`);
  const toks = lex(src);
  let p = 0;
  const peek = () => toks[p];
  const startsPrimary = (t: Tok | undefined) =>
    !!t && (t.t === "(" || t.t === "word" || t.t === "str" || t.t === "NOT");

  // Precedence (Google's, unusual): NOT binds tightest, then OR, then AND.
  function andExpr(): Node {
    const items = [orExpr()];
    for (;;) {
      if (peek()?.t === "AND") {
        p++;
        items.push(orExpr());
        continue;
      }
      if (startsPrimary(peek())) {
        items.push(orExpr());
        continue;
      }
      break;
    }
    return items.length === 1 ? items[0] : { k: "and", items };
  }
  function orExpr(): Node {
    const items = [unary()];
    while (peek()?.t === "OR") {
      p++;
      items.push(unary());
    }
    return items.length === 1 ? items[0] : { k: "or", items };
  }
  function unary(): Node {
    const t = peek();
    if (!t) fail("expression expected", src.length);
    if (t.t === "NOT") {
      p++;
      return { k: "not", x: unary() };
    }
    // Prefix '-' is NOT as well (-severity=ERROR).
    if (t.t === "word" && t.v.startsWith("-") && t.v.length > 1 && !/^-\d/.test(t.v)) {
      toks[p] = { ...t, v: t.v.slice(1), path: [t.path![0].slice(1), ...t.path!.slice(1)], pos: t.pos + 1 };
      return { k: "not", x: unary() };
    }
    return primary();
  }
  function primary(): Node {
    const t = toks[p++];
    if (!t) fail("expression expected", src.length);
    if (t.t === "(") {
      const inner = andExpr();
      if (peek()?.t !== ")") fail("')' expected", peek()?.pos ?? src.length);
      p++;
      return inner;
    }
    if (t.t !== "word" && t.t !== "str") fail(`unexpected '${t.v}'`, t.pos);
    const op = peek();
    if (op?.t !== "op") {
      return { k: "text", value: t.v };
    }
    p++;
    const path = t.t === "word" ? t.path! : [t.v];
    return { k: "cmp", path, op: op.v as Op, values: value(op), pos: t.pos };
  }
  function value(op: Tok): string[] {
    const t = toks[p++];
    if (!t) fail(`value expected after '${op.v}'`, src.length);
    if (t.t === "word" || t.t === "str") return [t.v];
    if (t.t === "(") {
      // RHS disjunction: severity = (ERROR OR CRITICAL).
      const out: string[] = [];
      for (;;) {
        const v = toks[p++];
        if (v?.t !== "word" && v?.t !== "str") fail("value expected", v?.pos ?? src.length);
        out.push(v.v);
        const n = toks[p++];
        if (n?.t === ")") return out;
        if (n?.t !== "OR") fail("only OR may join values in parentheses", n?.pos ?? src.length);
      }
    }
    fail(`value expected after '${op.v}'`, t.pos);
  }

  if (!toks.length) return null;
  const root = andExpr();
  if (p < toks.length) fail(`unexpected '${toks[p].v}'`, toks[p].pos);
  validate(root);
  return root;
}

const TOP = new Set([
  "logName",
  "resource",
  "timestamp",
  "receiveTimestamp",
  "severity",
  "insertId",
  "httpRequest",
  "labels",
  "operation",
  "trace",
  "spanId",
  "traceSampled",
  "sourceLocation",
  "textPayload",
  "jsonPayload",
  "protoPayload",
  "split",
]);
const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Field paths accept snake_case outside user keys (jsonPayload, labels). */
function normalize(path: string[]): string[] {
  const out = [camel(path[0]), ...path.slice(1)];
  if (out[0] === "httpRequest" || out[0] === "sourceLocation" || out[0] === "operation")
    for (let i = 1; i < out.length; i++) out[i] = camel(out[i]);
  if (out[0] === "resource" && out[1] !== "labels" && out[1]) out[1] = camel(out[1]);
  return out;
}

function validate(n: Node): void {
  if (n.k === "and" || n.k === "or") return n.items.forEach(validate);
  if (n.k === "not") return validate(n.x);
  if (n.k !== "cmp") return;
  n.path = normalize(n.path);
  if (!TOP.has(n.path[0])) fail(`unknown field '${n.path.join(".")}'`, n.pos);
  if (n.op === ":" && n.values.length === 1 && n.values[0] === "*") return;
  for (const v of n.values) {
    if (n.path[0] === "severity" && n.path.length === 1 && !/^\d+$/.test(v) && severityRank(v) < 0)
      fail(`unknown severity '${v}'`, n.pos);
    if ((n.path[0] === "timestamp" || n.path[0] === "receiveTimestamp") && Number.isNaN(Date.parse(v)))
      fail(`'${v}' is not an RFC 3339 timestamp`, n.pos);
    if (n.op === "=~" || n.op === "!~") {
      try {
        re2(v);
      } catch (err) {
        fail(`invalid regular expression '${v}' (${(err as Error).message})`, n.pos);
      }
    }
  }
}

function resolve(entry: unknown, path: string[]): unknown {
  let cur = entry;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

function containsText(v: unknown, needle: string): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === "object") return Object.values(v as object).some((x) => containsText(x, needle));
  return String(v).toLowerCase().includes(needle);
}

const durationSeconds = (v: unknown) => (typeof v === "string" && /^[\d.]+s$/.test(v) ? Number(v.slice(0, -1)) : v);

function compareOne(field: unknown, op: Op, value: string, path: string[]): boolean {
  if (op === ":") return containsText(field, value.toLowerCase());
  if (typeof field === "object" && field !== null) return false;
  // Unanchored, as Google's: the pattern may match anywhere in the value.
  if (op === "=~" || op === "!~") return re2(value).matcher(String(field)).find() === (op === "=~");
  let a: number | string;
  let b: number | string;
  if (path[0] === "severity" && path.length === 1) {
    a = severityRank(String(field));
    b = /^\d+$/.test(value) ? Number(value) : severityRank(value);
  } else if ((path[0] === "timestamp" || path[0] === "receiveTimestamp") && path.length === 1) {
    a = Date.parse(String(field));
    b = Date.parse(value);
  } else {
    const f = durationSeconds(field);
    const nf = typeof f === "number" || typeof f === "boolean" ? Number(f) : Number(f);
    const nv = Number(value.endsWith("s") && path[1] === "latency" ? value.slice(0, -1) : value);
    if (String(f).trim() !== "" && value.trim() !== "" && !Number.isNaN(nf) && !Number.isNaN(nv)) {
      a = nf;
      b = nv;
    } else {
      a = String(field).toLowerCase();
      b = value.toLowerCase();
    }
  }
  switch (op) {
    case "=":
      return a === b;
    case "!=":
      return a !== b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    default:
      return a >= b;
  }
}

/** Does an entry (JSON form) match? A comparison on a missing field is false, `!=` included. */
export function matches(node: Node | null, entry: Record<string, unknown>): boolean {
  if (!node) return true;
  switch (node.k) {
    case "and":
      return node.items.every((n) => matches(n, entry));
    case "or":
      return node.items.some((n) => matches(n, entry));
    case "not":
      return !matches(node.x, entry);
    case "text":
      return containsText(entry, node.value.toLowerCase());
    case "cmp": {
      const field = resolve(entry, node.path);
      if (field === undefined || field === null || field === "") return false;
      if (node.op === ":" && node.values[0] === "*" && node.values.length === 1) return true;
      // A negated operator holds only if it holds for every listed value.
      if (node.op === "!=" || node.op === "!~")
        return node.values.every((v) => compareOne(field, node.op, v, node.path));
      return node.values.some((v) => compareOne(field, node.op, v, node.path));
    }
  }
}
