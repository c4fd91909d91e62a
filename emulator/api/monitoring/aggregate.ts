// Alignment and reduction over per-minute points (google-apis.md §3 table).
// Periods are counted back from end_time (emulator choice): period k covers
// (end − (k+1)·P, end − k·P] and holds the minutes whose end falls there.
import { invalid } from "../../grpc/errors";
import { percentile } from "../../telemetry/buckets";
import { utilBucketBounds } from "../../telemetry/utilization";

/** linear: the utilization buckets (1 % wide); otherwise the exponential latency buckets. */
export type Dist = {
  count: number;
  sum: number;
  ssd: number;
  min: number;
  max: number;
  buckets: number[];
  linear?: boolean;
};
/** raw: a custom metric's STRING or DISTRIBUTION value, returned as written (never aligned). */
export type Val = { n: number } | { d: Dist } | { raw: Record<string, unknown> };
export type Kind = "DELTA" | "GAUGE" | "CUMULATIVE";
export type ValueType = "INT64" | "DOUBLE" | "DISTRIBUTION" | "BOOL" | "STRING";
export type Point = { start: number; end: number; v: Val };
/** resourceType: cloud_run_revision unless said (custom metrics name theirs). */
export type Series = {
  metric: Record<string, string>;
  resource: Record<string, string>;
  resourceType?: string;
  kind: Kind;
  type: ValueType;
  points: Point[];
};

export function mergeDist(a: Dist, b: Dist): Dist {
  if (!a.count) return b;
  if (!b.count) return a;
  const count = a.count + b.count;
  const delta = b.sum / b.count - a.sum / a.count;
  return {
    count,
    sum: a.sum + b.sum,
    ssd: a.ssd + b.ssd + (delta * delta * a.count * b.count) / count,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
    buckets: a.buckets.map((x, i) => x + (b.buckets[i] ?? 0)),
    ...(a.linear ? { linear: true } : {}),
  };
}

const PCT: Record<string, number> = { "99": 99, "95": 95, "50": 50, "05": 5 };
const num = (v: Val) => ("n" in v ? v.n : "d" in v ? (v.d.count ? v.d.sum / v.d.count : 0) : NaN);
const dist = (v: Val) => ("d" in v ? v.d : undefined);
const pct = (d: Dist, p: number) => percentile(d.buckets, p, d.min, d.max, d.linear ? utilBucketBounds : undefined);

// Which value types each aligner and reducer accepts (common.proto's comments).
const NUMERIC: ValueType[] = ["INT64", "DOUBLE"];
const NUMERIC_OR_DIST: ValueType[] = ["INT64", "DOUBLE", "DISTRIBUTION"];
const ALIGNER_TYPES: Record<string, ValueType[]> = {
  ALIGN_DELTA: NUMERIC_OR_DIST,
  ALIGN_RATE: NUMERIC,
  ALIGN_SUM: NUMERIC_OR_DIST,
  ALIGN_MEAN: NUMERIC_OR_DIST,
  ALIGN_MIN: NUMERIC,
  ALIGN_MAX: NUMERIC,
  ALIGN_COUNT: ["INT64", "DOUBLE", "BOOL"],
  ALIGN_NEXT_OLDER: ["INT64", "DOUBLE", "BOOL"],
  ALIGN_FRACTION_TRUE: ["BOOL"],
};
const REDUCER_TYPES: Record<string, ValueType[]> = {
  REDUCE_SUM: NUMERIC_OR_DIST,
  REDUCE_MEAN: NUMERIC_OR_DIST,
  REDUCE_MIN: NUMERIC,
  REDUCE_MAX: NUMERIC,
  REDUCE_COUNT: ["INT64", "DOUBLE", "BOOL", "DISTRIBUTION"],
  REDUCE_COUNT_TRUE: ["BOOL"],
  REDUCE_COUNT_FALSE: ["BOOL"],
  REDUCE_FRACTION_TRUE: ["BOOL"],
};

/** Google's refusal of an aligner or reducer that does not fit the metric. */
function check(
  field: "perSeriesAligner" | "crossSeriesReducer",
  name: string,
  s: Pick<Series, "kind" | "type">,
  allowed: ValueType[],
) {
  if (allowed.includes(s.type)) return;
  const what = field === "perSeriesAligner" ? "aligner" : "reducer";
  throw invalid(
    `Field aggregation.${field} had an invalid value of "${name}": The ${what} cannot be applied to metrics with kind ${s.kind} and value type ${s.type}.`,
  );
}

