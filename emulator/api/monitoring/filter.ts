// The Monitoring filter subset: `field OP "value"` terms joined by AND (or
// juxtaposition) on metric.type, resource.type, metric.labels.K and
// resource.labels.K, with =, !=, : and starts_with / ends_with /
// has_substring / one_of. OR, NOT and regex functions are rejected with
// INVALID_ARGUMENT rather than approximated.
import { invalid } from "../../grpc/errors";

export type Term = { field: string; op: "=" | "!=" | ":" | "starts_with" | "ends_with" | "has_substring" | "one_of"; values: string[] };
export type MetricFilter = { metricType: string; terms: Term[] };

const fail = (msg: string, pos: number): never => {
  throw invalid(`Invalid filter: ${msg} at position ${pos + 1}`);
};

function canonical(field: string, pos: number): string {
  const m = /^(metric|resource)\.(type|labels?\.(.+))$/.exec(field);
  if (!m) fail(`unsupported field '${field}'`, pos);
  return m![2] === "type" ? `${m![1]}.type` : `${m![1]}.labels.${m![3]}`;
}

export function parseMetricFilter(src: string): MetricFilter {
  const re = /\s*(?:(AND)\b|(OR|NOT)\b|([A-Za-z_][\w.]*)\s*(=|!=|:)\s*|("(?:[^"\\]|\\.)*")|(\()|(\))|(,))/y;
  let i = 0;
  const terms: Term[] = [];
  const str = (tok: string) => JSON.parse(tok) as string;
  while (i < src.length) {
    if (/^\s*$/.test(src.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(src);
    if (!m) fail(`unexpected '${src.slice(i).trim().slice(0, 20)}'`, i);
    const at = i + m![0].length - m![0].trimStart().length;
    i = re.lastIndex;
    if (m![1]) continue;
    if (m![2]) fail(`${m![2]} is not supported by the emulator (use AND)`, at);
    if (!m![3]) fail(`unexpected '${m![0].trim()}'`, at);
    const field = canonical(m![3], at);
    const op = m![4] as "=" | "!=" | ":";
    // The value: a string, or a function call on strings.
    const fm = /\s*(?:("(?:[^"\\]|\\.)*")|([A-Za-z_][\w.]*)\s*\(\s*)/y;
    fm.lastIndex = i;
    const v = fm.exec(src);
    if (!v) fail("a quoted value or a function expected", i);
    i = fm.lastIndex;
    if (v![1]) {
      terms.push({ field, op, values: [str(v![1])] });
      continue;
    }
    const fn = v![2];
    if (op !== "=") fail(`function ${fn}() needs '='`, at);
    if (!["starts_with", "ends_with", "has_substring", "one_of"].includes(fn)) fail(`unsupported function ${fn}()`, at);
    const args: string[] = [];
    const am = /\s*("(?:[^"\\]|\\.)*")\s*(,|\))/y;
    for (;;) {
      am.lastIndex = i;
      const a = am.exec(src);
      if (!a) fail(`bad arguments to ${fn}()`, i);
      i = am.lastIndex;
      args.push(str(a![1]));
      if (a![2] === ")") break;
    }
    if (fn !== "one_of" && args.length !== 1) fail(`${fn}() takes one argument`, at);
    terms.push({ field, op: fn as Term["op"], values: args });
  }
  const types = terms.filter((t) => t.field === "metric.type");
  if (types.length !== 1 || types[0].op !== "=") throw invalid('Invalid filter: exactly one metric.type = "…" restriction is required');
  return { metricType: types[0].values[0], terms: terms.filter((t) => t !== types[0]) };
}

export function termMatches(t: Term, value: string | undefined): boolean {
  if (value === undefined) return t.op === "!=";
  switch (t.op) {
    case "=": return value === t.values[0];
    case "!=": return value !== t.values[0];
    case ":":
    case "has_substring": return value.includes(t.values[0]);
    case "starts_with": return value.startsWith(t.values[0]);
    case "ends_with": return value.endsWith(t.values[0]);
    case "one_of": return t.values.includes(value);
  }
}
