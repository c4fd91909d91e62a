// The templates build the policies the plans ask for, exactly; and the
// policies read back in words, whoever made them.
import { describe, expect, it } from "vitest";
import { describePolicy, policyWatches } from "./describe";
import { CreatePolicyInput } from "./schemas";
import { buildPolicy, templateOf, typedThreshold } from "./templates";

const p = {
  project: "pyplots-prod",
  region: "europe-west4",
  service: "pyplots-api",
  notificationChannels: ["projects/pyplots-prod/notificationChannels/7"],
};
const run =
  'resource.type="cloud_run_revision" AND resource.labels.service_name="pyplots-api" AND resource.labels.location="europe-west4"';

describe("alert policy templates", () => {
  it("5xx share: a ratio of 5xx to all requests over a minute, above 5 % for 300 s (pyplots' High Error Rate)", () => {
    const policy = buildPolicy("error-share", { ...p, threshold: 5, durationSeconds: 300 });
    expect(policy).toMatchObject({
      displayName: "pyplots-api: 5xx share of requests > 5 %",
      combiner: "OR",
      enabled: { value: true },
      notificationChannels: ["projects/pyplots-prod/notificationChannels/7"],
      userLabels: {
        "runway-service": "pyplots-api",
        "runway-region": "europe-west4",
        "runway-template": "error-share",
      },
    });
    expect(policy.conditions).toEqual([
      {
        displayName: "5xx share of requests",
        conditionThreshold: {
          filter: `metric.type="run.googleapis.com/request_count" AND ${run} AND metric.labels.response_code_class="5xx"`,
          aggregations: [
            {
              alignmentPeriod: { seconds: 60 },
              perSeriesAligner: "ALIGN_RATE",
              crossSeriesReducer: "REDUCE_SUM",
              groupByFields: ["resource.labels.service_name"],
            },
          ],
          denominatorFilter: `metric.type="run.googleapis.com/request_count" AND ${run}`,
          denominatorAggregations: [
            {
              alignmentPeriod: { seconds: 60 },
              perSeriesAligner: "ALIGN_RATE",
              crossSeriesReducer: "REDUCE_SUM",
              groupByFields: ["resource.labels.service_name"],
            },
          ],
          comparison: "COMPARISON_GT",
          thresholdValue: 0.05,
          duration: { seconds: 300 },
          trigger: { count: 1 },
        },
      },
    ]);
    expect(describePolicy(policy)).toBe("5xx share of requests > 5 % for 5 min");
  });

  it("p99 latency in ms, memory utilization as a fraction of the limit", () => {
    const latency = buildPolicy("latency-p99", { ...p, threshold: 5000, durationSeconds: 300 });
    expect(latency.conditions![0].conditionThreshold).toMatchObject({
      filter: `metric.type="run.googleapis.com/request_latencies" AND ${run}`,
      thresholdValue: 5000,
      aggregations: [{ perSeriesAligner: "ALIGN_DELTA", crossSeriesReducer: "REDUCE_PERCENTILE_99" }],
    });
    expect(describePolicy(latency)).toBe("p99 request latency > 5000 ms for 5 min");
    const memory = buildPolicy("memory", { ...p, threshold: 80, durationSeconds: 600 });
    expect(memory.conditions![0].conditionThreshold).toMatchObject({
      filter: `metric.type="run.googleapis.com/container/memory/utilizations" AND ${run}`,
      thresholdValue: 0.8,
      duration: { seconds: 600 },
    });
    expect(describePolicy(memory)).toBe("p99 memory utilization > 80 % for 10 min");
    expect(typedThreshold("memory", 0.8)).toBe(80);
  });

  it("uptime failing: regions whose latest check failed, counted; SLO burn: 14.4× over 1 h and 6× over 6 h", () => {
    const uptime = buildPolicy("uptime", { ...p, threshold: 1, durationSeconds: 180, uptimeCheckId: "pyplots-health" });
    expect(uptime.conditions![0].conditionThreshold).toMatchObject({
      filter:
        'metric.type="monitoring.googleapis.com/uptime_check/check_passed" AND metric.labels.check_id="pyplots-health"',
      aggregations: [
        {
          alignmentPeriod: { seconds: 1200 },
          perSeriesAligner: "ALIGN_NEXT_OLDER",
          crossSeriesReducer: "REDUCE_COUNT_FALSE",
          groupByFields: ["metric.labels.check_id"],
        },
      ],
      comparison: "COMPARISON_GT",
      thresholdValue: 0,
    });
    expect(describePolicy(uptime)).toBe("uptime check failing in at least 1 region for 3 min");
    const slo = "projects/pyplots-prod/services/pyplots-api/serviceLevelObjectives/availability";
    const fast = buildPolicy("slo-fast-burn", { ...p, threshold: 14.4, durationSeconds: 0, sloName: slo });
    expect(fast.conditions![0].conditionThreshold).toMatchObject({
      filter: `select_slo_burn_rate("${slo}", "3600s")`,
      thresholdValue: 14.4,
      duration: { seconds: 0 },
    });
    expect(describePolicy(fast)).toBe("SLO availability burning > 14.4× its budget over 1 h, at once");
    const slow = buildPolicy("slo-slow-burn", { ...p, threshold: 6, durationSeconds: 0, sloName: slo });
    expect(slow.conditions![0].conditionThreshold!.filter).toBe(`select_slo_burn_rate("${slo}", "21600s")`);
    expect(templateOf(slow)).toBe("slo-slow-burn");
  });

  it("a policy watches the service its labels or its filter name, and only that one", () => {
    const ours = buildPolicy("error-share", { ...p, threshold: 1, durationSeconds: 300 });
    expect(policyWatches(ours, { region: "europe-west4", service: "pyplots-api" })).toBe(true);
    expect(policyWatches(ours, { region: "europe-west4", service: "pyplots-frontend" })).toBe(false);
    const console = {
      conditions: [
        {
          conditionThreshold: {
            filter:
              'metric.type="run.googleapis.com/request_latencies" AND resource.labels.service_name="pyplots-frontend"',
          },
        },
      ],
    };
    expect(policyWatches(console, { region: "europe-west4", service: "pyplots-frontend" })).toBe(true);
    expect(policyWatches(console, { region: "europe-west4", service: "pyplots-api" })).toBe(false);
    const uptime = buildPolicy("uptime", { ...p, threshold: 1, durationSeconds: 180, uptimeCheckId: "chk" });
    delete uptime.userLabels;
    expect(
      policyWatches(
        uptime,
        { region: "europe-west4", service: "pyplots-api" },
        { uptimeCheckIds: ["chk"], sloNames: [] },
      ),
    ).toBe(true);
  });

  it("the create form's input: thresholds in range, durations in whole minutes, the uptime check and SLO required where needed", () => {
    const base = {
      project: "pyplots-prod",
      region: "europe-west4",
      service: "pyplots-api",
      channels: "projects/pyplots-prod/notificationChannels/7",
    };
    const errors = (v: object) => {
      const r = CreatePolicyInput.safeParse({ ...base, ...v });
      return r.success ? {} : Object.fromEntries(r.error.issues.map((i) => [i.path.join("."), i.message]));
    };
    expect(errors({ kind: "error-share", threshold: "1", durationSeconds: "300" })).toEqual({});
    expect(errors({ kind: "error-share", threshold: "101", durationSeconds: "300" })).toEqual({
      threshold: "5xx share above (%): between 0.01 and 100.",
    });
    expect(errors({ kind: "latency-p99", threshold: "abc", durationSeconds: "90" })).toMatchObject({
      threshold: expect.any(String),
      durationSeconds: "Use whole minutes: 0, 60, 120, 300 seconds…",
    });
    expect(errors({ kind: "uptime", threshold: "1", durationSeconds: "180" })).toEqual({
      uptimeCheckId: "Choose the uptime check to watch (create one first).",
    });
    expect(
      errors({
        kind: "slo-fast-burn",
        threshold: "14.4",
        durationSeconds: "0",
        sloName: "projects/other-proj/services/a/serviceLevelObjectives/b",
      }),
    ).toEqual({ sloName: "Choose the SLO to watch (create one first)." });
    expect(
      errors({
        kind: "memory",
        threshold: "80",
        durationSeconds: "300",
        channels: "projects/intentvision-prod/notificationChannels/1",
      }),
    ).toEqual({ channels: "projects/intentvision-prod/notificationChannels/1 is not a channel of pyplots-prod." });
  });
});
