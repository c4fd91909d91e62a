// google.monitoring.v3.AlertPolicyService: alert policies with Google's
// validation. The emulator evaluates threshold, absence and log-match
// conditions (evaluator.ts, logmatch.ts); every other condition kind is
// refused with INVALID_ARGUMENT saying so, rather than stored and silently
// never firing.
import { invalid, notFound } from "../../../grpc/errors";
import type { Handler } from "../../../grpc/server";
import { parseMetricFilter } from "../filter";
import {
  actorOf,
  applyMask,
  checkUserLabels,
  childName,
  isSet,
  mutationRecord,
  numericId,
  page,
  parseListFilter,
  projectParent,
  seconds,
  sortBy,
  type Json,
} from "./common";
import { checkLogMatch, checkLogPolicy } from "./logmatch";
import type { AlertingStore } from "./store";

const COMPARISONS = [
  "COMPARISON_GT",
  "COMPARISON_GE",
  "COMPARISON_LT",
  "COMPARISON_LE",
  "COMPARISON_EQ",
  "COMPARISON_NE",
];
const ALIGNERS = /^ALIGN_(NONE|DELTA|RATE|SUM|MEAN|MIN|MAX|COUNT|NEXT_OLDER|FRACTION_TRUE|PERCENTILE_(99|95|50|05))$/;
const REDUCERS = /^REDUCE_(NONE|SUM|MEAN|MIN|MAX|COUNT|COUNT_TRUE|COUNT_FALSE|FRACTION_TRUE|PERCENTILE_(99|95|50|05))$/;
const UNSUPPORTED: Record<string, string> = {
  conditionMonitoringQueryLanguage: "condition_monitoring_query_language",
  conditionPrometheusQueryLanguage: "condition_prometheus_query_language",
  conditionSql: "condition_sql",
};
const WRITABLE = [
  "displayName",
  "documentation",
  "userLabels",
  "conditions",
  "combiner",
  "enabled",
  "notificationChannels",
  "alertStrategy",
  "severity",
];
const COMBINERS = ["AND", "OR", "AND_WITH_MATCHING_RESOURCE"];
const SEVERITIES = ["SEVERITY_UNSPECIFIED", "CRITICAL", "ERROR", "WARNING"];

function checkAggregations(aggs: Json[] | undefined, field: string): void {
  for (const [i, a] of (aggs ?? []).entries()) {
    const f = `${field}[${i}]`;
    const aligner = String(a.perSeriesAligner ?? "ALIGN_NONE");
    const reducer = String(a.crossSeriesReducer ?? "REDUCE_NONE");
    if (!ALIGNERS.test(aligner))
      throw invalid(
        `Field ${f}.per_series_aligner had an invalid value of "${aligner}": the emulator serves ALIGN_NONE, DELTA, RATE, SUM, MEAN, MIN, MAX, COUNT, NEXT_OLDER, FRACTION_TRUE and PERCENTILE_99/95/50/05`,
      );
    if (!REDUCERS.test(reducer))
      throw invalid(
        `Field ${f}.cross_series_reducer had an invalid value of "${reducer}": the emulator serves REDUCE_NONE, SUM, MEAN, MIN, MAX, COUNT, COUNT_TRUE, COUNT_FALSE, FRACTION_TRUE and PERCENTILE_99/95/50/05`,
      );
    const period = seconds(a.alignmentPeriod, `${f}.alignment_period`) ?? 0;
    if (aligner !== "ALIGN_NONE" && period < 60)
      throw invalid(
        `Field ${f}.alignment_period had an invalid value: the alignment period must be at least 60 seconds`,
      );
    if (reducer !== "REDUCE_NONE" && aligner === "ALIGN_NONE")
      throw invalid(
        `Field ${f}.cross_series_reducer had an invalid value of "${reducer}": a reducer requires a per_series_aligner other than ALIGN_NONE`,
      );
    if (i > 0 && aligner !== "ALIGN_NONE")
      throw invalid(`Field ${f}.per_series_aligner: only the first aggregation may align; later ones reduce`);
  }
}

