// The alert policies the seeded fleet's plans ask for, as Cloud Monitoring
// AlertPolicy objects built from a few numbers a person edits (threshold,
// duration). Pure: no I/O, so the exact policy each template builds is tested
// directly and the same object goes to real Cloud Monitoring or the emulator.
import type { protos } from "@google-cloud/monitoring";

type Policy = protos.google.monitoring.v3.IAlertPolicy;
type Threshold = protos.google.monitoring.v3.AlertPolicy.Condition.IMetricThreshold;

export const TEMPLATE_KINDS = [
  "error-share",
  "latency-p99",
  "memory",
  "uptime",
  "slo-fast-burn",
  "slo-slow-burn",
] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

/** The user labels Runway puts on policies it creates, so a service page finds its own. */
export const LABEL = { service: "runway-service", region: "runway-region", template: "runway-template" } as const;

export type TemplateInfo = {
  kind: TemplateKind;
  title: string;
  /** What the threshold field means, with its unit. */
  thresholdLabel: string;
  defaults: { threshold: number; durationSeconds: number };
  /** Bounds of the threshold as the person types it. */
  min: number;
  max: number;
  /** The template needs an uptime check or an SLO of the service. */
  needs?: "uptime-check" | "slo";
};

export const TEMPLATES: Record<TemplateKind, TemplateInfo> = {
  "error-share": {
    kind: "error-share",
    title: "5xx share of requests",
    thresholdLabel: "5xx share above (%)",
    defaults: { threshold: 1, durationSeconds: 300 },
    min: 0.01,
    max: 100,
  },
  "latency-p99": {
    kind: "latency-p99",
    title: "p99 latency",
    thresholdLabel: "p99 above (ms)",
    defaults: { threshold: 5000, durationSeconds: 300 },
    min: 1,
    max: 3_600_000,
  },
  memory: {
    kind: "memory",
    title: "Memory utilization",
    thresholdLabel: "p99 memory utilization above (%)",
    defaults: { threshold: 80, durationSeconds: 300 },
    min: 1,
    max: 100,
  },
  uptime: {
    kind: "uptime",
    title: "Uptime check failing",
    thresholdLabel: "failing regions at least",
    defaults: { threshold: 1, durationSeconds: 180 },
    min: 1,
    max: 6,
    needs: "uptime-check",
  },
  "slo-fast-burn": {
    kind: "slo-fast-burn",
    title: "SLO fast burn (1 h)",
    thresholdLabel: "burn rate above (×)",
    defaults: { threshold: 14.4, durationSeconds: 0 },
    min: 0.1,
    max: 1000,
    needs: "slo",
  },
  "slo-slow-burn": {
    kind: "slo-slow-burn",
    title: "SLO slow burn (6 h)",
    thresholdLabel: "burn rate above (×)",
    defaults: { threshold: 6, durationSeconds: 0 },
    min: 0.1,
    max: 1000,
    needs: "slo",
  },
};

/** How far back each burn-rate template looks (the `select_slo_burn_rate` lookback). */
export const BURN_LOOKBACK_SECONDS = { "slo-fast-burn": 3600, "slo-slow-burn": 21_600 } as const;

export type TemplateParams = {
  project: string;
  region: string;
  service: string;
  threshold: number;
  durationSeconds: number;
  notificationChannels: string[];
  /** The uptime check's id (its last name segment), for the uptime template. */
  uptimeCheckId?: string;
  /** The SLO's full name, for the burn-rate templates. */
  sloName?: string;
};

const RUN = "run.googleapis.com";

function runFilter(p: TemplateParams, metric: string, extra = ""): string {
  return `metric.type="${RUN}/${metric}" AND resource.type="cloud_run_revision" AND resource.labels.service_name="${p.service}" AND resource.labels.location="${p.region}"${extra}`;
}

const perMinute = (aligner: string, reducer: string) =>
  [
    {
      alignmentPeriod: { seconds: 60 },
      perSeriesAligner: aligner,
      crossSeriesReducer: reducer,
      groupByFields: ["resource.labels.service_name"],
    },
  ] as Threshold["aggregations"];

/** The threshold as stored in the policy, from the number a person typed. */
export function storedThreshold(kind: TemplateKind, typed: number): number {
  if (kind === "error-share" || kind === "memory") return Number((typed / 100).toPrecision(12));
  if (kind === "uptime") return typed - 1;
  return typed;
}

