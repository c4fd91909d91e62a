import type { protos } from "@google-cloud/monitoring";
import { describe, expect, it } from "vitest";
import { chartWindow, MetricsQuery, toChart } from "./service-metrics";

const series = (points: [number, number][]): protos.google.monitoring.v3.ITimeSeries => ({
  points: points.map(([t, v]) => ({ interval: { endTime: { seconds: t } }, value: { doubleValue: v } })),
});

describe("toChart", () => {
  it("lines revisions up by time, leaving gaps where a revision has no point", () => {
    const chart = toChart("req/s", [
      {
        name: "api-00002",
        series: series([
          [120, 2],
          [60, 1],
        ]),
      },
      { name: "api-00003", series: series([[120, 0.5]]) },
    ]);
    expect(chart).toEqual({
      unit: "req/s",
      series: ["api-00002", "api-00003"],
      points: [
        { t: 60_000, "api-00002": 1, "api-00003": null },
        { t: 120_000, "api-00002": 2, "api-00003": 0.5 },
      ],
      lastDataAt: 120_000,
    });
  });

  it("gives every bucket without a point a row of nulls, so the chart breaks the line there", () => {
    // Points at 1, 2, then nothing for minutes 3-5 (the portal was stopped), then 6 and 7.
    const chart = toChart(
      "req/s",
      [
        {
          name: "api-00002",
          series: series([
            [420, 4],
            [360, 3],
            [120, 2],
            [60, 1],
          ]),
        },
        { name: "api-00003", series: series([[360, 1]]) },
      ],
      60_000,
    );
    expect(chart.points).toEqual([
      { t: 60_000, "api-00002": 1, "api-00003": null },
      { t: 120_000, "api-00002": 2, "api-00003": null },
      { t: 180_000, "api-00002": null, "api-00003": null },
      { t: 240_000, "api-00002": null, "api-00003": null },
      { t: 300_000, "api-00002": null, "api-00003": null },
      { t: 360_000, "api-00002": 3, "api-00003": 1 },
      { t: 420_000, "api-00002": 4, "api-00003": null },
    ]);
    expect(chart.lastDataAt).toBe(420_000);
  });

  it("adds no rows before the first point, after the last, or when nothing is missing", () => {
    const chart = toChart(
      "ms",
      [
        {
          name: "api-00002 p95",
          series: series([
            [180, 9],
            [120, 8],
          ]),
        },
      ],
      60_000,
    );
    expect(chart.points.map((p) => p.t)).toEqual([120_000, 180_000]);
    expect(toChart("ms", [], 60_000).points).toEqual([]);
  });

  it("has no last-data time when there is no data", () => {
    expect(toChart("ms", [])).toEqual({ unit: "ms", series: [], points: [], lastDataAt: null });
  });
});

describe("chartWindow", () => {
  it("keeps about 120 points for a custom span, never under a minute apart", () => {
    const q = MetricsQuery.parse({
      project: "pyplots-prod",
      service: "api",
      chart: "requests",
      range: "custom",
      from: "2026-11-20T00:00:00Z",
      to: "2026-11-22T00:00:00Z",
    });
    expect(chartWindow(q, new Date())).toEqual({
      endSeconds: Date.parse("2026-11-22T00:00:00Z") / 1000,
      seconds: 172_800,
      period: 1440,
    });
    const short = MetricsQuery.parse({ ...q, from: "2026-11-21T23:50:00Z" });
    expect(chartWindow(short, new Date()).period).toBe(60);
    expect(MetricsQuery.safeParse({ ...q, from: "2026-11-23T00:00:00Z" }).success).toBe(false);
  });
});