function checkTrigger(t: Json | undefined, field: string): void {
  if (!t) return;
  if (isSet(t.count) && Number(t.count) < 0)
    throw invalid(`Field ${field}.count had an invalid value of "${t.count}": must not be negative`);
  if (isSet(t.percent) && (Number(t.percent) < 0 || Number(t.percent) > 100))
    throw invalid(`Field ${field}.percent had an invalid value of "${t.percent}": must be between 0 and 100`);
}

function checkFilter(filter: unknown, field: string): void {
  if (!isSet(filter)) throw invalid(`Field ${field} had an invalid value: a filter is required`);
  if (String(filter).length > 2048) throw invalid(`Field ${field} had an invalid value: at most 2048 characters`);
  try {
    parseMetricFilter(String(filter));
  } catch (err) {
    throw invalid(`Field ${field} had an invalid value of "${filter}": ${(err as Error).message}`);
  }
}

function checkCondition(c: Json, i: number): void {
  const f = `alert_policy.conditions[${i}]`;
  if (!isSet(c.displayName))
    throw invalid(`Field ${f}.display_name had an invalid value: a condition needs a display name`);
  for (const [k, snake] of Object.entries(UNSUPPORTED)) {
    if (c[k])
      throw invalid(
        `Field ${f}.${snake} is not supported by the emulator: it evaluates only condition_threshold, condition_absent and condition_matched_log conditions`,
      );
  }
  const kinds = ["conditionThreshold", "conditionAbsent", "conditionMatchedLog"].filter((k) => c[k]);
  if (kinds.length !== 1)
    throw invalid(
      `Field ${f} had an invalid value: exactly one of condition_threshold, condition_absent or condition_matched_log is required`,
    );
  if (c.conditionMatchedLog) {
    checkLogMatch(c.conditionMatchedLog as Json, `${f}.condition_matched_log`);
  } else if (c.conditionThreshold) {
    const t = c.conditionThreshold as Json;
    checkFilter(t.filter, `${f}.condition_threshold.filter`);
    checkAggregations(t.aggregations as Json[], `${f}.condition_threshold.aggregations`);
    if (isSet(t.denominatorFilter)) {
      checkFilter(t.denominatorFilter, `${f}.condition_threshold.denominator_filter`);
      checkAggregations(t.denominatorAggregations as Json[], `${f}.condition_threshold.denominator_aggregations`);
    } else if ((t.denominatorAggregations as Json[] | undefined)?.length) {
      throw invalid(
        `Field ${f}.condition_threshold.denominator_aggregations had an invalid value: it requires a denominator_filter`,
      );
    }
    if (t.forecastOptions)
      throw invalid(`Field ${f}.condition_threshold.forecast_options is not supported by the emulator`);
    if (!COMPARISONS.includes(String(t.comparison ?? "")))
      throw invalid(
        `Field ${f}.condition_threshold.comparison had an invalid value of "${t.comparison ?? "COMPARISON_UNSPECIFIED"}": a comparison is required`,
      );
    const d = seconds(t.duration, `${f}.condition_threshold.duration`) ?? 0;
    if (d % 60 !== 0)
      throw invalid(
        `Field ${f}.condition_threshold.duration had an invalid value of "${d}s": only multiples of a minute are supported`,
      );
    checkTrigger(t.trigger as Json, `${f}.condition_threshold.trigger`);
    const missing = String(t.evaluationMissingData ?? "EVALUATION_MISSING_DATA_UNSPECIFIED");
    if (missing !== "EVALUATION_MISSING_DATA_UNSPECIFIED" && d < 60)
      throw invalid(
        `Field ${f}.condition_threshold.evaluation_missing_data: requires a duration of at least 60 seconds`,
      );
  } else {
    const a = c.conditionAbsent as Json;
    checkFilter(a.filter, `${f}.condition_absent.filter`);
    checkAggregations(a.aggregations as Json[], `${f}.condition_absent.aggregations`);
    const d = seconds(a.duration, `${f}.condition_absent.duration`) ?? 0;
    if (d < 120 || d % 60 !== 0)
      throw invalid(
        `Field ${f}.condition_absent.duration had an invalid value of "${d}s": the minimum is 120 seconds, in whole minutes`,
      );
    checkTrigger(a.trigger as Json, `${f}.condition_absent.trigger`);
  }
}

