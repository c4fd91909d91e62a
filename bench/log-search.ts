// Log search over 1 M stored entries: rows inserted straight into the
// emulator's emu_log_entries (50 services, ~55 h of history, 0.1% mention
// "connection refused"), then ListLogEntries through the official client,
// newest first, page of 50, median of 7 runs after a warm-up. The emulator
// runs in this process (the bench needs its database URL to insert rows,
// and measures query time, not load); everything stays on 127.0.0.1.
import { randomBytes } from "node:crypto";
import logging from "@google-cloud/logging";
import { grpc } from "google-gax";
import pg from "pg";
import { startEmulator } from "../emulator/index";
import { throwawayPostgres } from "../emulator/embedded-postgres";
import { median, ms } from "./lib";

const CHUNK = 100_000;
const RUNS = 7;

const INSERT = `
INSERT INTO emu_log_entries (project, service, revision, log_name, severity, ts, insert_id, search, entry)
SELECT 'bench', svc, svc || '-00001-abc', 'projects/bench/logs/run.googleapis.com%2F' || lg, sev, t, lpad(i::text, 12, '0'), lower(msg), jsonb_build_object(
  'logName', 'projects/bench/logs/run.googleapis.com%2F' || lg, 'severity', (ARRAY['DEFAULT','INFO','WARNING','ERROR'])[1 + sev / 200 + (sev / 500)],
  'timestamp', to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'insertId', lpad(i::text, 12, '0'),
  'resource', jsonb_build_object('type', 'cloud_run_revision', 'labels', jsonb_build_object('project_id', 'bench', 'service_name', svc, 'revision_name', svc || '-00001-abc', 'location', 'us-central1', 'configuration_name', svc)),
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
  const client = new logging.v2.LoggingServiceV2Client({ apiEndpoint: "127.0.0.1", port: emulator.grpcPort, sslCreds: grpc.credentials.createInsecure(), projectId: "bench" });
  try {
    let t0 = Date.now();
    // Bulk load without the trigram index, then build it: how a restore would do it.
    await db.query("DROP INDEX IF EXISTS emu_log_entries_search");
    for (let i = 1; i <= rows; i += CHUNK) await db.query(INSERT, [i, Math.min(rows, i + CHUNK - 1)]);
    const loadMs = Date.now() - t0;
    t0 = Date.now();
    let trigram = true;
    await db.query("CREATE INDEX emu_log_entries_search ON emu_log_entries USING gin (search gin_trgm_ops)").catch(() => (trigram = false));
    await db.query("ANALYZE emu_log_entries");
    console.log(`inserted ${rows} entries in ${(loadMs / 1000).toFixed(1)} s; trigram index ${trigram ? `built in ${((Date.now() - t0) / 1000).toFixed(1)} s` : "unavailable"}`);

    const queries: [string, string][] = [
      ["service + severity + text", 'resource.labels.service_name="svc-0" severity>=ERROR "connection refused"'],
      ["service + severity", 'resource.labels.service_name="svc-10" severity>=WARNING'],
      ["text only (fleet)", '"connection refused"'],
      ["JS-only field, no match (scan cap: 50 000 rows)", 'jsonPayload.user="nobody"'],
      ["service, last hour", `resource.labels.service_name="svc-3" timestamp>="${new Date(Date.now() - 3_600_000).toISOString()}"`],
    ];
    console.log("| query | entries returned | median | min | max |\n|---|---|---|---|---|");
    for (const [name, filter] of queries) {
      const req = { resourceNames: ["projects/bench"], filter, orderBy: "timestamp desc", pageSize: 50 };
      await client.listLogEntries(req, { autoPaginate: false, timeout: 120_000 });
      const times: number[] = [];
      let n = 0;
      for (let r = 0; r < RUNS; r++) {
        const s = performance.now();
        const [entries] = await client.listLogEntries(req, { autoPaginate: false, timeout: 120_000 });
        times.push(performance.now() - s);
        n = entries.length;
      }
      console.log(`| ${name} | ${n} | ${ms(median(times))} | ${ms(Math.min(...times))} | ${ms(Math.max(...times))} |`);
    }
  } finally {
    await client.close();
    await db.end();
    await emulator.stop();
    await server.stop();
  }
}
