// Aligned reads grouped in SQL (aligned.ts) answer exactly as aligning the
// per-minute points in JS does: the same series, points, counts and buckets,
// doubles equal to 1e-9 relative (sums are added in another order). Covers
// every built-in Cloud Run metric with each aligner SQL answers, the instance
// count gauge's new hour columns included, on windows shaped like the cost
// page's reads (two months by day, a week as one period, a day by hour, all
// ending in the current, partial hour) and with a start off the hour; queries
// SQL cannot answer exactly (periods or ends off the hour, ALIGN_COUNT or
// ALIGN_NEXT_OLDER of the gauge) fall back to the minutes. Data: the
// synthetic history (hours computed by the backfill) and two days of minutes
// written through the store (some completed twice), whose hours and days the
// store keeps; the emulator is stopped before the reads, so nothing moves meanwhile.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../db";
import type { TestEmulator } from "../../testing/harness";
import { emulatorWithHistory } from "../../testing/history";
import { BUCKETS } from "../../telemetry/buckets";
import type { InstanceMinute } from "../../telemetry/instances";
import { TelemetryStore, type MinuteAgg, type UtilMinute } from "../../telemetry/store";
import { UTIL_BUCKETS } from "../../telemetry/utilization";
import { align, reduce, type Series } from "./aggregate";
import { loadAligned, sqlAlignmentFits } from "./aligned";
import { parseMetricFilter } from "./filter";
import { loadSeries } from "./metrics";
import { querySeries } from "./query";

const PROJECT = "aligned";
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let t: TestEmulator;
let db: Db;
let store: TelemetryStore;
let closed = false;

beforeAll(async () => {
  let revisions: string[];
  ({ t, db, store, revisions } = await emulatorWithHistory(PROJECT, [
    { id: "billed-per-request", resources: { limits: { cpu: "1", memory: "512Mi" }, cpuIdle: true } },
    { id: "billed-per-instance", resources: { limits: { cpu: "2", memory: "2Gi" }, cpuIdle: false } },
  ]));
  const specs = [{ id: "billed-per-request" }, { id: "billed-per-instance" }];
  // The emulator stops here (its instances' last minutes flushed, startups included): nothing writes while the reads compare.
  await t.close();
  closed = true;

  // Two more days, written through the store up to this minute (the current hour is partial).
  let seed = 11;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const now = Math.floor(Date.now() / MINUTE) * MINUTE;
  const instances: InstanceMinute[] = [];
  const requests: MinuteAgg[] = [];
  const utilization: UtilMinute[] = [];
  const ids = (n: number) => new Set(Array.from({ length: n }, (_, i) => `x${i}`));
  specs.forEach((s, i) => {
    const key = { project: PROJECT, region: "us-central1", service: s.id, revision: revisions[i] };
    for (let m = now - 2 * DAY; m <= now; m += 7 * MINUTE) {
      const active = Math.floor(rnd() * 4);
      instances.push({
        ...key,
        minute: m,
        seen: ids(active + Math.floor(rnd() * 3)),
        active: ids(active),
        aliveS: 60 * rnd(),
        busyS: 70 * rnd(),
        startupCount: 0,
        startupSum: 0,
        startupBuckets: new Array(BUCKETS).fill(0),
      });
      const latencyBuckets = new Array(BUCKETS).fill(0);
      latencyBuckets[10 + Math.floor(rnd() * 20)] += 3;
      requests.push({
        ...key,
        code: 200,
        minute: m,
        count: 3,
        sum: 300 * rnd() + 30,
        ssd: 50 * rnd(),
        min: 5,
        max: 400,
        buckets: latencyBuckets,
      });
      const utilBuckets = new Array(UTIL_BUCKETS).fill(0);
      const v = rnd();
      utilBuckets[1 + Math.floor(v * 100)] += 2;
      utilization.push({
        ...key,
        container: "",
        metric: "memory",
        minute: m,
        count: 2,
        sum: 2 * v,
        ssd: 0.001 * rnd(),
        min: v,
        max: v,
        buckets: utilBuckets,
      });
    }
  });
  await store.writeMinutes(requests, instances, utilization);
  // Minutes completed later, as a query's early flush leaves them: their hours are recomputed.
  await store.writeMinutes(
    requests.slice(-3),
    instances.slice(-4).map((m) => ({ ...m, active: ids(5), seen: ids(6), aliveS: 5 })),
    utilization.slice(-3),
  );
}, 180_000);

afterAll(async () => {
  await db?.end();
  if (!closed) await t?.close();
});

function expectSame(actual: Series[], expected: Series[], label: string) {
  const order = (s: Series[]) =>
    [...s].sort((a, b) => JSON.stringify([a.resource, a.metric]).localeCompare(JSON.stringify([b.resource, b.metric])));
  const [a, e] = [order(actual), order(expected)];
  const shape = (s: Series[]) =>
    s.map((x) => [x.resource, x.metric, x.kind, x.type, x.points.map((p) => [p.start, p.end])]);
  expect(shape(a), label).toEqual(shape(e));
  const close = (x: number, y: number) =>
    expect(Math.abs(x - y), label).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(y)));
  a.forEach((s, i) =>
    s.points.forEach((p, j) => {
      const q = e[i].points[j];
      if ("n" in p.v && "n" in q.v) close(p.v.n, q.v.n);
      else if ("d" in p.v && "d" in q.v) {
        expect([p.v.d.count, p.v.d.buckets, p.v.d.min, p.v.d.max, p.v.d.linear], label).toEqual([
          q.v.d.count,
          q.v.d.buckets,
          q.v.d.min,
          q.v.d.max,
          q.v.d.linear,
        ]);
        close(p.v.d.sum, q.v.d.sum);
        close(p.v.d.ssd, q.v.d.ssd);
      } else expect(p.v, label).toEqual(q.v);
    }),
  );
}

