// `npm run emulator`: the emulator on its own. Prints one JSON "emulator
// ready" line when serving; SIGINT/SIGTERM stop it and every instance it ran.
// Environment: see emulator/README.md.
import path from "node:path";
import { startEmbeddedPostgres, type EmbeddedServer } from "./embedded-postgres";
import { freePort } from "./runtime/ports";
import { startEmulator, type Emulator } from "./index";
import { parseSeverity } from "./log";

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

const line = (severity: string, message: string, fields: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ severity, message, ...fields }));

async function main() {
  let pg: EmbeddedServer | undefined;
  let databaseUrl = process.env.EMULATOR_DATABASE_URL;
  if (!databaseUrl) {
    // Standalone: our own PostgreSQL, kept across runs.
    pg = await startEmbeddedPostgres({ dataDir: path.resolve(".data/emulator-standalone"), port: await freePort() });
    await pg.ensureDatabase("emulator");
    databaseUrl = pg.url("emulator");
  }
  let emulator: Emulator | undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      line("WARNING", `second ${signal}: exiting now`);
      process.exit(1);
    }
    stopping = true;
    try {
      await emulator?.stop();
      await pg?.stop();
      process.exit(0);
    } catch (err) {
      line("ERROR", `shutdown failed: ${(err as Error).message}`);
      process.exit(1);
    }
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));

  try {
    emulator = await startEmulator({
      databaseUrl,
      grpcPort: intEnv("EMULATOR_GRPC_PORT", 8086),
      routerPort: intEnv("EMULATOR_ROUTER_PORT", 8087),
      host: process.env.EMULATOR_HOST || "127.0.0.1",
      seed: !["0", "false", "no"].includes((process.env.EMULATOR_SEED ?? "").toLowerCase()),
      idleTimeoutMs: intEnv("EMULATOR_IDLE_TIMEOUT_MS", 120_000),
      queueTimeoutMs: intEnv("EMULATOR_QUEUE_TIMEOUT_MS", 10_000),
      shutdownGraceMs: intEnv("EMULATOR_SHUTDOWN_GRACE_MS", 10_000),
      extraServices: intEnv("EMULATOR_EXTRA_SERVICES", 0),
      sqlOperationMs: intEnv("EMULATOR_SQL_OPERATION_MS", 1000),
      traffic: ["1", "on", "true", "yes"].includes((process.env.EMULATOR_TRAFFIC ?? "").toLowerCase()),
      telemetry: {
        logRetentionHours: intEnv("EMULATOR_LOG_RETENTION_HOURS", 72),
        metricRetentionDays: intEnv("EMULATOR_METRIC_RETENTION_DAYS", 70),
        utilizationSampleMs: intEnv("EMULATOR_UTILIZATION_SAMPLE_SECONDS", 10) * 1000,
      },
      faults: process.env.EMULATOR_FAULTS || undefined,
      alerting: { evaluationPeriodMs: intEnv("EMULATOR_ALERT_EVALUATION_MS", 30_000) },
      logLevel: parseSeverity(process.env.EMULATOR_LOG_LEVEL, "WARNING"),
      log: (l) => console.log(l),
    });
  } catch (err) {
    line("ERROR", `emulator failed to start: ${(err as Error).message}`);
    await pg?.stop().catch(() => {});
    process.exit(1);
  }
  if (stopping) return;
  const host = process.env.EMULATOR_HOST || "127.0.0.1";
  line("INFO", "emulator ready", { grpc: `${host}:${emulator.grpcPort}`, router: `${host}:${emulator.routerPort}` });
}

void main();
