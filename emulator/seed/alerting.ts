// The fleet plans' alerting, seeded once through the alerting APIs' own
// handlers (so names and validation are Google's): e-mail channels, uptime
// checks, alert policies and SLOs. Cloud Monitoring's shortest uptime period
// is 60 s, so AI usage analytics' "every 30 s" check runs every 60 s with its
// 10 s timeout, and "3 failures in a row" is failing for 3 minutes.
import type { Db } from "../db";
import { ensureSchema } from "../db";
import { alertPolicyHandlers } from "../api/monitoring/alerting/policies";
import { channelHandlers } from "../api/monitoring/alerting/channels";
import type { Json } from "../api/monitoring/alerting/common";
import { serviceMonitoringHandlers } from "../api/monitoring/alerting/services";
import type { AlertingStore } from "../api/monitoring/alerting/store";
import { uptimeHandlers } from "../api/monitoring/alerting/uptime";

type Deps = {
  db: Db;
  store: AlertingStore;
  outbox: (channel: string, to: string, subject: string, body: string) => Promise<void>;
  onUptimeChange: (name: string) => void;
};

const MINUTE = { seconds: 60 };
const requests = (service: string, extra = "") =>
  `metric.type = "run.googleapis.com/request_count" AND resource.type = "cloud_run_revision" AND resource.labels.service_name = "${service}"${extra}`;
const byService = (aligner: string, reducer: string) => [
  {
    alignmentPeriod: MINUTE,
    perSeriesAligner: aligner,
    crossSeriesReducer: reducer,
    groupByFields: ["resource.labels.service_name"],
  },
];

/** The 5xx share of a service's requests above `threshold` for `seconds`. */
export const errorShareCondition = (
  service: string,
  threshold: number,
  seconds: number,
  displayName = `5xx share above ${threshold * 100}%`,
): Json => ({
  displayName,
  conditionThreshold: {
    filter: requests(service, ' AND metric.labels.response_code_class = "5xx"'),
    aggregations: byService("ALIGN_RATE", "REDUCE_SUM"),
    denominatorFilter: requests(service),
    denominatorAggregations: byService("ALIGN_RATE", "REDUCE_SUM"),
    comparison: "COMPARISON_GT",
    thresholdValue: threshold,
    duration: { seconds },
    trigger: { count: 1 },
  },
});

const latencyCondition = (service: string, ms: number, seconds: number): Json => ({
  displayName: `p99 latency above ${ms / 1000} s`,
  conditionThreshold: {
    filter: `metric.type = "run.googleapis.com/request_latencies" AND resource.type = "cloud_run_revision" AND resource.labels.service_name = "${service}"`,
    aggregations: byService("ALIGN_DELTA", "REDUCE_PERCENTILE_99"),
    comparison: "COMPARISON_GT",
    thresholdValue: ms,
    duration: { seconds },
    trigger: { count: 1 },
  },
});

const memoryCondition = (service: string, fraction: number, seconds: number): Json => ({
  displayName: `Memory utilization above ${fraction * 100}%`,
  conditionThreshold: {
    filter: `metric.type = "run.googleapis.com/container/memory/utilizations" AND resource.type = "cloud_run_revision" AND resource.labels.service_name = "${service}"`,
    aggregations: byService("ALIGN_PERCENTILE_99", "REDUCE_MAX"),
    comparison: "COMPARISON_GT",
    thresholdValue: fraction,
    duration: { seconds },
    trigger: { count: 1 },
  },
});

const uptimeFailingCondition = (checkId: string, seconds: number): Json => ({
  displayName: "Uptime check failing",
  conditionThreshold: {
    filter: `metric.type = "monitoring.googleapis.com/uptime_check/check_passed" AND metric.labels.check_id = "${checkId}"`,
    aggregations: [
      {
        alignmentPeriod: MINUTE,
        perSeriesAligner: "ALIGN_NEXT_OLDER",
        crossSeriesReducer: "REDUCE_COUNT_FALSE",
        groupByFields: ["metric.labels.check_id"],
      },
    ],
    comparison: "COMPARISON_GT",
    thresholdValue: 0,
    duration: { seconds },
    trigger: { count: 1 },
  },
});

/** Whether the DESIGN.md fleet was seeded into this database (its alerting follows it). */
export async function fleetIsSeeded(db: Db): Promise<boolean> {
  const { rows } = await db.query("SELECT 1 FROM run_services WHERE seeded AND project = 'intentvision-prod' LIMIT 1");
  return rows.length > 0;
}

