// Log search over 1 M stored entries: rows inserted straight into the
// emulator's emu_log_entries (50 services, ~55 h of history, 0.1% mention
// "connection refused"), then each search as the Logs page runs it (the
// portal's listLogs: filter built from the form, ListLogEntries, lines mapped)
// against its baseline in the same run: the same filter string sent straight
// to the emulator with the official client, no portal layer. Newest first,
// page of 200 (the Logs page's), median of 7 runs each after a warm-up, the
// two alternating.
// The emulator runs in this process (the bench needs its database URL to
// insert rows, and measures query time, not load); all on 127.0.0.1.
import { randomBytes } from "node:crypto";
import logging from "@google-cloud/logging";
import { grpc } from "google-gax";
import pg from "pg";
import { startEmulator } from "../emulator/index";
import { observabilityClients } from "../lib/gcp/clients";
import { buildLogFilter, LogQuery } from "../lib/observability/log-query";
import { listLogs } from "../lib/observability/logs";
import { throwawayPostgres } from "../emulator/embedded-postgres";
import { machine, median, ms } from "./lib";

const CHUNK = 100_000;
const RUNS = 7;
// The Logs page's page size (PAGE_SIZE in lib/observability/logs.ts); the run checks both paths return as many lines.
const PAGE = 200;
// Long enough for the portal's project-id rule (6–30 characters).
const PROJECT = "bench-logs";

const INSERT = `
INSERT INTO emu_log_entries (project, service, revision, log_name, severity, ts, insert_id, search, entry)
SELECT '${PROJECT}', svc, svc || '-00001-abc', 'projects/${PROJECT}/logs/run.googleapis.com%2F' || lg, sev, t, lpad(i::text, 12, '0'), lower(msg), jsonb_build_object(
  'logName', 'projects/${PROJECT}/logs/run.googleapis.com%2F' || lg, 'severity', (ARRAY['DEFAULT','INFO','WARNING','ERROR'])[1 + sev / 200 + (sev / 500)],
  'timestamp', to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'insertId', lpad(i::text, 12, '0'),
  'resource', jsonb_build_object('type', 'cloud_run_revision', 'labels', jsonb_build_object('project_id', '${PROJECT}', 'service_name', svc, 'revision_name', svc || '-00001-abc', 'location', 'us-central1', 'configuration_name', svc)),
  'textPayload', msg)
FROM (SELECT i, 'svc-' || (i % 50) AS svc, CASE WHEN i % 3 = 0 THEN 'stderr' ELSE 'stdout' END AS lg,
             CASE WHEN i % 20 = 0 THEN 500 WHEN i % 7 = 0 THEN 400 ELSE 200 END AS sev,
             now() - (i * interval '200 milliseconds') AS t,
             CASE WHEN i % 1000 = 0 THEN 'upstream db: connection refused after ' || (i % 97) || ' ms'
                  ELSE 'GET /items/' || (i % 5000) || ' handled in ' || (i % 300) || ' ms by worker ' || (i % 13) END AS msg
      FROM generate_series($1::int, $2::int) AS i) x`;