/** Google's Documentation rules: content ≤ 8,192 characters and 10,240 bytes, mime type text/markdown, subject ≤ 10,240 bytes, ≤ 3 links with a name (≤ 63) and a URL (≤ 2,083). */
function checkDocumentation(d: Json | undefined): void {
  if (!d) return;
  const f = "alert_policy.documentation";
  const content = String(d.content ?? "");
  if ([...content].length > 8192 || Buffer.byteLength(content) > 10240)
    throw invalid(`Field ${f}.content had an invalid value: at most 8,192 characters and 10,240 bytes`);
  if (isSet(d.mimeType) && d.mimeType !== "text/markdown")
    throw invalid(`Field ${f}.mime_type had an invalid value of "${d.mimeType}": only "text/markdown" is supported`);
  if (Buffer.byteLength(String(d.subject ?? "")) > 10240)
    throw invalid(`Field ${f}.subject had an invalid value: at most 10,240 bytes`);
  const links = (d.links as Json[] | undefined) ?? [];
  if (links.length > 3) throw invalid(`Field ${f}.links had an invalid value: at most 3 links, got ${links.length}`);
  for (const [i, l] of links.entries()) {
    const name = String(l.displayName ?? "");
    if (!name || name.length > 63)
      throw invalid(
        `Field ${f}.links[${i}].display_name had an invalid value: must not be empty or exceed 63 characters`,
      );
    if (String(l.url ?? "").length > 2083)
      throw invalid(`Field ${f}.links[${i}].url had an invalid value: at most 2,083 characters`);
  }
}

