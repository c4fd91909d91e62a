// The local demo (traffic on) answers with its synthetic history from its
// first call: the portal caches usage for minutes, so history written after
// the emulator starts serving left a newcomer's cost page at $0.00 for the
// first five minutes. (The history's shape: backfill.test.ts.)
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import monitoring from "@google-cloud/monitoring";
import { createEmptyDatabase } from "../../test/databases";
import { CALL, clientOptions, startTestEmulator, type TestEmulator } from "../testing/harness";

const DAY = 86_400;
let t: TestEmulator;
let mon: InstanceType<typeof monitoring.MetricServiceClient>;

beforeAll(async () => {
  const url = await createEmptyDatabase(inject("pgAdminUrl"), "emu");
  t = await startTestEmulator(url, { seed: true, traffic: true });
  mon = new monitoring.MetricServiceClient(clientOptions(t.emulator.grpcPort));
}, 240_000);

afterAll(async () => {
  await mon?.close();
  await t?.close();
});

it("has the seeded fleet's month of usage when it first answers, as the cost page reads it", async () => {
  // The cost page's read, daily sums per service, over the 30 whole days before today (today is partial).
  const end = Math.floor(Date.now() / 1000 / DAY) * DAY;
  const [series] = await mon.listTimeSeries(
    {
      name: "projects/intentvision-prod",
      filter: 'metric.type = "run.googleapis.com/container/cpu/allocation_time"',
      interval: { startTime: { seconds: end - 30 * DAY }, endTime: { seconds: end } },
      aggregation: {
        alignmentPeriod: { seconds: DAY },
        perSeriesAligner: "ALIGN_SUM",
        crossSeriesReducer: "REDUCE_SUM",
        groupByFields: ["resource.labels.service_name"],
      },
    },
    CALL,
  );
  const api = series.find((s) => s.resource?.labels?.service_name === "intentvision-api");
  const days = (api?.points ?? []).filter((p) => (p.value?.doubleValue ?? 0) > 0);
  // 3,000 requests an hour at 150 ms on 1 vCPU: about 10,000 vCPU-seconds a day, every day of the window.
  expect(days).toHaveLength(30);
  expect(Math.min(...days.map((p) => p.value!.doubleValue!))).toBeGreaterThan(5_000);
});
