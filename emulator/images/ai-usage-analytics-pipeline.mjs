// ai-usage-analytics-pipeline: pulls AI tool usage into BigQuery on a schedule
// (Cloud Scheduler calls POST /run) and serves daily reports.
import { log, runContainer } from "./lib/container.mjs";

const dataset = process.env.BIGQUERY_DATASET ?? "ai_usage_analytics";
let runs = 0;

runContainer({
  routes: {
    "GET /": () => ({ name: "ai-usage-analytics-pipeline", dataset, runs }),
    "POST /run": async () => {
      runs++;
      const sources = { cursor: Boolean(process.env.CURSOR_API_KEY), anthropic: Boolean(process.env.ANTHROPIC_API_KEY) };
      log("INFO", "pipeline run started", { run: runs, dataset });
      for (const [source, ok] of Object.entries(sources)) {
        if (!ok) log("WARNING", `no API key for ${source}; skipping`, { run: runs });
        else log("DEBUG", `fetched usage from ${source}`, { run: runs });
      }
      const rows = 100 + Math.floor(Math.random() * 900);
      log("INFO", "pipeline run finished", { run: runs, rows });
      return { run: runs, rows, dataset };
    },
    "GET /reports/daily": () => ({
      dataset,
      day: new Date().toISOString().slice(0, 10),
      tokens: 1_000_000 + Math.floor(Math.random() * 100_000),
    }),
  },
});
