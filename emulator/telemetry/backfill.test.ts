// The synthetic 7-day history: written once, shaped like real aggregates,
// readable through the official Monitoring client. (Synthetic traffic: traffic.test.ts.)
import { expect, inject, it } from "vitest";
import monitoring from "@google-cloud/monitoring";
import { createEmptyDatabase } from "../../test/databases";
import { openDb } from "../db";
import { CALL, clientOptions, startTestEmulator, template } from "../testing/harness";
import { backfill } from "./backfill";
import { TelemetryStore } from "./store";

it("backfills 7 days of request metrics and hourly log entries for existing services, once", async () => {
  const url = await createEmptyDatabase(inject("pgAdminUrl"), "emu");
  const t = await startTestEmulator(url);
  const parent = "projects/history/locations/us-central1";
  const [op] = await t.services.createService({ parent, serviceId: "old", service: { template: template("gcr.io/h/hello:v1") } }, CALL);
  await op.promise();
  const pool = openDb(url);
  const store = new TelemetryStore(pool, (err) => { throw err; });
  try {
    expect(await backfill(pool, store)).toBeGreaterThan(1000);
    expect(await backfill(pool, store)).toBe(0);
    const { rows } = await pool.query("SELECT count(*)::int AS n FROM emu_log_entries WHERE project = 'history'");
    expect(rows[0].n).toBeGreaterThanOrEqual(7 * 24 - 1);
    const mon = new monitoring.MetricServiceClient(clientOptions(t.emulator.grpcPort));
    const end = Math.floor(Date.now() / 1000);
    const [series] = await mon.listTimeSeries({
      name: "projects/history", filter: 'metric.type = "run.googleapis.com/request_count"',
      interval: { startTime: { seconds: end - 7 * 86400 }, endTime: { seconds: end } },
      aggregation: { alignmentPeriod: { seconds: 86400 }, perSeriesAligner: "ALIGN_DELTA", crossSeriesReducer: "REDUCE_SUM", groupByFields: ["metric.labels.response_code_class"] },
    }, CALL);
    const byClass = Object.fromEntries(series.map((s) => [s.metric!.labels!.response_code_class, s.points!]));
    expect(byClass["2xx"].length).toBe(7);
    const perDay = Number(byClass["2xx"][1].value!.int64Value);
    expect(perDay).toBeGreaterThan(1500);
    expect(perDay).toBeLessThan(4000);
    const errors = Number(byClass["4xx"][1].value!.int64Value);
    expect(errors / perDay).toBeGreaterThan(0.03);
    expect(errors / perDay).toBeLessThan(0.08);
    // Utilization history: one memory sample per instance-minute, as fractions of the limit.
    const [memory] = await mon.listTimeSeries({
      name: "projects/history", filter: 'metric.type = "run.googleapis.com/container/memory/utilizations"',
      interval: { startTime: { seconds: end - 7 * 86400 }, endTime: { seconds: end } },
      aggregation: { alignmentPeriod: { seconds: 86400 }, perSeriesAligner: "ALIGN_DELTA" },
    }, CALL);
    expect(memory).toHaveLength(1);
    const day = memory[0].points![1].value!.distributionValue!;
    expect(Number(day.count)).toBe(1440);
    expect(day.mean).toBeGreaterThan(0.05);
    expect(day.mean).toBeLessThan(0.5);
    await mon.close();
  } finally {
    await pool.end();
    await t.close();
  }
});
