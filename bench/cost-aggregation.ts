// The emulator's Monitoring aggregation for the cost page's 8 ListTimeSeries
// per project (lib/cost/history.ts: 4 usage reads, two months by day and
// revision; 4 signals: utilization p99 and latency over the week, instances
// per state per hour over a day), on project runway-synthetic (200 services)
// with two months of synthetic history for 250 services (issue 15's goal:
// ≤ 300 ms for the set). Side by side in this process, alternating, median
// of the rounds: the old path (minutes or hour rows loaded and aligned in JS,
// what querySeries did before the SQL grouping and day rollups) against
// querySeries now, and now through gRPC with the official client.
// `npm run bench -- cost-aggregation [data dir]`: with a data dir the
// database is kept there between runs (history written once).
import { randomBytes } from "node:crypto";
import type { protos } from "@google-cloud/monitoring";
import { startEmulator } from "../emulator";
import { align, reduce } from "../emulator/api/monitoring/aggregate";
import { parseMetricFilter } from "../emulator/api/monitoring/filter";
import { hourRollupFits, loadSeries } from "../emulator/api/monitoring/metrics";
import { querySeries } from "../emulator/api/monitoring/query";
import { openDb, type Db } from "../emulator/db";
import { startEmbeddedPostgres, throwawayPostgres } from "../emulator/embedded-postgres";
import { freePort } from "../emulator/runtime/ports";
import { backfill } from "../emulator/telemetry/backfill";
import { TelemetryStore } from "../emulator/telemetry/store";
import { observabilityClients } from "../lib/gcp/clients";
import { historyWindow } from "../lib/cost/history";
import { machine, median, ms } from "./lib";

const DAY = 86_400;
const BY_REVISION = ["resource.labels.service_name", "resource.labels.revision_name"];
type Call = {
  label: string;
  type: string;
  start: number;
  end: number;
  period: number;
  aligner: string;
  reducer: string;
  fields: string[];
};

/** The cost page's reads of one project at `now` (seconds), as lib/cost/history.ts makes them. */
export function costPageCalls(now: Date): Call[] {
  const { start, end } = historyWindow(now);
  const hourEnd = Math.ceil(now.getTime() / 1000 / 3600) * 3600;
  const usage = (label: string, type: string): Call => ({
    label: `usage: ${label}, 2 months by revision and day`,
    type,
    start,
    end,
    period: DAY,
    aligner: "ALIGN_SUM",
    reducer: "REDUCE_SUM",
    fields: BY_REVISION,
  });
  const week = (label: string, type: string, aligner: string, reducer: string): Call => ({
    label: `signals: ${label}, 7 days by revision`,
    type,
    start: hourEnd - 7 * DAY,
    end: hourEnd,
    period: 7 * DAY,
    aligner,
    reducer,
    fields: BY_REVISION,
  });
  return [
    usage("CPU allocation", "run.googleapis.com/container/cpu/allocation_time"),
    usage("memory allocation", "run.googleapis.com/container/memory/allocation_time"),
    usage("requests", "run.googleapis.com/request_count"),
    usage("billable instance time", "run.googleapis.com/container/billable_instance_time"),
    week(
      "memory utilization p99",
      "run.googleapis.com/container/memory/utilizations",
      "ALIGN_PERCENTILE_99",
      "REDUCE_MAX",
    ),
    week("CPU utilization p99", "run.googleapis.com/container/cpu/utilizations", "ALIGN_PERCENTILE_99", "REDUCE_MAX"),
    week("latency distribution", "run.googleapis.com/request_latencies", "ALIGN_DELTA", "REDUCE_SUM"),
    {
      label: "signals: instances by state, last day by hour",
      type: "run.googleapis.com/container/instance_count",
      start: hourEnd - DAY,
      end: hourEnd,
      period: 3600,
      aligner: "ALIGN_MEAN",
      reducer: "REDUCE_SUM",
      fields: ["resource.labels.service_name", "metric.labels.state"],
    },
  ];
}

async function time(fn: () => Promise<number>): Promise<{ ms: number; series: number }> {
  const t0 = performance.now();
  const series = await fn();
  return { ms: performance.now() - t0, series };
}