const METRIC_ALIGNERS: [string, string[]][] = [
  ["run.googleapis.com/request_count", ["ALIGN_SUM", "ALIGN_DELTA", "ALIGN_RATE"]],
  ["run.googleapis.com/request_latencies", ["ALIGN_DELTA", "ALIGN_PERCENTILE_95"]],
  ["run.googleapis.com/container/instance_count", ["ALIGN_MEAN", "ALIGN_SUM", "ALIGN_RATE", "ALIGN_MIN", "ALIGN_MAX"]],
  ["run.googleapis.com/container/billable_instance_time", ["ALIGN_SUM"]],
  ["run.googleapis.com/container/cpu/allocation_time", ["ALIGN_SUM", "ALIGN_RATE"]],
  ["run.googleapis.com/container/memory/allocation_time", ["ALIGN_DELTA"]],
  ["run.googleapis.com/container/startup_latencies", ["ALIGN_SUM", "ALIGN_PERCENTILE_50"]],
  ["run.googleapis.com/container/memory/utilizations", ["ALIGN_PERCENTILE_99", "ALIGN_DELTA"]],
  ["run.googleapis.com/container/cpu/utilizations", ["ALIGN_PERCENTILE_99"]],
];

describe("aligned reads grouped in SQL against the per-minute points aligned in JS", () => {
  const hourEnd = Math.ceil((Date.now() + 1) / HOUR) * HOUR;
  const dayEnd = Math.ceil(Date.now() / DAY) * DAY;
  const windows = [
    { label: "two months by day", start: dayEnd - 61 * DAY, end: dayEnd, period: DAY },
    {
      label: "a week as one period, to the current hour's end",
      start: hourEnd - 7 * DAY,
      end: hourEnd,
      period: 7 * DAY,
    },
    { label: "a day by hour", start: hourEnd - DAY, end: hourEnd, period: HOUR },
    {
      label: "start 17 min past an hour, by 3 h",
      start: hourEnd - 3 * DAY + 17 * MINUTE,
      end: hourEnd,
      period: 3 * HOUR,
    },
  ];
  for (const [type, aligners] of METRIC_ALIGNERS) {
    for (const aligner of aligners) {
      it(`${type.split("/").slice(-2).join("/")} ${aligner}`, async () => {
        for (const w of windows) {
          const label = `${type} ${aligner} ${w.label}`;
          expect(sqlAlignmentFits(type, aligner, w.period, w.end), label).toBe(true);
          const [grouped, minutes] = await Promise.all([
            loadAligned(db, PROJECT, type, aligner, w.period, w.start, w.end),
            loadSeries(db, PROJECT, type, w.start - w.period, w.end),
          ]);
          expect(minutes.length, label).toBeGreaterThan(0);
          const aligned = (s: Series[]) => align(s, aligner, w.period, w.start, w.end);
          expectSame(aligned(grouped), aligned(minutes), label);
          if (!aligner.startsWith("ALIGN_PERCENTILE")) {
            const fields = ["resource.labels.service_name", "metric.labels.state"];
            expectSame(
              reduce(aligned(grouped), "REDUCE_SUM", fields),
              reduce(aligned(minutes), "REDUCE_SUM", fields),
              label,
            );
          }
        }
      });
    }
  }

  it("ListTimeSeries' read path answers the cost page's instance read as the minutes do, and falls back to them off the hour", async () => {
    const type = "run.googleapis.com/container/instance_count";
    const filter = parseMetricFilter(`metric.type="${type}" AND resource.labels.service_name="billed-per-instance"`);
    const fields = ["resource.labels.service_name", "metric.labels.state"];
    const cases = [
      { start: hourEnd - DAY, end: hourEnd, period: HOUR, aligner: "ALIGN_MEAN", fits: true },
      { start: hourEnd - DAY, end: hourEnd, period: 90 * MINUTE, aligner: "ALIGN_MEAN", fits: false },
      { start: hourEnd - DAY - 5 * MINUTE, end: hourEnd - 5 * MINUTE, period: HOUR, aligner: "ALIGN_MAX", fits: false },
      { start: hourEnd - DAY, end: hourEnd, period: HOUR, aligner: "ALIGN_COUNT", fits: false },
      { start: hourEnd - DAY, end: hourEnd, period: HOUR, aligner: "ALIGN_NEXT_OLDER", fits: false },
    ];
    for (const c of cases) {
      const label = JSON.stringify(c);
      expect(sqlAlignmentFits(type, c.aligner, c.period, c.end), label).toBe(c.fits);
      const { series } = await querySeries(db, store, PROJECT, filter, c.start, c.end, {
        aligner: c.aligner,
        reducer: "REDUCE_SUM",
        periodMs: c.period,
        groupByFields: fields,
      });
      const minutes = (await loadSeries(db, PROJECT, type, c.start - c.period, c.end)).filter(
        (s) => s.resource.service_name === "billed-per-instance",
      );
      expect(series.length, label).toBe(2);
      expectSame(series, reduce(align(minutes, c.aligner, c.period, c.start, c.end), "REDUCE_SUM", fields), label);
    }
  });
});
