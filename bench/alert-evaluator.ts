// The alert evaluator's cost (issue 12): CPU time of this process for one
// evaluation round of 100 alert policies on the synthetic fleet (a third each:
// 5xx share as a ratio of two reads, p99 latency, absence of requests), with a
// day of per-minute synthetic history behind them. The emulator runs in the
// bench's process; PostgreSQL's own CPU is not counted. Baseline in the same
// run: the same metric reads alone (querySeries per filter and window, no
// verdicts, no incident bookkeeping), i.e. what evaluating costs above reading.
import { randomBytes } from "node:crypto";
import monitoring from "@google-cloud/monitoring";
import { grpc } from "google-gax";
import { startEmulator } from "../emulator";
import { parseMetricFilter } from "../emulator/api/monitoring/filter";
import { querySeries } from "../emulator/api/monitoring/query";
import { openDb } from "../emulator/db";
import { throwawayPostgres } from "../emulator/embedded-postgres";
import { backfill } from "../emulator/telemetry/backfill";
import { TelemetryStore } from "../emulator/telemetry/store";
import { machine, median, ms } from "./lib";

const PROJECT = "runway-synthetic";
const POLICIES = 100;
const ROUNDS = 5;
const MIN = 60_000;

type Read = { filter: string; aligner?: string; reducer?: string; fromMs: (end: number) => number };

function policyFor(i: number): { alertPolicy: Record<string, unknown>; reads: Read[] } {
  const service = `synthetic-${String(i + 1).padStart(4, "0")}`;
  const req = `metric.type = "run.googleapis.com/request_count" AND resource.labels.service_name = "${service}"`;
  const agg = (aligner: string, reducer: string) => [
    {
      alignmentPeriod: { seconds: 60 },
      perSeriesAligner: aligner,
      crossSeriesReducer: reducer,
      groupByFields: ["resource.labels.service_name"],
    },
  ];
  const window = (durationMs: number) => (end: number) => end - Math.max(durationMs, MIN) - MIN;
  if (i % 3 === 0) {
    return {
      alertPolicy: {
        displayName: `${service} 5xx share`,
        conditions: [
          {
            displayName: "5xx share above 5%",
            conditionThreshold: {
              filter: `${req} AND metric.labels.response_code_class = "5xx"`,
              aggregations: agg("ALIGN_RATE", "REDUCE_SUM"),
              denominatorFilter: req,
              denominatorAggregations: agg("ALIGN_RATE", "REDUCE_SUM"),
              comparison: "COMPARISON_GT",
              thresholdValue: 0.05,
              duration: { seconds: 300 },
            },
          },
        ],
      },
      reads: [
        {
          filter: `${req} AND metric.labels.response_code_class = "5xx"`,
          aligner: "ALIGN_RATE",
          reducer: "REDUCE_SUM",
          fromMs: window(300_000),
        },
        { filter: req, aligner: "ALIGN_RATE", reducer: "REDUCE_SUM", fromMs: window(300_000) },
      ],
    };
  }
  if (i % 3 === 1) {
    const lat = `metric.type = "run.googleapis.com/request_latencies" AND resource.labels.service_name = "${service}"`;
    return {
      alertPolicy: {
        displayName: `${service} p99`,
        conditions: [
          {
            displayName: "p99 above 5 s",
            conditionThreshold: {
              filter: lat,
              aggregations: agg("ALIGN_DELTA", "REDUCE_PERCENTILE_99"),
              comparison: "COMPARISON_GT",
              thresholdValue: 5000,
              duration: { seconds: 300 },
            },
          },
        ],
      },
      reads: [{ filter: lat, aligner: "ALIGN_DELTA", reducer: "REDUCE_PERCENTILE_99", fromMs: window(300_000) }],
    };
  }
  return {
    alertPolicy: {
      displayName: `${service} silent`,
      conditions: [
        { displayName: "no requests for 10 min", conditionAbsent: { filter: req, duration: { seconds: 600 } } },
      ],
    },
    reads: [{ filter: req, fromMs: (end) => end - 600_000 - 3600_000 }],
  };
}

export default async function alertEvaluator() {
  const server = await throwawayPostgres("runway-bench-alerts");
  const database = `bench_${randomBytes(4).toString("hex")}`;
  await server.ensureDatabase(database);
  const url = server.url(database);
  const emulator = await startEmulator({
    databaseUrl: url,
    grpcPort: 0,
    routerPort: 0,
    seed: false,
    extraServices: 200,
    alerting: { evaluationPeriodMs: 3600_000 },
  });
  const db = openDb(url);
  const telemetry = new TelemetryStore(db);
  const client = new monitoring.AlertPolicyServiceClient({
    apiEndpoint: "127.0.0.1",
    port: emulator.grpcPort,
    sslCreds: grpc.credentials.createInsecure(),
    projectId: PROJECT,
  });
  try {
    const rows = await backfill(db, telemetry);
    const plans = Array.from({ length: POLICIES }, (_, i) => policyFor(i));
    for (const p of plans)
      await client.createAlertPolicy({ name: `projects/${PROJECT}`, alertPolicy: p.alertPolicy }, { timeout: 20_000 });

    const measure = async (fn: () => Promise<unknown>) => {
      await fn(); // warm-up
      const cpu: number[] = [];
      const wall: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        await fn();
        wall.push(performance.now() - t0);
        const c = process.cpuUsage(c0);
        cpu.push((c.user + c.system) / 1000);
      }
      return { cpu: median(cpu), wall: median(wall) };
    };
    const evaluate = await measure(() => emulator.evaluateAlerts());
    const reads = await measure(async () => {
      const end = Math.ceil(Date.now() / MIN) * MIN;
      for (const p of plans) {
        for (const r of p.reads)
          await querySeries(db, telemetry, PROJECT, parseMetricFilter(r.filter), r.fromMs(end), end, {
            aligner: r.aligner,
            reducer: r.reducer,
            periodMs: MIN,
            groupByFields: ["resource.labels.service_name"],
          });
      }
    });
    const { rows: incidents } = await db.query("SELECT count(*)::int AS n FROM emu_alert_incidents");
    const per100 = (v: number) => (v * 100) / POLICIES;
    console.log(
      `alert evaluator: ${POLICIES} policies in ${PROJECT} over 200 synthetic services, ${rows} synthetic minute rows (the first 50 services have history), ${incidents[0].n} incidents open; median of ${ROUNDS}; ${machine()}`,
    );
    console.log(
      "| per 100 policies | baseline: the reads alone | one evaluation round | overhead |\n|---|---|---|---|",
    );
    console.log(
      `| CPU time (this process) | ${ms(per100(reads.cpu))} | ${ms(per100(evaluate.cpu))} | ${ms(per100(evaluate.cpu - reads.cpu))} |`,
    );
    console.log(
      `| wall time | ${ms(per100(reads.wall))} | ${ms(per100(evaluate.wall))} | ${ms(per100(evaluate.wall - reads.wall))} |`,
    );
    console.log(
      `evaluation period 30 s → CPU share of one core for 100 policies: ${((per100(evaluate.cpu) / 30_000) * 100).toFixed(2)} %`,
    );
  } finally {
    await client.close();
    await db.end();
    await emulator.stop();
    await server.stop();
  }
}
