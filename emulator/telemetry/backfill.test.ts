// The synthetic two-month history of the seeded fleet: written once, shaped
// like real aggregates (per-service volumes, a daily cycle, the deploy that
// raised elevendops' limits, the warm min instance), readable through the
// official Monitoring client. (Synthetic traffic: traffic.test.ts.)
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import monitoring from "@google-cloud/monitoring";
import { createEmptyDatabase } from "../../test/databases";
import { openDb, type Db } from "../db";
import { CALL, clientOptions, startTestEmulator, type TestEmulator } from "../testing/harness";
import { backfill, HISTORY_DAYS } from "./backfill";
import { TelemetryStore } from "./store";

const DAY = 86_400;
let t: TestEmulator;
let pool: Db;
let mon: InstanceType<typeof monitoring.MetricServiceClient>;
const end = Math.floor(Date.now() / 1000 / DAY) * DAY;

beforeAll(async () => {
  const url = await createEmptyDatabase(inject("pgAdminUrl"), "emu");
  t = await startTestEmulator(url, { seed: true });
  pool = openDb(url);
  const store = new TelemetryStore(pool, (err) => {
    throw err;
  });
  expect(await backfill(pool, store)).toBeGreaterThan(10_000);
  expect(await backfill(pool, store)).toBe(0);
  mon = new monitoring.MetricServiceClient(clientOptions(t.emulator.grpcPort));
}, 240_000);

afterAll(async () => {
  await mon?.close();
  await pool?.end();
  await t?.close();
});

const daily = async (
  project: string,
  metric: string,
  aligner: "ALIGN_SUM" | "ALIGN_MEAN" = "ALIGN_SUM",
  groupBy = ["resource.labels.service_name"],
) => {
  const [series] = await mon.listTimeSeries(
    {
      name: `projects/${project}`,
      filter: `metric.type = "run.googleapis.com/${metric}"`,
      interval: { startTime: { seconds: end - HISTORY_DAYS * DAY }, endTime: { seconds: end } },
      aggregation: {
        alignmentPeriod: { seconds: DAY },
        perSeriesAligner: aligner,
        crossSeriesReducer: "REDUCE_SUM",
        groupByFields: groupBy,
      },
    },
    CALL,
  );
  return series;
};
const num = (p: { value?: { int64Value?: unknown; doubleValue?: number | null } | null }) =>
  Number(p.value?.int64Value ?? p.value?.doubleValue ?? 0);

it("writes two months of requests at each service's own volume, with hourly log entries for the last week", async () => {
  const api = (await daily("pyplots-prod", "request_count")).find(
    (x) => x.resource!.labels!.service_name === "pyplots-api",
  )!;
  // From its first revision, 60 days ago at most, on.
  expect(api.points!.length).toBeGreaterThanOrEqual(30);
  // 1 200 an hour at the daily mean: 28 800 a day, ± the noise.
  const perDay = num(api.points![1]);
  expect(perDay).toBeGreaterThan(24_000);
  expect(perDay).toBeLessThan(34_000);
  const { rows } = await pool.query(
    "SELECT count(*)::int AS n FROM emu_log_entries WHERE project = 'pyplots-prod' AND service = 'pyplots-api'",
  );
  expect(rows[0].n).toBeGreaterThanOrEqual(7 * 24 - 1);
});

it("bills against the revision that served: elevendops' CPU allocation doubles at its deploy of 10 days ago", async () => {
  const series = await daily("elevendops-prod", "container/cpu/allocation_time", "ALIGN_SUM", [
    "resource.labels.revision_name",
  ]);
  expect(series.length).toBeGreaterThanOrEqual(2);
  // Per request: vCPU-s ÷ requests, before and after (1 → 2 vCPU).
  const requests = await daily("elevendops-prod", "request_count", "ALIGN_SUM", ["resource.labels.revision_name"]);
  const ratio = (rev: string) => {
    const cpu = series.find((s) => s.resource!.labels!.revision_name === rev)!.points!.reduce((a, p) => a + num(p), 0);
    const req = requests
      .find((s) => s.resource!.labels!.revision_name === rev)!
      .points!.reduce((a, p) => a + num(p), 0);
    return cpu / req;
  };
  const [latest, before] = [...series]
    .sort((a, b) => (b.resource!.labels!.revision_name! > a.resource!.labels!.revision_name! ? 1 : -1))
    .map((s) => s.resource!.labels!.revision_name!);
  expect(ratio(latest) / ratio(before)).toBeCloseTo(2, 1);
  // One point per UTC day from the first hour the revision served (history older than
  // 8 days is written per hour): deployed in a day's last hour, that day holds none.
  const [revision] = await t.revisions.getRevision({
    name: `projects/elevendops-prod/locations/us-central1/services/elevendops/revisions/${latest}`,
  });
  const created = Number(revision.createTime!.seconds) * 1000;
  const firstHour = Math.ceil(created / 3_600_000) * 3_600_000;
  const expectedDays = Math.ceil((end * 1000 - firstHour) / (DAY * 1000));
  const days = series.find((s) => s.resource!.labels!.revision_name === latest)!.points!.length;
  expect(expectedDays).toBeGreaterThanOrEqual(9);
  expect(days).toBe(expectedDays);
});

it("keeps shortfactory-frontend's min instance warm and mostly idle, and writes utilization", async () => {
  const [series] = await mon.listTimeSeries(
    {
      name: "projects/shortfactory-prod",
      filter:
        'metric.type = "run.googleapis.com/container/instance_count" AND resource.labels.service_name = "shortfactory-frontend"',
      interval: { startTime: { seconds: end - 7 * DAY }, endTime: { seconds: end } },
      aggregation: {
        alignmentPeriod: { seconds: 7 * DAY },
        perSeriesAligner: "ALIGN_MEAN",
        crossSeriesReducer: "REDUCE_SUM",
        groupByFields: ["metric.labels.state"],
      },
    },
    CALL,
  );
  const idle = series.find((s) => s.metric!.labels!.state === "idle")!;
  expect(num(idle.points![0])).toBeGreaterThan(0.8);
  const [memory] = await mon.listTimeSeries(
    {
      name: "projects/elevendops-prod",
      filter: 'metric.type = "run.googleapis.com/container/memory/utilizations"',
      interval: { startTime: { seconds: end - 7 * DAY }, endTime: { seconds: end } },
      aggregation: {
        alignmentPeriod: { seconds: 7 * DAY },
        perSeriesAligner: "ALIGN_PERCENTILE_99",
        crossSeriesReducer: "REDUCE_MAX",
        groupByFields: ["resource.labels.service_name"],
      },
    },
    CALL,
  );
  // 12 % of 1 GiB, ± 10 %: far below the limit.
  expect(num(memory[0].points![0])).toBeGreaterThan(0.1);
  expect(num(memory[0].points![0])).toBeLessThan(0.2);
});