/** Prints per call: old path, now in-process, now through gRPC, ratio; and the totals against the goal. */
export async function measureCostAggregation(
  db: Db,
  emulatorEndpoint: string,
  project: string,
  now: Date,
  rounds = 3,
): Promise<void> {
  const store = new TelemetryStore(db);
  const metrics = observabilityClients({ emulatorHost: emulatorEndpoint }).metrics;
  const calls = costPageCalls(now);
  const oldPath = (c: Call) =>
    time(async () => {
      const series = await loadSeries(
        db,
        project,
        c.type,
        (c.start - c.period) * 1000,
        c.end * 1000,
        hourRollupFits(c.type, c.aligner, c.period * 1000, c.end * 1000),
      );
      return reduce(
        align(series, c.aligner, c.period * 1000, c.start * 1000, c.end * 1000),
        c.reducer,
        c.fields,
      ).filter((s) => s.points.length).length;
    });
  const newPath = (c: Call) =>
    time(
      async () =>
        (
          await querySeries(
            db,
            store,
            project,
            parseMetricFilter(`metric.type="${c.type}"`),
            c.start * 1000,
            c.end * 1000,
            { aligner: c.aligner, reducer: c.reducer, periodMs: c.period * 1000, groupByFields: c.fields },
          )
        ).series.length,
    );
  const grpc = (c: Call) =>
    time(async () => {
      const request: protos.google.monitoring.v3.IListTimeSeriesRequest = {
        name: `projects/${project}`,
        view: "FULL",
        filter: `metric.type="${c.type}"`,
        interval: { startTime: { seconds: c.start }, endTime: { seconds: c.end } },
        aggregation: {
          alignmentPeriod: { seconds: c.period },
          perSeriesAligner: c.aligner as never,
          crossSeriesReducer: c.reducer as never,
          groupByFields: c.fields,
        },
      };
      const [series] = await metrics.listTimeSeries(request, { timeout: 600_000, retry: null, autoPaginate: true });
      return (series as unknown[]).length;
    });
  const results = calls.map(() => ({ old: [] as number[], now: [] as number[], grpc: [] as number[], series: [0, 0] }));
  for (let round = 0; round < rounds; round++) {
    for (const [i, c] of calls.entries()) {
      // Alternate which side runs first.
      let before, after;
      if (round % 2) {
        after = await newPath(c);
        before = await oldPath(c);
      } else {
        before = await oldPath(c);
        after = await newPath(c);
      }
      const g = await grpc(c);
      results[i].now.push(after.ms);
      results[i].old.push(before.ms);
      results[i].grpc.push(g.ms);
      results[i].series = [before.series, after.series];
      if (after.series !== before.series || g.series !== after.series)
        throw new Error(`${c.label}: ${before.series} series before, ${after.series} now, ${g.series} through gRPC`);
    }
  }
  console.log(
    `\n| emulator aggregation, ${project}, median of ${rounds} (sides alternated) | series | old path: rows aligned in JS | now, in-process | ratio | now, through gRPC |\n|---|---|---|---|---|---|`,
  );
  const total = { old: 0, now: 0, grpc: 0 };
  calls.forEach((c, i) => {
    const r = { old: median(results[i].old), now: median(results[i].now), grpc: median(results[i].grpc) };
    total.old += r.old;
    total.now += r.now;
    total.grpc += r.grpc;
    console.log(
      `| ${c.label} | ${results[i].series[1]} | ${ms(r.old)} | ${ms(r.now)} | ${(r.old / r.now).toFixed(1)}× | ${ms(r.grpc)} |`,
    );
  });
  console.log(
    `| **the 8 calls, one after another** (goal ≤ 300 ms) | | ${ms(total.old)} | ${ms(total.now)} | ${(total.old / total.now).toFixed(1)}× | ${ms(total.grpc)} |`,
  );
}

export default async function costAggregation(args: string[]) {
  const dataDir = args[0];
  const server = dataDir
    ? await startEmbeddedPostgres({ dataDir, port: await freePort() })
    : await throwawayPostgres("runway-bench-cost");
  const database = dataDir ? "cost_aggregation" : `bench_${randomBytes(4).toString("hex")}`;
  await server.ensureDatabase(database);
  const url = server.url(database);
  const emulator = await startEmulator({ databaseUrl: url, grpcPort: 0, routerPort: 0, extraServices: 200 });
  const db = openDb(url);
  try {
    const t0 = performance.now();
    const rows = await backfill(db, new TelemetryStore(db), Date.now(), 250);
    const { rows: counts } =
      await db.query(`SELECT (SELECT count(*) FROM emu_request_minutes)::int AS minutes, (SELECT count(*) FROM emu_request_hours)::int AS hours,
      (SELECT count(*) FROM emu_request_days)::int AS days, (SELECT count(*) FROM emu_instance_minutes)::int AS instance_minutes`);
    const c = counts[0];
    console.log(
      `cost page aggregation: 208 services, two months of synthetic history for all (${rows ? `${rows} rows written in ${ms(performance.now() - t0)}` : "written by an earlier run"}): ` +
        `${c.minutes} request minutes, ${c.hours} request hours, ${c.days} request days, ${c.instance_minutes} instance minutes; ${machine()}`,
    );
    await measureCostAggregation(db, emulator.endpoint, "runway-synthetic", new Date());
  } finally {
    await db.end();
    await emulator.stop();
    await server.stop();
  }
}
