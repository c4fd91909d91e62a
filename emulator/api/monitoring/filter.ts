// The Monitoring filter language: `field OP value` terms on metric.type,
// resource.type, metric.labels.K and resource.labels.K (=, !=, : and the
// functions starts_with / ends_with / has_substring / one_of /
// monitoring.regex.full_match), combined with AND (or juxtaposition), OR, NOT
// and parentheses. AND binds tighter than OR, NOT tightest. Anything else is
// INVALID_ARGUMENT naming the position, never silently widened.
import { RE2JS } from "re2js";
import { invalid } from "../../grpc/errors";

export type Term = {
  field: string;
  op: "=" | "!=" | ":" | "starts_with" | "ends_with" | "has_substring" | "one_of" | "full_match";
  values: string[];
  re?: RE2JS;
};
export type Expr = { k: "and" | "or"; items: Expr[] } | { k: "not"; x: Expr } | { k: "term"; t: Term };
export type MetricFilter = { metricType: string; expr: Expr | null };

const fail = (msg: string, pos: number): never => {
  throw invalid(`Invalid filter: ${msg} at position ${pos + 1}`);
};

function canonical(field: string, pos: number): string {
  const m = /^(metric|resource)\.(type|labels?\.(.+))$/.exec(field);
  if (!m) fail(`unsupported field '${field}'`, pos);
  return m![2] === "type" ? `${m![1]}.type` : `${m![1]}.labels.${m![3]}`;
}

const FUNCTIONS: Record<string, Term["op"]> = {
  starts_with: "starts_with",
  ends_with: "ends_with",
  has_substring: "has_substring",
  one_of: "one_of",
  "monitoring.regex.full_match": "full_match",
};

type Tok = { t: "AND" | "OR" | "NOT" | "(" | ")"; pos: number } | { t: "term"; term: Term; pos: number };

function lex(src: string): Tok[] {
  const re = /\s*(?:(AND|OR|NOT)\b|([A-Za-z_][\w.]*)\s*(=|!=|:)\s*|(\()|(\)))/y;
  const str = (tok: string) => JSON.parse(tok) as string;
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    if (/^\s*$/.test(src.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(src);
    if (!m) fail(`unexpected '${src.slice(i).trim().slice(0, 20)}'`, i);
    const at = i + m![0].length - m![0].trimStart().length;
    i = re.lastIndex;
    if (m![1]) {
      toks.push({ t: m![1] as "AND", pos: at });
      continue;
    }
    if (m![4] || m![5]) {
      toks.push({ t: m![4] ? "(" : ")", pos: at });
      continue;
    }
    const field = canonical(m![2], at);
    const op = m![3] as "=" | "!=" | ":";
    // The value: a string, or a function call on strings.
    const fm = /\s*(?:("(?:[^"\\]|\\.)*")|([A-Za-z_][\w.]*)\s*\(\s*)/y;
    fm.lastIndex = i;
    const v = fm.exec(src);
    if (!v) fail("a quoted value or a function expected", i);
    i = fm.lastIndex;
    if (v![1]) {
      toks.push({ t: "term", term: { field, op, values: [str(v![1])] }, pos: at });
      continue;
    }
    const fn = FUNCTIONS[v![2]];
    if (!fn) fail(`unsupported function ${v![2]}()`, at);
    if (op !== "=") fail(`function ${v![2]}() needs '='`, at);
    const args: string[] = [];
    const am = /\s*("(?:[^"\\]|\\.)*")\s*(,|\))/y;
    for (;;) {
      am.lastIndex = i;
      const a = am.exec(src);
      if (!a) fail(`bad arguments to ${v![2]}()`, i);
      i = am.lastIndex;
      args.push(str(a![1]));
      if (a![2] === ")") break;
    }
    if (fn !== "one_of" && args.length !== 1) fail(`${v![2]}() takes one argument`, at);
    const term: Term = { field, op: fn, values: args };
    if (fn === "full_match") {
      try {
        term.re = RE2JS.compile(args[0]);
      } catch (err) {
        fail(`invalid regular expression '${args[0]}' (${(err as Error).message})`, at);
      }
    }
    toks.push({ t: "term", term, pos: at });
  }
  return toks;
}

