// Alert policies in words, for people: "5xx share of requests > 1 % for 5 min".
// Works from the policy's conditions themselves (not from Runway's labels), so
// policies made in the Cloud console or by the seed read as well as Runway's.
// Pure: no I/O; also decides which service a policy watches.
import type { protos } from "@google-cloud/monitoring";

type Policy = protos.google.monitoring.v3.IAlertPolicy;
type Condition = protos.google.monitoring.v3.AlertPolicy.ICondition;

const COMPARISON: Record<string, string> = {
  COMPARISON_GT: ">",
  COMPARISON_GE: "≥",
  COMPARISON_LT: "<",
  COMPARISON_LE: "≤",
  COMPARISON_EQ: "=",
  COMPARISON_NE: "≠",
};

const METRIC_WORDS: Record<string, string> = {
  "run.googleapis.com/request_count": "requests",
  "run.googleapis.com/request_latencies": "request latency",
  "run.googleapis.com/container/memory/utilizations": "memory utilization",
  "run.googleapis.com/container/cpu/utilizations": "CPU utilization",
  "run.googleapis.com/container/instance_count": "instances",
  "monitoring.googleapis.com/uptime_check/check_passed": "uptime check",
  "monitoring.googleapis.com/uptime_check/request_latency": "uptime check latency",
};

const seconds = (d: { seconds?: number | string | Long | null } | null | undefined) => Number(d?.seconds ?? 0);
type Long = { toNumber(): number };

export function durationWords(s: number): string {
  if (s === 0) return "at once";
  if (s % 3600 === 0) return `for ${s / 3600} h`;
  if (s % 60 === 0) return `for ${s / 60} min`;
  return `for ${s} s`;
}

function metricOf(filter: string): string | null {
  return /metric\.type\s*=\s*"([^"]+)"/.exec(filter)?.[1] ?? null;
}

function percentile(c: protos.google.monitoring.v3.IAggregation[] | null | undefined): string | null {
  for (const a of c ?? []) {
    const m = /PERCENTILE_(\d+)/.exec(`${a.perSeriesAligner ?? ""} ${a.crossSeriesReducer ?? ""}`);
    if (m) return `p${m[1]}`;
  }
  return null;
}

const fmt = (n: number) => Number(n.toPrecision(6)).toString();

/** One condition in words. */
export function describeCondition(c: Condition): string {
  const t = c.conditionThreshold;
  if (t) {
    const filter = t.filter ?? "";
    const cmp = COMPARISON[String(t.comparison)] ?? "?";
    const value = Number(t.thresholdValue ?? 0);
    const when = durationWords(seconds(t.duration));
    const burn = /select_slo_burn_rate\(\s*"([^"]+)"\s*,\s*"(\d+)s"\s*\)/.exec(filter);
    if (burn)
      return `SLO ${burn[1].split("/").pop()} burning ${cmp} ${fmt(value)}× its budget over ${durationWords(Number(burn[2])).replace("for ", "")}, ${when}`;
    const metric = metricOf(filter);
    const words = metric ? (METRIC_WORDS[metric] ?? metric) : filter;
    if (t.denominatorFilter) {
      const cls = /response_code_class\s*=\s*"(\w+)"/.exec(filter)?.[1];
      return `${cls ? `${cls} share of ${words}` : `share of ${words}`} ${cmp} ${fmt(value * 100)} % ${when}`;
    }
    if (metric === "monitoring.googleapis.com/uptime_check/check_passed") {
      const reducer = t.aggregations?.[0]?.crossSeriesReducer;
      if (reducer === "REDUCE_COUNT_FALSE" && cmp === ">")
        return `uptime check failing in at least ${fmt(value + 1)} region${value + 1 === 1 ? "" : "s"} ${when}`;
      return `uptime check passed ${cmp} ${fmt(value)} ${when}`;
    }
    const p = percentile(t.aggregations);
    if (metric?.endsWith("/utilizations")) return `${p ? `${p} ` : ""}${words} ${cmp} ${fmt(value * 100)} % ${when}`;
    if (metric === "run.googleapis.com/request_latencies")
      return `${p ?? "mean"} ${words} ${cmp} ${fmt(value)} ms ${when}`;
    return `${p ? `${p} ` : ""}${words} ${cmp} ${fmt(value)} ${when}`;
  }
  if (c.conditionAbsent)
    return `no ${METRIC_WORDS[metricOf(c.conditionAbsent.filter ?? "") ?? ""] ?? "data"} ${durationWords(seconds(c.conditionAbsent.duration))}`;
  if (c.conditionMonitoringQueryLanguage) return `MQL: ${c.conditionMonitoringQueryLanguage.query}`;
  if (c.conditionPrometheusQueryLanguage) return `PromQL: ${c.conditionPrometheusQueryLanguage.query}`;
  if (c.conditionMatchedLog) return `log entries matching ${c.conditionMatchedLog.filter}`;
  return c.displayName ?? "a condition Runway cannot read";
}

/** All conditions, joined by the policy's combiner. */
export function describePolicy(p: Policy): string {
  const joiner = p.combiner === "AND" || p.combiner === "AND_WITH_MATCHING_RESOURCE" ? " and " : " or ";
  return (p.conditions ?? []).map(describeCondition).join(joiner);
}

/** The Cloud Run service (and region, when the filter says) a filter watches. */
function serviceInFilter(filter: string): { service: string; region: string | null } | null {
  const service = /resource\.labels?\.service_name\s*=\s*"([^"]+)"/.exec(filter)?.[1];
  if (!service) return null;
  return { service, region: /resource\.labels?\.location\s*=\s*"([^"]+)"/.exec(filter)?.[1] ?? null };
}

/**
 * Whether a policy watches this service: Runway's labels say so, or one of its
 * conditions filters on the service's name (and region, when it names one).
 * Uptime and SLO policies without labels are matched through their check or SLO.
 */
export function policyWatches(
  p: Policy,
  ref: { region: string; service: string },
  related: { uptimeCheckIds: string[]; sloNames: string[] } = { uptimeCheckIds: [], sloNames: [] },
): boolean {
  const labels = p.userLabels ?? {};
  if (labels["runway-service"])
    return (
      labels["runway-service"] === ref.service && (!labels["runway-region"] || labels["runway-region"] === ref.region)
    );
  return (p.conditions ?? []).some((c) => {
    const filter = c.conditionThreshold?.filter ?? c.conditionAbsent?.filter ?? "";
    const found = serviceInFilter(filter);
    if (found) return found.service === ref.service && (!found.region || found.region === ref.region);
    const check = /metric\.labels?\.check_id\s*=\s*"([^"]+)"/.exec(filter)?.[1];
    if (check) return related.uptimeCheckIds.includes(check);
    const slo = /select_slo_\w+\(\s*"([^"]+)"/.exec(filter)?.[1];
    return slo ? related.sloNames.includes(slo) : false;
  });
}

/** The Cloud Run services a policy watches by name (its labels, else its filters). */
export function watchedServices(p: Policy): string[] {
  const labelled = p.userLabels?.["runway-service"];
  if (labelled) return [labelled];
  const names = (p.conditions ?? []).map(
    (c) => serviceInFilter(c.conditionThreshold?.filter ?? c.conditionAbsent?.filter ?? "")?.service,
  );
  return [...new Set(names.filter((n): n is string => Boolean(n)))];
}
