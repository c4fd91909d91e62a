// `npm start`: the portal on its embedded defaults, from one command.
//   1. PostgreSQL: DATABASE_URL, or an embedded server with its data in .data/
//   2. migrations, and an auth secret generated once and kept in .data/
//   3. Google: the bundled emulator unless GCP_EMULATOR_HOST or GCP_PROJECTS say otherwise
//   4. Next.js: built when the sources changed, then served
// Ctrl-C (SIGINT) or SIGTERM stops everything it started, in reverse order.
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { parseConfig } from "../lib/config";
import { buildIfNeeded } from "./build-if-needed";
import {
  assertEmbeddedPostgresUsable,
  ensureDatabase,
  startEmbeddedPostgres,
  type EmbeddedServer,
} from "../emulator/embedded-postgres";
import { parseLauncherConfig } from "./launcher-config";
import { migrate } from "./migrate";
import { isPortFree, startChild, stopChild, waitForPort, type Child } from "./processes";

const root = path.resolve(import.meta.dirname, "..");
const say = (line: string) => console.log(`runway: ${line}`);
const started = performance.now();
const children: Child[] = [];
let postgres: EmbeddedServer | null = null;
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const child of [...children].reverse()) await stopChild(child);
    if (postgres) await postgres.stop().catch(() => {});
  }
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function persistentSecret(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  const secret = randomBytes(48).toString("base64url");
  await writeFile(file, secret + "\n", { mode: 0o600 });
  return secret;
}

function watch(child: Child) {
  children.push(child);
  void child.exited.then((code) => {
    if (stopping) return;
    console.error(`runway: ${child.name} exited unexpectedly (code ${code}); stopping`);
    void shutdown(1);
  });
}

async function main() {
  const cfg = parseLauncherConfig(process.env);
  await mkdir(cfg.dataDir, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", METADATA_SERVER_DETECTION: "none" };
  // `next start` runs with NODE_ENV=production; this launcher is the laptop's way in, so the
  // portal runs in local mode (local sign-in by default) unless RUNWAY_MODE says otherwise.
  env.RUNWAY_MODE = env.RUNWAY_MODE?.trim() || "local";

  if (!(await isPortFree(cfg.port, "0.0.0.0"))) throw new Error(`port ${cfg.port} is in use; set PORT to another port`);

  let databaseUrl = cfg.databaseUrl;
  let databaseLabel = "DATABASE_URL";
  if (!databaseUrl) {
    // A machine without usable server binaries gets the command that fixes it, not a stack trace.
    assertEmbeddedPostgresUsable(root);
    if (!(await isPortFree(cfg.pgPort))) {
      throw new Error(`port ${cfg.pgPort} for the embedded PostgreSQL is in use (another Runway?); set RUNWAY_PG_PORT`);
    }
    postgres = await startEmbeddedPostgres({ dataDir: path.join(cfg.dataDir, "postgres"), port: cfg.pgPort });
    await postgres.ensureDatabase("runway");
    databaseUrl = postgres.url("runway");
    const dataDir = path.join(cfg.dataDir, "postgres");
    databaseLabel = `embedded PostgreSQL on 127.0.0.1:${cfg.pgPort} (data in ${dataDir.startsWith(root) ? path.relative(root, dataDir) : dataDir})`;
  }
  env.DATABASE_URL = databaseUrl;
  const applied = await migrate(root, databaseUrl);
  if (applied.length) say(`applied migrations: ${applied.join(", ")}`);
  env.AUTH_SECRET = cfg.authSecret ?? (await persistentSecret(path.join(cfg.dataDir, "auth-secret")));

  let googleLabel = "Google Cloud (Application Default Credentials)";
  if (cfg.google.mode === "external") {
    env.GCP_EMULATOR_HOST = cfg.google.host;
    googleLabel = `emulator at ${cfg.google.host}`;
  } else if (cfg.google.mode === "bundled") {
    const { grpcPort, routerPort } = cfg.google;
    for (const p of [grpcPort, routerPort]) {
      if (!(await isPortFree(p)))
        throw new Error(`port ${p} for the emulator is in use; set EMULATOR_GRPC_PORT / EMULATOR_ROUTER_PORT`);
    }
    const emulatorDb = withDatabase(databaseUrl, `${new URL(databaseUrl).pathname.slice(1)}_emulator`);
    const firstStart = await ensureDatabase(
      withDatabase(databaseUrl, "postgres"),
      new URL(emulatorDb).pathname.slice(1),
    );
    if (firstStart)
      say("first start: the emulator seeds the demo fleet and writes its two months of metric history (about 15-30 s)");
    const emulator = startChild(
      "emulator",
      path.join(root, "node_modules/.bin/tsx"),
      [path.join(root, "emulator/main.ts")],
      {
        cwd: root,
        // The local demo keeps the seeded fleet's charts alive with gentle synthetic traffic.
        env: {
          ...env,
          EMULATOR_DATABASE_URL: emulatorDb,
          EMULATOR_GRPC_PORT: String(grpcPort),
          EMULATOR_ROUTER_PORT: String(routerPort),
          EMULATOR_TRAFFIC: env.EMULATOR_TRAFFIC ?? "on",
        },
      },
    );
    watch(emulator);
    // The first start writes the demo's metric history before the port opens: allow for a slow machine.
    await waitForPort("127.0.0.1", grpcPort, 600_000, () => emulator.proc.exitCode === null);
    env.GCP_EMULATOR_HOST = `127.0.0.1:${grpcPort}`;
    googleLabel = `bundled emulator: gRPC 127.0.0.1:${grpcPort}, services at http://<service>.<region>.localhost:${routerPort}`;
  }

  // Validate the portal's own configuration before spending time on a build.
  const portal = parseConfig(env);
  if (await buildIfNeeded(root, env)) say("built the portal");
  const next = startChild(
    "portal",
    path.join(root, "node_modules/.bin/next"),
    ["start", "-p", String(cfg.port), "-H", cfg.hostname],
    { cwd: root, env },
  );
  watch(next);
  await waitForHealth(cfg.port, () => next.proc.exitCode === null);

  const signIn = [
    portal.auth.google && "Google",
    portal.auth.localSignIn && "local accounts (viewer|developer|operator|admin@runway.local)",
  ]
    .filter(Boolean)
    .join(" + ");
  say(`up in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log(`  Portal    http://localhost:${cfg.port}`);
  console.log(`  Database  ${databaseLabel}`);
  console.log(`  Sign-in   ${signIn || "none configured"}`);
  console.log(`  Google    ${googleLabel}`);
}

async function waitForHealth(port: number, alive: () => boolean) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error("the portal stopped while starting");
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("the portal did not become healthy within 120 s");
}

main().catch(async (err) => {
  console.error(`runway: ${err instanceof Error ? err.message : String(err)}`);
  await shutdown(1);
});