export function alertPolicyHandlers(store: AlertingStore): Record<string, Handler> {
  /** Validates the writable fields; names conditions (keeping the names of those already named under this policy). */
  async function normalize(p: Json, policyName: string, project: string): Promise<Json> {
    if (!isSet(p.displayName))
      throw invalid("Field alert_policy.display_name had an invalid value: a display name is required");
    if (String(p.displayName).length > 512)
      throw invalid("Field alert_policy.display_name had an invalid value: at most 512 characters");
    const conditions = (p.conditions as Json[] | undefined) ?? [];
    if (!conditions.length)
      throw invalid("Field alert_policy.conditions had an invalid value: a policy must have at least one condition");
    if (conditions.length > 6)
      throw invalid(
        `Field alert_policy.conditions had an invalid value: a policy can have at most 6 conditions, got ${conditions.length}`,
      );
    conditions.forEach(checkCondition);
    checkLogPolicy(p, conditions);
    let combiner = String(p.combiner ?? "COMBINE_UNSPECIFIED");
    if (combiner === "COMBINE_UNSPECIFIED") {
      if (conditions.length > 1)
        throw invalid(
          'Field alert_policy.combiner had an invalid value of "COMBINE_UNSPECIFIED": a combiner is required when there is more than one condition',
        );
      combiner = "OR";
    } else if (!COMBINERS.includes(combiner))
      throw invalid(`Field alert_policy.combiner had an invalid value of "${combiner}"`);
    if (isSet(p.severity) && !SEVERITIES.includes(String(p.severity)))
      throw invalid(`Field alert_policy.severity had an invalid value of "${p.severity}"`);
    checkUserLabels(p.userLabels, "alert_policy.user_labels");
    checkDocumentation(p.documentation as Json | undefined);
    const channels = (p.notificationChannels as string[] | undefined) ?? [];
    for (const [i, ch] of channels.entries()) {
      const { project: chProject } = childName(ch, "notificationChannels", `alert_policy.notification_channels[${i}]`);
      if (chProject !== project || !(await store.get("channel", ch)))
        throw invalid(
          `Field alert_policy.notification_channels[${i}] had an invalid value of "${ch}": the notification channel does not exist in project ${project}`,
        );
    }
    const strategy = p.alertStrategy as Json | undefined;
    if (strategy?.autoClose !== undefined) {
      const s = seconds(strategy.autoClose, "alert_policy.alert_strategy.auto_close")!;
      if (s < 1800 || s > 7 * 86400)
        throw invalid(
          "Field alert_policy.alert_strategy.auto_close had an invalid value: between 30 minutes and 7 days",
        );
    }
    const named = conditions.map((c) => {
      const keep = isSet(c.name) && String(c.name).startsWith(`${policyName}/conditions/`);
      const { condition: _oneof, ...rest } = c;
      void _oneof;
      return { ...rest, name: keep ? c.name : `${policyName}/conditions/${numericId()}` };
    });
    return {
      ...p,
      conditions: named,
      combiner,
      enabled: p.enabled ?? { value: true },
      notificationChannels: channels,
      userLabels: p.userLabels ?? {},
    };
  }

  const find = async (name: unknown) => {
    childName(name, "alertPolicies");
    const p = await store.get("alertPolicy", String(name));
    if (!p) throw notFound(`Requested entity was not found: alert policy ${name}`);
    return p;
  };

  return {
    CreateAlertPolicy: async (req: Json, call) => {
      const project = projectParent(req.name);
      const input = (req.alertPolicy ?? {}) as Json;
      if (isSet(input.name))
        throw invalid(
          "Field alert_policy.name had an invalid value: the name is assigned by the service and must be empty on create",
        );
      const name = `projects/${project}/alertPolicies/${numericId()}`;
      const record = mutationRecord(actorOf(call));
      const policy = {
        ...(await normalize(pick(input), name, project)),
        name,
        creationRecord: record,
        mutationRecord: record,
      };
      await store.insert("alertPolicy", `projects/${project}`, policy);
      return policy;
    },
    GetAlertPolicy: async (req: Json) => find(req.name),
    ListAlertPolicies: async (req: Json) => {
      const project = projectParent(req.name);
      const keep = parseListFilter(String(req.filter ?? ""));
      const all = sortBy((await store.list("alertPolicy", `projects/${project}`)).filter(keep), req.orderBy);
      const { items, nextPageToken, totalSize } = page(all, req);
      return { alertPolicies: items, nextPageToken, totalSize };
    },
    UpdateAlertPolicy: async (req: Json, call) => {
      const input = (req.alertPolicy ?? {}) as Json;
      const current = await find(input.name);
      const { project } = childName(input.name, "alertPolicies", "alert_policy.name");
      const merged = applyMask(current, pick(input), req.updateMask, WRITABLE, "AlertPolicy");
      const policy = {
        ...(await normalize(pick(merged), String(current.name), project)),
        name: current.name,
        creationRecord: current.creationRecord,
        mutationRecord: mutationRecord(actorOf(call)),
      };
      await store.replace("alertPolicy", policy);
      return policy;
    },
    DeleteAlertPolicy: async (req: Json) => {
      await find(req.name);
      await store.delete("alertPolicy", String(req.name));
      await store.db.query("DELETE FROM emu_alert_log_cursor WHERE policy = $1", [req.name]);
      await store.db.query("DELETE FROM emu_alert_log_rules WHERE policy = $1", [req.name]);
      await store.db.query(
        "UPDATE emu_alert_incidents SET state = 'closed', ended_at = now() WHERE policy = $1 AND state = 'open'",
        [req.name],
      );
      return {};
    },
  };
}

/** The writable fields only (output-only ones from the caller are ignored, as on Google). */
const pick = (p: Json): Json => Object.fromEntries(WRITABLE.filter((k) => p[k] !== undefined).map((k) => [k, p[k]]));
