import type { protos } from "@google-cloud/monitoring";
import { describe, expect, it } from "vitest";
import { combineHealth, healthQueries } from "./fleet-health";

const series = (service: string, value: number, cls?: string): protos.google.monitoring.v3.ITimeSeries => ({
  resource: { labels: { service_name: service } },
  metric: { labels: cls ? { response_code_class: cls } : {} },
  points: [{ value: cls ? { int64Value: String(value) } : { doubleValue: value } }],
});

describe("combineHealth", () => {
  it("computes rate, 5xx share and percentiles per service and flags breaches", () => {
    const rows = combineHealth(
      "p",
      [
        series("api", 2970, "2xx"),
        series("api", 30, "4xx"),
        series("api", 0, "5xx"),
        series("web", 98, "2xx"),
        series("web", 2, "5xx"),
      ],
      [series("api", 120), series("web", 900)],
      [series("api", 480), series("web", 6200)],
    );
    expect(rows).toEqual([
      { project: "p", service: "api", requestsPerSecond: 10, errorRate: 0, p95Ms: 120, p99Ms: 480, breaches: [] },
      {
        project: "p",
        service: "web",
        requestsPerSecond: 100 / 300,
        errorRate: 0.02,
        p95Ms: 900,
        p99Ms: 6200,
        breaches: ["error rate 2.0% > 1% over 5 min", "p99 6.2 s > 5 s"],
      },
    ]);
  });

  it("says nothing about error rate for a service without requests", () => {
    expect(combineHealth("p", [], [series("idle", 0)], [])[0]).toMatchObject({
      service: "idle",
      errorRate: null,
      breaches: [],
    });
  });

  it("asks the same three questions however many services there are", () => {
    const q = healthQueries("p", new Date("2026-11-23T12:00:00Z"));
    expect(Object.keys(q)).toEqual(["requests", "p95", "p99"]);
    expect(q.requests.aggregation.groupByFields).toEqual([
      "resource.labels.service_name",
      "metric.labels.response_code_class",
    ]);
    expect(q.requests.interval.endTime.seconds - q.requests.interval.startTime.seconds).toBe(300);
  });
});
