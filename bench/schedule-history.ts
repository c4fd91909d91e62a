// The history page of one schedule with 30 days of attempts every 5 minutes
// (8,639 attempts, 17,278 execution-log entries): how many Logging calls and
// how much server time its data costs (scheduleDetail: the job, the covered
// fleet for its target, one paged ListLogEntries query, the targets), cold
// (caches empty) and warm (again within the 30 s cache window). Baseline in the
// same run: the same query at the client's default page size (50), which is
// what a reader gets without asking for Google's largest page (1000). Reading
// one entry per attempt would be 8,639 calls.
// The emulator runs in this process (it counts the RPCs it answers); the
// attempts are inserted straight into its log table, exactly as its Scheduler
// writes them (job id in the indexed column).
import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { migrate } from "../scripts/migrate";
import { withCountingEmulator } from "./in-process";
import { machine, median, ms } from "./lib";

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const PROJECT = "ai-usage-analytics-prod";
const LOCATION = "us-central1";
const JOB = "bench-every-5-minutes";
const RUNS = 5;
const EVERY_MS = 5 * 60_000;

// One started and one finished entry per attempt, as emulator/api/scheduler/execution-logs.ts writes them; 1 in 40 fails with a 500.
const INSERT = `
INSERT INTO emu_log_entries (project, service, revision, log_name, severity, ts, insert_id, search, entry)
SELECT '${PROJECT}', '${JOB}', '', 'projects/${PROJECT}/logs/cloudscheduler.googleapis.com%2Fexecutions', sev, t, iid, '', jsonb_strip_nulls(jsonb_build_object(
  'logName', 'projects/${PROJECT}/logs/cloudscheduler.googleapis.com%2Fexecutions', 'severity', CASE WHEN sev = 500 THEN 'ERROR' ELSE 'INFO' END,
  'timestamp', to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'insertId', iid,
  'resource', jsonb_build_object('type', 'cloud_scheduler_job', 'labels', jsonb_build_object('project_id', '${PROJECT}', 'job_id', '${JOB}', 'location', '${LOCATION}')),
  'httpRequest', CASE WHEN kind = 'f' THEN jsonb_build_object('status', CASE WHEN failed THEN 500 ELSE 200 END) END,
  'jsonPayload', jsonb_build_object('@type', 'type.googleapis.com/google.cloud.scheduler.logging.Attempt' || CASE WHEN kind = 's' THEN 'Started' ELSE 'Finished' END,
    'jobName', 'projects/${PROJECT}/locations/${LOCATION}/jobs/${JOB}', 'targetType', 'HTTP', 'url', 'http://pipeline/run-daily-job',
    'scheduledTime', CASE WHEN kind = 's' THEN to_char(sched AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END,
    'status', CASE WHEN kind = 'f' AND failed THEN 'INTERNAL' END)))
FROM (SELECT i, kind, sched, i % 40 = 0 AS failed,
             CASE WHEN kind = 'f' AND i % 40 = 0 THEN 500 ELSE 200 END AS sev,
             sched + interval '1 second' + CASE WHEN kind = 'f' THEN (40 + i % 50) * interval '1 second' ELSE interval '0' END AS t,
             lpad(i::text, 8, '0') || kind AS iid
      FROM generate_series(1, $1::int) AS i, (VALUES ('s'), ('f')) AS k(kind),
           LATERAL (SELECT to_timestamp(floor(extract(epoch FROM now()) / 300) * 300) - i * interval '5 minutes' AS sched) s) x`;