/** Parses a filter into an expression; an empty filter is null. */
export function parseExpr(src: string): Expr | null {
  const toks = lex(src);
  if (!toks.length) return null;
  let p = 0;
  const peek = () => toks[p];
  const startsOperand = (t: Tok | undefined) => !!t && (t.t === "term" || t.t === "(" || t.t === "NOT");
  function orExpr(): Expr {
    const items = [andExpr()];
    while (peek()?.t === "OR") {
      p++;
      items.push(andExpr());
    }
    return items.length === 1 ? items[0] : { k: "or", items };
  }
  function andExpr(): Expr {
    const items = [unary()];
    for (;;) {
      if (peek()?.t === "AND") {
        p++;
        items.push(unary());
        continue;
      }
      if (startsOperand(peek())) {
        items.push(unary());
        continue;
      }
      return items.length === 1 ? items[0] : { k: "and", items };
    }
  }
  function unary(): Expr {
    const t = toks[p++];
    if (!t) fail("expression expected", src.length);
    if (t.t === "NOT") return { k: "not", x: unary() };
    if (t.t === "term") return { k: "term", t: t.term };
    if (t.t === "(") {
      const inner = orExpr();
      if (peek()?.t !== ")") fail("')' expected", peek()?.pos ?? src.length);
      p++;
      return inner;
    }
    return fail(`unexpected '${t.t}'`, t.pos);
  }
  const root = orExpr();
  if (p < toks.length) fail(`unexpected '${toks[p].t}'`, toks[p].pos);
  return root;
}

const terms = (e: Expr): Term[] => (e.k === "term" ? [e.t] : e.k === "not" ? terms(e.x) : e.items.flatMap(terms));

/** ListTimeSeries: exactly one `metric.type = "…"`, ANDed with the rest. */
export function parseMetricFilter(src: string): MetricFilter {
  const root = parseExpr(src);
  const required = 'Invalid filter: exactly one metric.type = "…" restriction is required';
  const types = root ? terms(root).filter((t) => t.field === "metric.type") : [];
  if (types.length !== 1 || types[0].op !== "=") throw invalid(required);
  // The AND terms at the top, through parentheses: (metric.type = "…" AND a) AND b.
  const conjuncts = (e: Expr): Expr[] => (e.k === "and" ? e.items.flatMap(conjuncts) : [e]);
  const top = conjuncts(root!);
  if (!top.some((e) => e.k === "term" && e.t === types[0]))
    throw invalid(`${required}, ANDed with the rest of the filter`);
  const rest = top.filter((e) => !(e.k === "term" && e.t === types[0]));
  if (!rest.length) return { metricType: types[0].values[0], expr: null };
  return { metricType: types[0].values[0], expr: rest.length === 1 ? rest[0] : { k: "and", items: rest } };
}

export function termMatches(t: Term, value: string | undefined): boolean {
  if (value === undefined) return t.op === "!=";
  switch (t.op) {
    case "=":
      return value === t.values[0];
    case "!=":
      return value !== t.values[0];
    case ":":
    case "has_substring":
      return value.includes(t.values[0]);
    case "starts_with":
      return value.startsWith(t.values[0]);
    case "ends_with":
      return value.endsWith(t.values[0]);
    case "one_of":
      return t.values.includes(value);
    case "full_match":
      return t.re!.matches(value);
  }
}

/** Evaluates an expression; `get` gives a field's value (undefined when absent). */
export function evaluate(e: Expr | null, get: (field: string) => string | undefined): boolean {
  if (!e) return true;
  switch (e.k) {
    case "and":
      return e.items.every((x) => evaluate(x, get));
    case "or":
      return e.items.some((x) => evaluate(x, get));
    case "not":
      return !evaluate(e.x, get);
    case "term":
      return termMatches(e.t, get(e.t.field));
  }
}

/** Field lookup for a series: metric.type, resource.type and both label maps. */
export function seriesFields(
  metricType: string,
  resourceType: string,
  metric: Record<string, string>,
  resource: Record<string, string>,
) {
  return (field: string): string | undefined => {
    if (field === "metric.type") return metricType;
    if (field === "resource.type") return resourceType;
    const m = /^(metric|resource)\.labels\.(.+)$/.exec(field);
    return m ? (m[1] === "metric" ? metric : resource)[m[2]] : undefined;
  };
}
