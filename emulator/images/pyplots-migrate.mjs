// pyplots-migrate: the pyplots database migrations as a Cloud Run job. Each
// task applies its share of the migrations (migration i goes to task
// i % CLOUD_RUN_TASK_COUNT), doing real small work per migration (building
// and checksumming the rows it would rewrite), logs as JSON, and exits 0 when
// its share is applied. Knobs (env, or args --name=value):
//   FAIL_TASK_INDEX=1  that task fails (exit 1) part-way...
//   FAIL_TIMES=1       ...on its first N attempts (CLOUD_RUN_TASK_ATTEMPT < N), so a retry succeeds
//   STEP_MS=200        each migration takes at least this long (default 150)
//   ROWS=20000         rows each migration rewrites (default 20000)
//   TARGET=0012        stop after this migration
import { createHash } from "node:crypto";

const env = process.env;
const fromArgs = Object.fromEntries(
  process.argv
    .slice(2)
    .flatMap((a) =>
      /^--([^=]+)=(.*)$/.exec(a)
        ? [[/^--([^=]+)=/.exec(a)[1].toUpperCase().replace(/-/g, "_"), a.slice(a.indexOf("=") + 1)]]
        : [],
    ),
);
const setting = (k, d) => fromArgs[k] ?? env[k] ?? d;
const num = (v, d) => (v === undefined || v === "" || Number.isNaN(Number(v)) ? d : Number(v));

const index = num(env.CLOUD_RUN_TASK_INDEX, 0);
const count = Math.max(1, num(env.CLOUD_RUN_TASK_COUNT, 1));
const attempt = num(env.CLOUD_RUN_TASK_ATTEMPT, 0);
const execution = env.CLOUD_RUN_EXECUTION ?? "local";
const failIndex = setting("FAIL_TASK_INDEX", "");
const failTimes = num(setting("FAIL_TIMES", 1), 1);
const stepMs = num(setting("STEP_MS", 150), 150);
const rows = num(setting("ROWS", 20000), 20000);
const target = setting("TARGET", "");

const MIGRATIONS = [
  "0001_create_plots",
  "0002_add_library_column",
  "0003_backfill_library",
  "0004_create_specs",
  "0005_index_specs_by_tag",
  "0006_add_quality_scores",
  "0007_create_votes",
  "0008_backfill_thumbnails",
  "0009_drop_legacy_images",
  "0010_add_spec_versions",
  "0011_partition_votes",
  "0012_add_search_vectors",
].filter((m) => !target || m.slice(0, 4) <= target);

const log = (severity, message, fields = {}) => {
  const line = JSON.stringify({ severity, message, execution, task: index, attempt, ...fields });
  (severity === "ERROR" ? process.stderr : process.stdout).write(line + "\n");
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Exit with the emulator that started us, and stop cleanly on SIGTERM (cancel, timeout).
const parent = process.ppid;
setInterval(() => process.ppid !== parent && process.exit(0), 1000).unref();
process.on("SIGTERM", () => {
  log("WARNING", "received SIGTERM; stopping between statements");
  process.exit(143);
});

async function apply(name) {
  const started = Date.now();
  const digest = createHash("sha256");
  for (let done = 0; done < rows; done += 5000) {
    for (let i = done; i < Math.min(rows, done + 5000); i++)
      digest.update(`${name}:${i}:${(i * 2654435761) % 4294967296}`);
    await new Promise((r) => setImmediate(r));
  }
  const left = stepMs - (Date.now() - started);
  if (left > 0) await sleep(left);
  return { checksum: digest.digest("hex").slice(0, 12), ms: Date.now() - started };
}

const mine = MIGRATIONS.filter((_, i) => i % count === index);
log("INFO", `task ${index}/${count} applying ${mine.length} migration(s)`, { migrations: mine });
const shouldFail = failIndex !== "" && Number(failIndex) === index && attempt < failTimes;
for (const [i, name] of mine.entries()) {
  if (shouldFail && i === Math.floor(mine.length / 2)) {
    log(
      "ERROR",
      `migration ${name} failed: deadlock detected while rewriting rows (FAIL_TASK_INDEX=${failIndex}, attempt ${attempt})`,
    );
    process.exit(1);
  }
  const r = await apply(name);
  log("INFO", `applied ${name}`, { rows, ...r });
}
log("INFO", `task ${index} done`, { applied: mine.length });
process.exit(0);