/** Seeds the plans' alerting once per database (a marker row remembers it, so deleting what was seeded sticks). */
export async function seedAlerting(deps: Deps): Promise<boolean> {
  await ensureSchema(deps.db, [
    "CREATE TABLE IF NOT EXISTS emu_alerting_seed (seeded_at timestamptz NOT NULL DEFAULT now())",
  ]);
  const { rows } = await deps.db.query("SELECT 1 FROM emu_alerting_seed");
  if (rows.length) return false;
  await deps.db.query("INSERT INTO emu_alerting_seed DEFAULT VALUES");

  const call = undefined as any;
  const policies = alertPolicyHandlers(deps.store);
  const channels = channelHandlers(deps.store, deps.outbox);
  const uptime = uptimeHandlers(deps.store, deps.onUptimeChange);
  const slos = serviceMonitoringHandlers(deps.store);
  const email = async (project: string, displayName: string, address: string) =>
    String(
      (
        (await channels.CreateNotificationChannel(
          {
            name: `projects/${project}`,
            notificationChannel: { type: "email", displayName, labels: { email_address: address } },
          },
          call,
        )) as Json
      ).name,
    );
  const check = async (project: string, service: string, path: string, timeout: number) =>
    String(
      (
        (await uptime.CreateUptimeCheckConfig(
          {
            parent: `projects/${project}`,
            uptimeCheckConfig: {
              displayName: `${service} ${path}`,
              monitoredResource: {
                type: "cloud_run_revision",
                labels: { project_id: project, service_name: service, location: "us-central1" },
              },
              httpCheck: { path },
              period: MINUTE,
              timeout: { seconds: timeout },
              userLabels: { service },
            },
          },
          call,
        )) as Json
      ).name,
    )
      .split("/")
      .pop()!;
  const policy = (project: string, service: string, displayName: string, conditions: Json[], channel: string) =>
    policies.CreateAlertPolicy(
      {
        name: `projects/${project}`,
        alertPolicy: {
          displayName,
          conditions,
          combiner: "OR",
          notificationChannels: [channel],
          userLabels: { service },
        },
      },
      call,
    );

  // IntentVision: uptime on /health; error rate > 1 % over 5 min, p99 > 5 s, memory > 80 %; its alerts channel.
  const iv = "intentvision-prod";
  const ivAlerts = await email(iv, "IntentVision alerts", "alerts@intentvision.example");
  const ivCheck = await check(iv, "intentvision-api", "/health", 10);
  await policy(
    iv,
    "intentvision-api",
    "IntentVision API error rate",
    [errorShareCondition("intentvision-api", 0.01, 300)],
    ivAlerts,
  );
  await policy(
    iv,
    "intentvision-api",
    "IntentVision API p99 latency",
    [latencyCondition("intentvision-api", 5000, 300)],
    ivAlerts,
  );
  await policy(
    iv,
    "intentvision-api",
    "IntentVision API memory",
    [memoryCondition("intentvision-api", 0.8, 300)],
    ivAlerts,
  );
  await policy(
    iv,
    "intentvision-api",
    "IntentVision API health check",
    [uptimeFailingCondition(ivCheck, 120)],
    ivAlerts,
  );

  // pyplots: "High Error Rate", 0.05 for 300 s, with a channel.
  const pp = "pyplots-prod";
  const ppAlerts = await email(pp, "pyplots alerts", "alerts@pyplots.example");
  await policy(pp, "pyplots-api", "High Error Rate", [errorShareCondition("pyplots-api", 0.05, 300)], ppAlerts);

  // ShortFactory: a 99.9 % availability objective on the backend over a rolling 30 days.
  const sf = "shortfactory-prod";
  await slos.CreateService(
    {
      parent: `projects/${sf}`,
      serviceId: "shortfactory-backend",
      service: {
        displayName: "ShortFactory backend",
        cloudRun: { serviceName: "shortfactory-backend", location: "us-central1" },
      },
    },
    call,
  );
  await slos.CreateServiceLevelObjective(
    {
      parent: `projects/${sf}/services/shortfactory-backend`,
      serviceLevelObjectiveId: "availability",
      serviceLevelObjective: {
        displayName: "99.9% of requests succeed (30 days)",
        goal: 0.999,
        rollingPeriod: { seconds: 30 * 86400 },
        serviceLevelIndicator: {
          requestBased: {
            goodTotalRatio: {
              badServiceFilter: requests("shortfactory-backend", ' AND metric.labels.response_code_class = "5xx"'),
              totalServiceFilter: requests("shortfactory-backend"),
            },
          },
        },
      },
    },
    call,
  );

  // AI usage analytics: API error rates; health checked (60 s, the shortest Google allows; 10 s timeout), failing 3 times in a row.
  const ai = "ai-usage-analytics-prod";
  const aiAlerts = await email(ai, "AI usage analytics alerts", "alerts@ai-usage.example");
  const aiCheck = await check(ai, "ai-usage-analytics-pipeline", "/health", 10);
  await policy(
    ai,
    "ai-usage-analytics-pipeline",
    "AI usage analytics API error rate",
    [errorShareCondition("ai-usage-analytics-pipeline", 0.05, 300)],
    aiAlerts,
  );
  await policy(
    ai,
    "ai-usage-analytics-pipeline",
    "AI usage analytics health check",
    [uptimeFailingCondition(aiCheck, 180)],
    aiAlerts,
  );
  return true;
}
