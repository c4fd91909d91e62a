import type { protos } from "@google-cloud/monitoring";
import { describe, expect, it } from "vitest";
import { toChart } from "./service-metrics";

const series = (points: [number, number][]): protos.google.monitoring.v3.ITimeSeries => ({
  points: points.map(([t, v]) => ({ interval: { endTime: { seconds: t } }, value: { doubleValue: v } })),
});

describe("toChart", () => {
  it("lines revisions up by time, leaving gaps where a revision has no point", () => {
    const chart = toChart("req/s", [
      { name: "api-00002", series: series([[120, 2], [60, 1]]) },
      { name: "api-00003", series: series([[120, 0.5]]) },
    ]);
    expect(chart).toEqual({
      unit: "req/s",
      series: ["api-00002", "api-00003"],
      points: [{ t: 60_000, "api-00002": 1, "api-00003": null }, { t: 120_000, "api-00002": 2, "api-00003": 0.5 }],
      lastDataAt: 120_000,
    });
  });

  it("has no last-data time when there is no data", () => {
    expect(toChart("ms", [])).toEqual({ unit: "ms", series: [], points: [], lastDataAt: null });
  });
});