export default async function main(args: string[]) {
  const rows = Math.min(2_000_000, Number(args[0] ?? 1_000_000));
  const server = await throwawayPostgres("runway-bench-pg");
  const database = `logsearch_${randomBytes(4).toString("hex")}`;
  await server.ensureDatabase(database);
  const url = server.url(database);
  const emulator = await startEmulator({ databaseUrl: url, grpcPort: 0, routerPort: 0, seed: false });
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const client = new logging.v2.LoggingServiceV2Client({
    apiEndpoint: "127.0.0.1",
    port: emulator.grpcPort,
    sslCreds: grpc.credentials.createInsecure(),
    projectId: PROJECT,
  });
  try {
    let t0 = Date.now();
    // Bulk load without the trigram index, then build it: how a restore would do it.
    await db.query("DROP INDEX IF EXISTS emu_log_entries_search");
    for (let i = 1; i <= rows; i += CHUNK) await db.query(INSERT, [i, Math.min(rows, i + CHUNK - 1)]);
    const loadMs = Date.now() - t0;
    t0 = Date.now();
    let trigram = true;
    await db
      .query("CREATE INDEX emu_log_entries_search ON emu_log_entries USING gin (search gin_trgm_ops)")
      .catch(() => (trigram = false));
    await db.query("ANALYZE emu_log_entries");
    console.log(
      `inserted ${rows} entries in ${(loadMs / 1000).toFixed(1)} s; trigram index ${trigram ? `built in ${((Date.now() - t0) / 1000).toFixed(1)} s` : "unavailable"}`,
    );

    // The Logs page's form for each search, as a custom range (over all the rows, or the last hour).
    const dataFrom = new Date(Date.now() - (rows * 200 + 60_000));
    const lastHour = new Date(Date.now() - 3_600_000);
    const searches: [string, Record<string, string>, Date][] = [
      ["service + severity + text", { service: "svc-0", severity: "ERROR", text: "connection refused" }, dataFrom],
      ["service + severity", { service: "svc-10", severity: "WARNING" }, dataFrom],
      ["text only (project)", { text: "connection refused" }, dataFrom],
      ["service, last hour", { service: "svc-3" }, lastHour],
    ];
    const portal = observabilityClients({ emulatorHost: emulator.endpoint });
    console.log(`log search: ${rows} entries; ${machine()}; emulator in this process`);
    console.log(
      "| search | filter sent | entries | portal (listLogs) median | min | max | baseline: same filter straight to the emulator, median | min | max | portal / baseline |",
    );
    console.log("|---|---|---|---|---|---|---|---|---|---|");
    for (const [name, form, since] of searches) {
      // The portal caches a page for 5 s by its filter: each run moves the range start by 1 ms so none is a cache hit.
      const query = (run: number) =>
        LogQuery.parse({
          project: PROJECT,
          range: "custom",
          from: new Date(since.getTime() - run).toISOString(),
          ...form,
        });
      const direct = (run: number) => ({
        resourceNames: [`projects/${PROJECT}`],
        filter: buildLogFilter(query(run)),
        orderBy: "timestamp desc",
        pageSize: PAGE,
      });
      await listLogs(query(-1), null, portal);
      await client.listLogEntries(direct(-2), { autoPaginate: false, timeout: 120_000 });
      const viaPortal: number[] = [];
      const straight: number[] = [];
      let n = 0;
      for (let r = 0; r < RUNS; r++) {
        let t = performance.now();
        const page = await listLogs(query(2 * r), null, portal);
        viaPortal.push(performance.now() - t);
        t = performance.now();
        const [entries] = await client.listLogEntries(direct(2 * r + 1), { autoPaginate: false, timeout: 120_000 });
        straight.push(performance.now() - t);
        if (page.lines.length !== entries.length)
          throw new Error(`${name}: the portal returned ${page.lines.length} lines, the emulator ${entries.length}`);
        n = entries.length;
      }
      const filter = buildLogFilter(query(0))
        .split("\n")
        .filter((l) => !l.startsWith("resource.type"))
        .join(" ")
        .replace(/timestamp>="[^"]+"/, "timestamp>=…");
      console.log(
        `| ${name} | \`${filter}\` | ${n} | ${ms(median(viaPortal))} | ${ms(Math.min(...viaPortal))} | ${ms(Math.max(...viaPortal))} | ${ms(median(straight))} | ${ms(Math.min(...straight))} | ${ms(Math.max(...straight))} | ${(median(viaPortal) / median(straight)).toFixed(2)}× |`,
      );
    }

    // The worst case, which the Logs page cannot ask for: a field the emulator checks in JS, matching nothing.
    const worst = {
      resourceNames: [`projects/${PROJECT}`],
      filter: 'jsonPayload.user="nobody"',
      orderBy: "timestamp desc",
      pageSize: PAGE,
    };
    await client.listLogEntries(worst, { autoPaginate: false, timeout: 120_000 });
    const times: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const t = performance.now();
      await client.listLogEntries(worst, { autoPaginate: false, timeout: 120_000 });
      times.push(performance.now() - t);
    }
    console.log(
      `straight to the emulator only, JS-evaluated field, no match (scan cap 50 000 rows): \`jsonPayload.user="nobody"\` median ${ms(median(times))} (min ${ms(Math.min(...times))}, max ${ms(Math.max(...times))})`,
    );
  } finally {
    await client.close();
    await db.end();
    await emulator.stop();
    await server.stop();
  }
}
