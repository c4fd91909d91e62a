// The hour rollups answer aligned queries exactly as the per-minute rows do:
// the same series, points, counts and buckets, and doubles equal to 1e-9
// relative (sums are added in another order). Data: the synthetic two-month
// history (requests, instances, utilization; its hours computed by the backfill) and two days of instance minutes written through the store
// (some completed twice, as a query's early flush does), on a revision billed
// per request (cpuIdle, 2 vCPU, 1 GiB) and one billed per instance.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../db";
import type { TestEmulator } from "../../testing/harness";
import { emulatorWithHistory } from "../../testing/history";
import { BUCKETS } from "../../telemetry/buckets";
import type { InstanceMinute } from "../../telemetry/instances";
import { TelemetryStore } from "../../telemetry/store";
import { align, reduce, type Series } from "./aggregate";
import { hourRollupFits, loadSeries } from "./metrics";

const PROJECT = "rollup";
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let t: TestEmulator;
let db: Db;
let store: TelemetryStore;
let revisions: string[];

beforeAll(async () => {
  ({ t, db, store, revisions } = await emulatorWithHistory(PROJECT, [
    { id: "per-request", resources: { limits: { cpu: "2", memory: "1Gi" }, cpuIdle: true } },
    { id: "per-instance", resources: { limits: { cpu: "500m", memory: "256Mi" }, cpuIdle: false } },
  ]));
  const specs = [{ id: "per-request" }, { id: "per-instance" }];

  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const now = Math.floor(Date.now() / 60_000) * 60_000;
  const minutes: InstanceMinute[] = [];
  specs.forEach((s, i) => {
    for (let m = now - 2 * DAY; m <= now; m += 3 * 60_000) {
      const startups = rnd() < 0.2 ? 1 + Math.floor(rnd() * 3) : 0;
      const buckets = new Array(BUCKETS).fill(0);
      let sum = 0;
      for (let k = 0; k < startups; k++) {
        const b = 20 + Math.floor(rnd() * 30);
        buckets[b]++;
        sum += 100 * (1 + b);
      }
      // Busy above alive and alive 0 both occur: the per-minute cap must survive the rollup.
      const alive = rnd() < 0.1 ? 0 : 60 * rnd();
      minutes.push({
        project: PROJECT,
        region: "us-central1",
        service: s.id,
        revision: revisions[i],
        minute: m,
        seen: new Set(["a", "b"]),
        active: new Set(["a"]),
        aliveS: alive,
        busyS: 70 * rnd(),
        startupCount: startups,
        startupSum: sum,
        startupBuckets: buckets,
      });
    }
  });
  await store.writeMinutes([], minutes);
  // A minute completed later (alive and busy seconds add): its hour is recomputed.
  await store.writeMinutes(
    [],
    minutes.slice(-5).map((m) => ({
      ...m,
      aliveS: 5,
      busyS: 50,
      startupCount: 0,
      startupSum: 0,
      startupBuckets: new Array(BUCKETS).fill(0),
    })),
  );
}, 120_000);

afterAll(async () => {
  await db?.end();
  await t?.close();
});

function expectSame(actual: Series[], expected: Series[]) {
  const order = (s: Series[]) =>
    [...s].sort((a, b) => JSON.stringify([a.resource, a.metric]).localeCompare(JSON.stringify([b.resource, b.metric])));
  const a = order(actual);
  const e = order(expected);
  expect(a.map((s) => [s.resource, s.metric, s.kind, s.type, s.points.map((p) => [p.start, p.end])])).toEqual(
    e.map((s) => [s.resource, s.metric, s.kind, s.type, s.points.map((p) => [p.start, p.end])]),
  );
  const close = (x: number, y: number) => expect(Math.abs(x - y)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(y)));
  a.forEach((s, i) =>
    s.points.forEach((p, j) => {
      const q = e[i].points[j];
      if ("n" in p.v && "n" in q.v) close(p.v.n, q.v.n);
      else if ("d" in p.v && "d" in q.v) {
        expect([p.v.d.count, p.v.d.buckets, p.v.d.min, p.v.d.max]).toEqual([
          q.v.d.count,
          q.v.d.buckets,
          q.v.d.min,
          q.v.d.max,
        ]);
        close(p.v.d.sum, q.v.d.sum);
        close(p.v.d.ssd, q.v.d.ssd);
      } else expect(p.v).toEqual(q.v);
    }),
  );
}