/** The number a person sees and edits, from the stored threshold. */
export function typedThreshold(kind: TemplateKind, stored: number): number {
  if (kind === "error-share" || kind === "memory") return Number((stored * 100).toPrecision(12));
  if (kind === "uptime") return stored + 1;
  return stored;
}

function threshold(kind: TemplateKind, p: TemplateParams): Threshold {
  const common = {
    comparison: "COMPARISON_GT" as const,
    thresholdValue: storedThreshold(kind, p.threshold),
    duration: { seconds: p.durationSeconds },
    trigger: { count: 1 },
  };
  switch (kind) {
    case "error-share":
      return {
        filter: runFilter(p, "request_count", ' AND metric.labels.response_code_class="5xx"'),
        aggregations: perMinute("ALIGN_RATE", "REDUCE_SUM"),
        denominatorFilter: runFilter(p, "request_count"),
        denominatorAggregations: perMinute("ALIGN_RATE", "REDUCE_SUM"),
        ...common,
      };
    case "latency-p99":
      return {
        filter: runFilter(p, "request_latencies"),
        aggregations: perMinute("ALIGN_DELTA", "REDUCE_PERCENTILE_99"),
        ...common,
      };
    case "memory":
      return {
        filter: runFilter(p, "container/memory/utilizations"),
        aggregations: perMinute("ALIGN_DELTA", "REDUCE_PERCENTILE_99"),
        ...common,
      };
    case "uptime":
      // Google's uptime alert: each checking region's latest result, counting the regions where it failed.
      return {
        filter: `metric.type="monitoring.googleapis.com/uptime_check/check_passed" AND metric.labels.check_id="${p.uptimeCheckId}"`,
        aggregations: [
          {
            alignmentPeriod: { seconds: 1200 },
            perSeriesAligner: "ALIGN_NEXT_OLDER",
            crossSeriesReducer: "REDUCE_COUNT_FALSE",
            groupByFields: ["metric.labels.check_id"],
          },
        ],
        ...common,
      };
    case "slo-fast-burn":
    case "slo-slow-burn":
      return { filter: `select_slo_burn_rate("${p.sloName}", "${BURN_LOOKBACK_SECONDS[kind]}s")`, ...common };
  }
}

export function displayName(
  kind: TemplateKind,
  p: Pick<TemplateParams, "service" | "threshold" | "durationSeconds">,
): string {
  const unit =
    kind === "latency-p99"
      ? " ms"
      : kind === "error-share" || kind === "memory"
        ? " %"
        : kind === "uptime"
          ? " regions"
          : "×";
  const cmp = kind === "uptime" ? "≥" : ">";
  return `${p.service}: ${TEMPLATES[kind].title} ${cmp} ${p.threshold}${unit}`;
}

/** The AlertPolicy a template makes, ready for CreateAlertPolicy. */
export function buildPolicy(kind: TemplateKind, p: TemplateParams): Policy {
  return {
    displayName: displayName(kind, p),
    combiner: "OR",
    enabled: { value: true },
    userLabels: { [LABEL.service]: p.service, [LABEL.region]: p.region, [LABEL.template]: kind },
    conditions: [{ displayName: TEMPLATES[kind].title, conditionThreshold: threshold(kind, p) }],
    notificationChannels: p.notificationChannels,
    alertStrategy: { autoClose: { seconds: 1800 } },
    severity: kind === "memory" || kind === "slo-slow-burn" ? "WARNING" : "ERROR",
    documentation: {
      content: `Created in Runway from the "${TEMPLATES[kind].title}" template for ${p.service} (${p.project}, ${p.region}).`,
      mimeType: "text/markdown",
    },
  };
}

/** The template a policy came from, when Runway made it. */
export function templateOf(policy: Policy): TemplateKind | null {
  const kind = policy.userLabels?.[LABEL.template];
  return (TEMPLATE_KINDS as readonly string[]).includes(kind ?? "") ? (kind as TemplateKind) : null;
}

/** Bounds checks shared by the create and edit forms. */
export function thresholdIssue(kind: TemplateKind, value: number): string | null {
  const t = TEMPLATES[kind];
  if (!Number.isFinite(value) || value < t.min || value > t.max)
    return `${t.thresholdLabel}: between ${t.min} and ${t.max}.`;
  if (kind === "uptime" && !Number.isInteger(value)) return "Failing regions is a whole number.";
  return null;
}
