// The emulator's Monitoring with the 7-day synthetic history (issue 13): the
// fleet health read (3 calls × 6 projects, 5-minute window) and month-to-date
// usage for costs (3 calls × 6 projects, by day), through the official client,
// side by side with the paths they replaced, run on the same data:
// - health: the same 5-minute read in SQL with the old predicate
//   (`minute + interval '1 minute'` on the column: sequential scan) against the
//   bare-column predicate the emulator now uses;
// - month: the per-minute rows aggregated in JS (what every month read did)
//   against the hour rollups the emulator now reads.
import { randomBytes } from "node:crypto";
import { startEmulator } from "../emulator";
import { align, reduce } from "../emulator/api/monitoring/aggregate";
import { loadSeries } from "../emulator/api/monitoring/metrics";
import { openDb } from "../emulator/db";
import { throwawayPostgres } from "../emulator/embedded-postgres";
import { backfill } from "../emulator/telemetry/backfill";
import { TelemetryStore } from "../emulator/telemetry/store";
import { observabilityClients } from "../lib/gcp/clients";
import { readMonth, monthWindow } from "../lib/cost/usage";
import { fleetHealth } from "../lib/observability/fleet-health";
import { EMULATOR_DEFAULT_LOCATIONS } from "../lib/services/locations";
import { machine, median, ms } from "./lib";

const PROJECTS = [...new Set(EMULATOR_DEFAULT_LOCATIONS.map((l) => l.project)), "runway-synthetic"];
const USAGE = [
  "run.googleapis.com/container/cpu/allocation_time",
  "run.googleapis.com/container/memory/allocation_time",
  "run.googleapis.com/request_count",
];
const ROUNDS = 7;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

export default async function monitoringRollup() {
  const server = await throwawayPostgres("runway-bench-monitoring");
  const database = `bench_${randomBytes(4).toString("hex")}`;
  await server.ensureDatabase(database);
  const url = server.url(database);
  const emulator = await startEmulator({ databaseUrl: url, grpcPort: 0, routerPort: 0, extraServices: 200 });
  const db = openDb(url);
  try {
    const rows = await backfill(db, new TelemetryStore(db));
    const clients = observabilityClients({ emulatorHost: emulator.endpoint });
    const now = new Date();
    const { start, end } = monthWindow(now);

    const health = await timed(async () => {
      const r = await fleetHealth(PROJECTS, clients, now);
      if (r.failures.length) throw new Error(JSON.stringify(r.failures));
    });
    const nowMs = Math.floor(now.getTime() / 1000) * 1000;
    const healthSql = (predicate: string) =>
      timed(() =>
        Promise.all(
          PROJECTS.flatMap((p) =>
            [0, 1, 2].map(() =>
              db.query(
                `SELECT region, service, revision, minute, response_code, count::text, lat_sum, lat_ssd, lat_min, lat_max, buckets::text[]
                FROM emu_request_minutes WHERE project = $1 AND ${predicate}`,
                [p, nowMs - 600_000, nowMs],
              ),
            ),
          ),
        ),
      );
    const oldPredicate = await healthSql(
      "minute + interval '1 minute' > to_timestamp($2 / 1000.0) AND minute + interval '1 minute' <= to_timestamp($3 / 1000.0)",
    );
    const barePredicate = await healthSql(
      "minute > to_timestamp($2 / 1000.0) - interval '1 minute' AND minute <= to_timestamp($3 / 1000.0) - interval '1 minute'",
    );

    const month = await timed(() => Promise.all(PROJECTS.map((p) => readMonth(clients, p, start, end))));
    const perMinute = await timed(() =>
      Promise.all(
        PROJECTS.flatMap((p) =>
          USAGE.map(async (type) => {
            const series = await loadSeries(db, p, type, (start - 86_400) * 1000, end * 1000);
            return reduce(align(series, "ALIGN_SUM", 86_400_000, start * 1000, end * 1000), "REDUCE_SUM", [
              "resource.labels.service_name",
            ]);
          }),
        ),
      ),
    );
    const { rows: counts } = await db.query(
      `SELECT (SELECT count(*) FROM emu_request_minutes)::int AS minutes, (SELECT count(*) FROM emu_request_hours)::int AS hours`,
    );

    console.log(
      `emulator Monitoring: 208 services, ${rows} synthetic minute rows (${counts[0].minutes} request minutes, ${counts[0].hours} request hours); median of ${ROUNDS}; ${machine()}`,
    );
    console.log("| read | baseline | now | ratio | goal |\n|---|---|---|---|---|");
    console.log(
      `| fleet health, 18 ListTimeSeries (5 min window) | — | ${ms(health)} | — | ≤ 100 ms (issue: 2.1 s before) |`,
    );
    console.log(
      `| its 18 minute reads in SQL: column expression → bare column | ${ms(oldPredicate)} | ${ms(barePredicate)} | ${(oldPredicate / barePredicate).toFixed(1)}× | |`,
    );
    console.log(
      `| month-to-date usage, 18 ListTimeSeries (by day): per-minute rows in JS → hour rollups | ${ms(perMinute)} (in-process, no gRPC) | ${ms(month)} | ${(perMinute / month).toFixed(1)}× | ≤ 300 ms (issue: 5.1 s before) |`,
    );
  } finally {
    await db.end();
    await emulator.stop();
    await server.stop();
  }
}