const METRIC_ALIGNERS: [string, string[]][] = [
  ["run.googleapis.com/request_count", ["ALIGN_DELTA", "ALIGN_SUM", "ALIGN_RATE"]],
  ["run.googleapis.com/request_latencies", ["ALIGN_DELTA", "ALIGN_SUM", "ALIGN_PERCENTILE_99", "ALIGN_PERCENTILE_50"]],
  ["run.googleapis.com/container/billable_instance_time", ["ALIGN_SUM", "ALIGN_RATE"]],
  ["run.googleapis.com/container/cpu/allocation_time", ["ALIGN_SUM"]],
  ["run.googleapis.com/container/memory/allocation_time", ["ALIGN_DELTA"]],
  ["run.googleapis.com/container/startup_latencies", ["ALIGN_SUM", "ALIGN_PERCENTILE_95"]],
  // The backfill writes utilization history too.
  ["run.googleapis.com/container/memory/utilizations", ["ALIGN_PERCENTILE_99", "ALIGN_DELTA"]],
  ["run.googleapis.com/container/cpu/utilizations", ["ALIGN_PERCENTILE_50"]],
];

describe("hour rollups against per-minute rows", () => {
  const end = Math.ceil(Date.now() / DAY) * DAY;
  // The month-to-date shape (days), an hourly chart, and a start off the hour (minutes before the first whole hour).
  const windows = [
    { label: "30 days by day", start: end - 30 * DAY, period: DAY },
    { label: "2 days by hour", start: end - 2 * DAY, period: HOUR },
    { label: "start 17 min past an hour, by 3 h", start: end - 3 * DAY + 17 * 60_000, period: 3 * HOUR },
  ];
  for (const [type, aligners] of METRIC_ALIGNERS) {
    for (const aligner of aligners) {
      it(`${type.split("/").slice(-2).join("/")} ${aligner}: identical answers`, async () => {
        for (const w of windows) {
          expect(hourRollupFits(type, aligner, w.period, end)).toBe(true);
          const from = w.start - w.period;
          const [minutes, hours] = await Promise.all([
            loadSeries(db, PROJECT, type, from, end),
            loadSeries(db, PROJECT, type, from, end, true),
          ]);
          expect(minutes.length, w.label).toBeGreaterThan(0);
          const aligned = (s: Series[]) => align(s, aligner, w.period, w.start, end);
          expectSame(aligned(hours), aligned(minutes));
          if (!aligner.startsWith("ALIGN_PERCENTILE")) {
            const fields = ["resource.labels.service_name"];
            expectSame(reduce(aligned(hours), "REDUCE_SUM", fields), reduce(aligned(minutes), "REDUCE_SUM", fields));
          }
        }
      });
    }
  }

  it("is not used where it could change an answer: gauges, ALIGN_MEAN/MIN/MAX/COUNT, periods or ends off the hour", () => {
    expect(hourRollupFits("run.googleapis.com/container/instance_count", "ALIGN_SUM", DAY, end)).toBe(false);
    for (const a of ["ALIGN_MEAN", "ALIGN_MIN", "ALIGN_MAX", "ALIGN_COUNT", undefined])
      expect(hourRollupFits("run.googleapis.com/request_count", a, DAY, end)).toBe(false);
    expect(hourRollupFits("run.googleapis.com/request_count", "ALIGN_SUM", 300_000, end)).toBe(false);
    expect(hourRollupFits("run.googleapis.com/request_count", "ALIGN_SUM", DAY, end - 60_000)).toBe(false);
  });
});