export default async function main() {
  await withCountingEmulator({}, async ({ emulator, server, calls, databaseUrl }) => {
    const portalDb = `portal_${randomBytes(4).toString("hex")}`;
    await server.ensureDatabase(portalDb);
    await migrate(ROOT, server.url(portalDb));
    const sql = new pg.Client({ connectionString: server.url(portalDb) });
    await sql.connect();
    await sql.query("INSERT INTO fleet_locations (project, region, added_by) VALUES ($1, $2, 'bench')", [
      PROJECT,
      LOCATION,
    ]);
    await sql.end();
    Object.assign(process.env, {
      DATABASE_URL: server.url(portalDb),
      AUTH_SECRET: randomBytes(32).toString("hex"),
      GCP_EMULATOR_HOST: emulator.endpoint,
      LOG_LEVEL: "warning",
    });
    // Imported after the environment is set: the portal reads its config once.
    const { db } = await import("../lib/db");
    const { observabilityClients, schedulerClient } = await import("../lib/gcp/clients");
    const { listLocations } = await import("../lib/services/locations");
    const { invalidateFleet } = await import("../lib/services/read");
    const { executionLogFilter, invalidateHistory, invalidateSchedules, scheduleDetail, scheduleName } =
      await import("../lib/schedules");

    const ref = { project: PROJECT, location: LOCATION, job: JOB };
    const scheduler = schedulerClient();
    await scheduler.createJob({
      parent: `projects/${PROJECT}/locations/${LOCATION}`,
      job: {
        name: scheduleName(ref),
        schedule: "*/5 * * * *",
        timeZone: "UTC",
        httpTarget: {
          uri: "http://ai-usage-analytics-pipeline.us-central1.localhost/run-daily-job",
          httpMethod: "POST",
        },
      },
    });
    // Paused: the history stays exactly the inserted one while the bench reads it.
    await scheduler.pauseJob({ name: scheduleName(ref) });
    const attempts = Math.floor((30 * 86_400_000) / EVERY_MS) - 1;
    const t0 = Date.now();
    const pgEmu = new pg.Client({ connectionString: databaseUrl });
    await pgEmu.connect();
    await pgEmu.query(INSERT, [attempts]);
    await pgEmu.query("ANALYZE emu_log_entries");
    await pgEmu.end();
    console.log(
      `inserted ${attempts} attempts (${attempts * 2} entries) in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );

    const logging = observabilityClients().logging;
    const list = logging.listLogEntries.bind(logging);
    const logCalls = { n: 0 };
    logging.listLogEntries = ((...a: Parameters<typeof list>) => (
      logCalls.n++,
      list(...a)
    )) as typeof logging.listLogEntries;
    const locations = await listLocations(db());

    async function measure(cold: boolean) {
      const times: number[] = [];
      let last = { logging: 0, rpcs: 0, attempts: 0, rate: 0 };
      for (let i = 0; i < RUNS; i++) {
        if (cold) {
          invalidateHistory();
          invalidateSchedules();
          invalidateFleet();
        }
        const [l0, r0, start] = [logCalls.n, calls.n, performance.now()];
        const d = await scheduleDetail(db(), ref, locations);
        times.push(performance.now() - start);
        last = {
          logging: logCalls.n - l0,
          rpcs: calls.n - r0,
          attempts: d.schedule.history?.attempts.length ?? 0,
          rate: d.schedule.history?.successRate ?? 0,
        };
      }
      return { time: median(times), min: Math.min(...times), max: Math.max(...times), ...last };
    }
    await measure(true); // warm-up (JIT, connections)
    const cold = await measure(true);
    const warm = await measure(false);

    // Baseline: the same query, the client's default page size.
    const filter = executionLogFilter([PROJECT], new Date(Date.now() - 30 * 86_400_000), ref);
    const baseTimes: number[] = [];
    let baseCalls = 0;
    for (let i = 0; i < 3; i++) {
      const l0 = logCalls.n;
      const start = performance.now();
      let pageToken = "";
      do {
        const [, , response] = await logging.listLogEntries(
          { resourceNames: [`projects/${PROJECT}`], filter, orderBy: "timestamp asc", pageToken },
          { autoPaginate: false },
        );
        pageToken = response?.nextPageToken ?? "";
      } while (pageToken);
      baseTimes.push(performance.now() - start);
      baseCalls = logCalls.n - l0;
    }
    const base = median(baseTimes);

    console.log(
      `schedule history: ${attempts} attempts every 5 min over 30 days; ${machine()}; emulator in this process; median of ${RUNS} (baseline: 3)`,
    );
    console.log(
      "| read | ListLogEntries calls | all Google RPCs | attempts shown in the summary | success rate | time median | min | max |",
    );
    console.log("|---|---|---|---|---|---|---|---|");
    console.log(
      `| history page data, cold | ${cold.logging} | ${cold.rpcs} | ${cold.attempts} | ${(cold.rate * 100).toFixed(1)} % | ${ms(cold.time)} | ${ms(cold.min)} | ${ms(cold.max)} |`,
    );
    console.log(
      `| history page data, warm (within 30 s) | ${warm.logging} | ${warm.rpcs} | ${warm.attempts} | ${(warm.rate * 100).toFixed(1)} % | ${ms(warm.time)} | ${ms(warm.min)} | ${ms(warm.max)} |`,
    );
    console.log(
      `| baseline: same query at the default page size (50), reading only | ${baseCalls} | ${baseCalls} | — | — | ${ms(base)} | ${ms(Math.min(...baseTimes))} | ${ms(Math.max(...baseTimes))} |`,
    );
    console.log(
      `| ratio baseline / cold | ${(baseCalls / cold.logging).toFixed(1)}× | | | | ${(base / cold.time).toFixed(1)}× | | |`,
    );
    await db().$disconnect();
  });
}