/** A CUMULATIVE numeric series as DELTA points: differences of consecutive points sharing a start. */
function cumulativeToDelta(s: Series): Series {
  const asc = [...s.points].sort((a, b) => a.end - b.end);
  const points = asc.map((p, i) => {
    const prev = asc[i - 1];
    return prev && prev.start === p.start ? { start: prev.end, end: p.end, v: { n: num(p.v) - num(prev.v) } } : p;
  });
  return { ...s, kind: "DELTA", points: points.reverse() };
}

/** Applies a per-series aligner; ALIGN_NONE is the caller's business. */
export function align(series: Series[], aligner: string, periodMs: number, startMs: number, endMs: number): Series[] {
  const periods = Math.max(1, Math.ceil((endMs - startMs) / periodMs));
  return series.map((input) => {
    const isPercentile = /^ALIGN_PERCENTILE_(99|95|50|05)$/.test(aligner);
    check(
      "perSeriesAligner",
      aligner,
      input,
      isPercentile ? ["DISTRIBUTION"] : (ALIGNER_TYPES[aligner] ?? NUMERIC_OR_DIST),
    );
    const s = input.kind === "CUMULATIVE" ? cumulativeToDelta(input) : input;
    const groups = new Map<number, Val[]>();
    for (const p of s.points) {
      const k = Math.floor((endMs - p.end) / periodMs);
      if (k < 0 || k >= periods) continue;
      (groups.get(k) ?? groups.set(k, []).get(k)!).push(p.v);
    }
    let kind: Kind = "GAUGE";
    let type: ValueType = "DOUBLE";
    const points: Point[] = [];
    for (const [k, vals] of [...groups.entries()].sort((a, b) => a[0] - b[0])) {
      const pEnd = endMs - k * periodMs;
      let v: Val;
      const nums = vals.map(num);
      const sumVals = (): Val =>
        s.type === "DISTRIBUTION"
          ? { d: vals.map((x) => dist(x)!).reduce(mergeDist) }
          : { n: nums.reduce((a, b) => a + b, 0) };
      const pm = /^ALIGN_PERCENTILE_(99|95|50|05)$/.exec(aligner);
      if (aligner === "ALIGN_DELTA" || aligner === "ALIGN_SUM") {
        if (aligner === "ALIGN_DELTA" && s.kind !== "DELTA")
          throw invalid("ALIGN_DELTA requires a DELTA or CUMULATIVE metric");
        v = sumVals();
        kind = s.kind;
        type = s.type;
      } else if (aligner === "ALIGN_RATE") {
        v = { n: nums.reduce((a, b) => a + b, 0) / (periodMs / 1000) };
      } else if (aligner === "ALIGN_MEAN") {
        v = s.type === "DISTRIBUTION" ? { n: num(sumVals()) } : { n: nums.reduce((a, b) => a + b, 0) / nums.length };
      } else if (aligner === "ALIGN_MIN" || aligner === "ALIGN_MAX") {
        v = { n: aligner === "ALIGN_MIN" ? Math.min(...nums) : Math.max(...nums) };
        type = s.type;
      } else if (aligner === "ALIGN_COUNT") {
        v = { n: vals.length };
        type = "INT64";
      } else if (aligner === "ALIGN_NEXT_OLDER") {
        // Points arrive newest first: the newest one in the period.
        v = vals[0];
        type = s.type;
      } else if (aligner === "ALIGN_FRACTION_TRUE") {
        v = { n: nums.filter((x) => x !== 0).length / nums.length };
      } else if (pm) {
        const d = dist(sumVals())!;
        v = { n: pct(d, PCT[pm[1]]) };
      } else {
        throw invalid(`per_series_aligner ${aligner} is not supported by the emulator`);
      }
      points.push({ start: kind === "DELTA" ? pEnd - periodMs : pEnd, end: pEnd, v });
    }
    return { ...s, kind, type, points };
  });
}

