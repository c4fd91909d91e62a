// ListTimeSeries' SLO selectors for request-based SLOs:
//   select_slo_health(SLO)            the SLI (good ÷ total) in each aligned period
//   select_slo_compliance(SLO)        the SLI over the SLO's period ending at each point
//   select_slo_budget_fraction(SLO)   error budget left: 1 − (1 − compliance) ÷ (1 − goal)
//   select_slo_burn_rate(SLO, "3600s") (1 − SLI over the lookback) ÷ (1 − goal)
// Good and total come from the SLI's filters summed over the window (counts,
// or a distribution's count within the cut's range); a basic SLI of a Cloud
// Run service reads request_count (non-5xx is good) or request_latencies
// (at most the threshold is good). Windows without requests give no point.
import type { Db } from "../../../db";
import { invalid, notFound } from "../../../grpc/errors";
import type { TelemetryStore } from "../../../telemetry/store";
import { bucketBounds } from "../../../telemetry/buckets";
import type { Val } from "../aggregate";
import { parseMetricFilter } from "../filter";
import { querySeries } from "../query";
import { durMs, ts } from "../time";
import type { Json } from "./common";
import { AlertingStore } from "./store";

const SELECTOR =
  /^\s*select_slo_(health|compliance|budget_fraction|burn_rate)\s*\(\s*"([^"]+)"\s*(?:,\s*"?(\d+)s"?\s*)?\)\s*$/;
const MAX_POINTS = 500;
const DAY = 86400_000;

export type SloSelector = {
  fn: "health" | "compliance" | "budget_fraction" | "burn_rate";
  slo: string;
  lookbackMs?: number;
};

/** The selector a ListTimeSeries filter names, or undefined for an ordinary metric filter. */
export function parseSloSelector(filter: string): SloSelector | undefined {
  if (!/^\s*select_slo_/.test(filter)) return undefined;
  const m = SELECTOR.exec(filter);
  if (!m)
    throw invalid(
      `Invalid filter: expected select_slo_health|compliance|budget_fraction("SLO name") or select_slo_burn_rate("SLO name", "3600s"), got ${filter}`,
    );
  const fn = m[1] as SloSelector["fn"];
  if (fn === "burn_rate" && !m[3])
    throw invalid(
      'Invalid filter: select_slo_burn_rate needs a lookback period, e.g. select_slo_burn_rate("…", "3600s")',
    );
  if (fn !== "burn_rate" && m[3]) throw invalid(`Invalid filter: select_slo_${fn} takes only the SLO name`);
  return { fn, slo: m[2], lookbackMs: m[3] ? Number(m[3]) * 1000 : undefined };
}

type Counts = { good: number; total: number };
const count = (v: Val | undefined) => (!v ? 0 : "n" in v ? v.n : "d" in v ? v.d.count : 0);

/** Values of a bucketed distribution within [min, max] (linear within a bucket that straddles an edge). */
function withinRange(v: Val | undefined, min: number, max: number): number {
  if (!v || !("d" in v)) return 0;
  return v.d.buckets.reduce((sum, n, i) => {
    if (!n) return sum;
    const [lo, hi] = bucketBounds(i);
    const width = hi - lo;
    const overlap = Math.max(0, Math.min(hi, max) - Math.max(lo, min));
    return sum + (width > 0 ? n * Math.min(1, overlap / width) : lo >= min && lo <= max ? n : 0);
  }, 0);
}

async function windowValue(
  db: Db,
  telemetry: TelemetryStore,
  project: string,
  filter: string,
  fromMs: number,
  toMs: number,
): Promise<Val | undefined> {
  const { series } = await querySeries(db, telemetry, project, parseMetricFilter(filter), fromMs, toMs, {
    aligner: "ALIGN_SUM",
    reducer: "REDUCE_SUM",
    periodMs: toMs - fromMs,
    groupByFields: [],
  });
  return series[0]?.points[0]?.v;
}

