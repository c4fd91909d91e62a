// ai-usage-analytics-pipeline: pulls AI tool usage into BigQuery on a schedule
// (Cloud Scheduler calls POST /run-daily-job, daily at 6 AM Pacific) and
// serves daily reports.
//
// POST /run-daily-job does real, small work: it generates the day's usage
// records (DAILY_JOB_RECORDS, default 300000, or ?records=) and aggregates
// them per tool and user in batches, so a run takes measurable time. Knobs:
//   ?fail=1 (or body {"fail": true})  fail this run with a 500 after the work
//   ?minDurationMs=N                  take at least N ms (a slow run, for deadlines)
//   DAILY_JOB_FAIL_FIRST=N            the first N runs of this instance fail
//   DAILY_JOB_FAIL_RATE=0.2           each run fails with this probability
import { createHash } from "node:crypto";
import { log, runContainer } from "./lib/container.mjs";

const dataset = process.env.BIGQUERY_DATASET ?? "ai_usage_analytics";
const num = (v, d) => (v === undefined || v === null || v === "" || Number.isNaN(Number(v)) ? d : Number(v));
const TOOLS = ["cursor", "claude-code", "copilot", "chatgpt", "gemini"];
let runs = 0;
let lastSuccess = null;

/** Deterministic per day: the same day yields the same records. */
function random(seed) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

async function aggregate(day, records) {
  const rand = random([...day].reduce((h, c) => h * 31 + c.charCodeAt(0), 7));
  const perTool = Object.fromEntries(TOOLS.map((t) => [t, { requests: 0, tokens: 0, users: new Set() }]));
  const digest = createHash("sha256");
  for (let done = 0; done < records;) {
    const batch = Math.min(2000, records - done);
    for (let i = 0; i < batch; i++) {
      const tool = TOOLS[Math.floor(rand() * TOOLS.length)];
      const user = `user-${Math.floor(rand() * 250)}`;
      const tokens = 200 + Math.floor(rand() * 8000);
      const row = perTool[tool];
      row.requests++;
      row.tokens += tokens;
      row.users.add(user);
      digest.update(`${day}|${tool}|${user}|${tokens}\n`);
    }
    done += batch;
    // Yield between batches, as a real pipeline waits on I/O.
    await new Promise((r) => setImmediate(r));
  }
  return {
    checksum: digest.digest("hex").slice(0, 16),
    tools: Object.fromEntries(
      Object.entries(perTool).map(([t, v]) => [t, { requests: v.requests, tokens: v.tokens, users: v.users.size }]),
    ),
  };
}

function shouldFail(query, body) {
  if (["1", "true", "yes"].includes((query.get("fail") ?? "").toLowerCase()) || body?.fail === true)
    return "requested by the caller";
  if (runs <= num(process.env.DAILY_JOB_FAIL_FIRST, 0))
    return `DAILY_JOB_FAIL_FIRST=${process.env.DAILY_JOB_FAIL_FIRST}`;
  if (Math.random() < num(process.env.DAILY_JOB_FAIL_RATE, 0))
    return `DAILY_JOB_FAIL_RATE=${process.env.DAILY_JOB_FAIL_RATE}`;
  return null;
}

async function runDailyJob({ query, body, req }) {
  runs++;
  const run = runs;
  const started = Date.now();
  const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const records = Math.max(
    1,
    Math.min(2_000_000, num(query.get("records"), num(process.env.DAILY_JOB_RECORDS, 300_000))),
  );
  const scheduledFor = req.headers["x-cloudscheduler-scheduletime"] ?? null;
  log("INFO", "daily job started", { run, day, records, dataset, scheduledFor });
  const result = await aggregate(day, records);
  const minDuration = Math.min(1_800_000, num(query.get("minDurationMs"), 0));
  const left = minDuration - (Date.now() - started);
  if (left > 0) await new Promise((r) => setTimeout(r, left));
  const durationMs = Date.now() - started;
  const failure = shouldFail(query, body && typeof body === "object" ? body : null);
  if (failure) {
    log("ERROR", "daily job failed: BigQuery load job rejected the batch", { run, day, durationMs, reason: failure });
    return { status: 500, body: { error: "daily job failed", run, day, durationMs, reason: failure } };
  }
  lastSuccess = new Date().toISOString();
  log("INFO", "daily job finished", { run, day, rows: records, durationMs, checksum: result.checksum });
  return { run, day, rows: records, durationMs, dataset, ...result };
}

runContainer({
  routes: {
    "GET /": () => ({ name: "ai-usage-analytics-pipeline", dataset, runs, lastSuccess }),
    "POST /run-daily-job": runDailyJob,
    // The older path, kept for callers of the first version.
    "POST /run": runDailyJob,
    "GET /reports/daily": () => ({
      dataset,
      day: new Date().toISOString().slice(0, 10),
      tokens: 1_000_000 + Math.floor(Math.random() * 100_000),
    }),
  },
});