function groupKey(
  s: Series,
  fields: string[],
): { key: string; metric: Record<string, string>; resource: Record<string, string> } {
  const metric: Record<string, string> = {};
  const resource: Record<string, string> = {};
  // resource.type is always kept, whatever the grouping.
  for (const f of fields) {
    const m = /^(metric|resource)\.labels?\.(.+)$/.exec(f);
    if (!m) throw invalid(`group_by_fields: unsupported field '${f}'`);
    const src = m[1] === "metric" ? s.metric : s.resource;
    if (src[m[2]] !== undefined) (m[1] === "metric" ? metric : resource)[m[2]] = src[m[2]];
  }
  return { key: JSON.stringify([s.resourceType, metric, resource]), metric, resource };
}

function interpolate(sorted: number[], p: number): number {
  if (sorted.length === 1) return sorted[0];
  const r = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(r);
  return sorted[lo] + (r - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? sorted[lo]) - sorted[lo]);
}

export function reduce(series: Series[], reducer: string, fields: string[]): Series[] {
  const groups = new Map<
    string,
    { metric: Record<string, string>; resource: Record<string, string>; members: Series[] }
  >();
  for (const s of series) {
    const g = groupKey(s, fields);
    (groups.get(g.key) ?? groups.set(g.key, { ...g, members: [] }).get(g.key)!).members.push(s);
  }
  const out: Series[] = [];
  for (const g of groups.values()) {
    const first = g.members[0];
    if (!/^REDUCE_PERCENTILE_(99|95|50|05)$/.test(reducer))
      check("crossSeriesReducer", reducer, first, REDUCER_TYPES[reducer] ?? NUMERIC_OR_DIST);
    const byEnd = new Map<number, Point[]>();
    for (const s of g.members) for (const p of s.points) (byEnd.get(p.end) ?? byEnd.set(p.end, []).get(p.end)!).push(p);
    let type: ValueType = "DOUBLE";
    const points: Point[] = [];
    for (const [end, pts] of [...byEnd.entries()].sort((a, b) => b[0] - a[0])) {
      const nums = pts.map((p) => num(p.v));
      const pm = /^REDUCE_PERCENTILE_(99|95|50|05)$/.exec(reducer);
      let v: Val;
      if (reducer === "REDUCE_SUM") {
        v =
          first.type === "DISTRIBUTION"
            ? { d: pts.map((p) => dist(p.v)!).reduce(mergeDist) }
            : { n: nums.reduce((a, b) => a + b, 0) };
        type = first.type;
      } else if (reducer === "REDUCE_MEAN") {
        // Distributions: the mean of all their values, i.e. each one's mean weighted by its count.
        v =
          first.type === "DISTRIBUTION"
            ? { n: num({ d: pts.map((p) => dist(p.v)!).reduce(mergeDist) }) }
            : { n: nums.reduce((a, b) => a + b, 0) / nums.length };
      } else if (reducer === "REDUCE_MIN" || reducer === "REDUCE_MAX") {
        v = { n: reducer === "REDUCE_MIN" ? Math.min(...nums) : Math.max(...nums) };
        type = first.type;
      } else if (reducer === "REDUCE_COUNT") {
        v = { n: pts.length };
        type = "INT64";
      } else if (reducer === "REDUCE_COUNT_TRUE" || reducer === "REDUCE_COUNT_FALSE") {
        v = { n: nums.filter((x) => (x !== 0) === (reducer === "REDUCE_COUNT_TRUE")).length };
        type = "INT64";
      } else if (reducer === "REDUCE_FRACTION_TRUE") {
        v = { n: nums.filter((x) => x !== 0).length / nums.length };
      } else if (pm) {
        if (first.type === "DISTRIBUTION") {
          const d = pts.map((p) => dist(p.v)!).reduce(mergeDist);
          v = { n: pct(d, PCT[pm[1]]) };
        } else
          v = {
            n: interpolate(
              [...nums].sort((a, b) => a - b),
              PCT[pm[1]],
            ),
          };
      } else {
        throw invalid(`cross_series_reducer ${reducer} is not supported by the emulator`);
      }
      points.push({ start: pts[0].start, end, v });
    }
    const kind: Kind = type === first.type && first.kind === "DELTA" && reducer === "REDUCE_SUM" ? "DELTA" : "GAUGE";
    out.push({ metric: g.metric, resource: g.resource, resourceType: first.resourceType, kind, type, points });
  }
  return out;
}