async function counts(
  db: Db,
  telemetry: TelemetryStore,
  project: string,
  slo: Json,
  service: Json,
  fromMs: number,
  toMs: number,
): Promise<Counts> {
  const sli = slo.serviceLevelIndicator as Json;
  const read = (f: string) => windowValue(db, telemetry, project, f, fromMs, toMs);
  if (sli.requestBased) {
    const rb = sli.requestBased as Json;
    if (rb.goodTotalRatio) {
      const r = rb.goodTotalRatio as Record<string, string | undefined>;
      const good = r.goodServiceFilter ? count(await read(r.goodServiceFilter)) : undefined;
      const bad = r.badServiceFilter ? count(await read(r.badServiceFilter)) : undefined;
      const total = r.totalServiceFilter ? count(await read(r.totalServiceFilter)) : (good ?? 0) + (bad ?? 0);
      return { good: good ?? total - (bad ?? 0), total };
    }
    const cut = rb.distributionCut as Json;
    const range = (cut.range ?? {}) as Json;
    const v = await read(String(cut.distributionFilter));
    return { good: withinRange(v, Number(range.min ?? -Infinity), Number(range.max ?? Infinity)), total: count(v) };
  }
  const basic = sli.basicSli as Json;
  const run = service.cloudRun as { serviceName: string; location: string };
  const where = `resource.labels.service_name = "${run.serviceName}" AND resource.labels.location = "${run.location}"`;
  if (basic.latency) {
    const v = await read(`metric.type = "run.googleapis.com/request_latencies" AND ${where}`);
    return { good: withinRange(v, -Infinity, durMs((basic.latency as Json).threshold as Json)), total: count(v) };
  }
  const total = count(await read(`metric.type = "run.googleapis.com/request_count" AND ${where}`));
  const bad = count(
    await read(
      `metric.type = "run.googleapis.com/request_count" AND ${where} AND metric.labels.response_code_class = "5xx"`,
    ),
  );
  return { good: total - bad, total };
}

/** Where the SLO's compliance window ending at `endMs` starts: rolling, or the calendar period's start (UTC). */
export function complianceStart(slo: Json, endMs: number): number {
  if (slo.rollingPeriod) return endMs - durMs(slo.rollingPeriod as Json);
  const d = new Date(endMs - 1);
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  switch (slo.calendarPeriod) {
    case "DAY":
      return day;
    case "WEEK":
      return day - ((d.getUTCDay() + 6) % 7) * DAY;
    case "FORTNIGHT":
      return day - (Math.floor(day / DAY + 3) % 14) * DAY;
    default:
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
}

/** The selector's one time series for (startMs, endMs]: one point per alignment period (or one at the end). */
export async function sloTimeSeries(
  db: Db,
  telemetry: TelemetryStore,
  project: string,
  sel: SloSelector,
  startMs: number,
  endMs: number,
  periodMs: number,
): Promise<Json[]> {
  const m = /^projects\/([^/]+)\/services\/[^/]+\/serviceLevelObjectives\/[^/]+$/.exec(sel.slo);
  if (!m) throw invalid(`Invalid filter: "${sel.slo}" is not a service level objective name`);
  if (m[1] !== project) throw invalid(`Invalid filter: the SLO ${sel.slo} is not in project ${project}`);
  const store = new AlertingStore(db);
  const slo = await store.get("slo", sel.slo);
  if (!slo) throw notFound(`Requested entity was not found: service level objective ${sel.slo}`);
  const service = (await store.get("service", sel.slo.split("/serviceLevelObjectives/")[0]))!;
  const goal = Number(slo.goal);
  const ends: number[] = [];
  if (periodMs > 0) for (let e = endMs; e > startMs && ends.length < MAX_POINTS; e -= periodMs) ends.push(e);
  else ends.push(endMs);
  const points: Json[] = [];
  for (const e of ends) {
    const from =
      sel.fn === "health"
        ? periodMs > 0
          ? e - periodMs
          : startMs
        : sel.fn === "burn_rate"
          ? e - sel.lookbackMs!
          : complianceStart(slo, e);
    const c = await counts(db, telemetry, project, slo, service, Math.min(from, e - 60_000), e);
    if (!c.total) continue;
    const sli = c.good / c.total;
    const value =
      sel.fn === "health" || sel.fn === "compliance"
        ? sli
        : sel.fn === "budget_fraction"
          ? 1 - (1 - sli) / (1 - goal)
          : (1 - sli) / (1 - goal);
    points.push({ interval: { startTime: ts(from), endTime: ts(e) }, value: { doubleValue: value } });
  }
  if (!points.length) return [];
  return [
    {
      metric: { type: `select_slo_${sel.fn}`, labels: {} },
      resource: { type: "global", labels: { project_id: project } },
      metricKind: "GAUGE",
      valueType: "DOUBLE",
      unit: "10^2.%",
      points,
    },
  ];
}
