// Shared by the benchmarks: the emulator as a process on a throw-away
// PostgreSQL (or on the server DATABASE_URL points at), and statistics helpers.
import { spawn } from "node:child_process";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { throwawayPostgres } from "../emulator/embedded-postgres";
import { freePort } from "../emulator/runtime/ports";
import { migrate } from "../scripts/migrate";
import { createDb, type Db } from "../lib/db";

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");

/** `databasePort`: the emulator's PostgreSQL, when known. */
export type RunningEmulator = { grpcPort: number; routerPort: number; databasePort?: number };

/**
 * Runs `npm run emulator`'s entry point (emulator/main.ts) as its own process,
 * as the launcher does, so that the load generator, the router and the
 * instances do not share an event loop.
 */
export async function withEmulator<T>(
  env: Record<string, string>,
  fn: (emulator: RunningEmulator) => Promise<T>,
): Promise<T> {
  const server = await throwawayPostgres("runway-bench-pg");
  const adminUrl = server.url("postgres");
  const cleanup = () => server.stop();
  const database = `bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const ports = { grpcPort: await freePort(), routerPort: await freePort() };
  const child = spawn(path.join(ROOT, "node_modules/.bin/tsx"), [path.join(ROOT, "emulator/main.ts")], {
    env: {
      ...process.env,
      EMULATOR_DATABASE_URL: url.toString(),
      EMULATOR_GRPC_PORT: String(ports.grpcPort),
      EMULATOR_ROUTER_PORT: String(ports.routerPort),
      EMULATOR_SEED: "false",
      ...env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (c: Buffer) => {
        out += c.toString();
        if (out.includes('"emulator ready"')) resolve();
      });
      child.once("exit", (code) => reject(new Error(`emulator exited (${code}) before it was ready:\n${out}`)));
    });
    return await fn({ ...ports, databasePort: Number(url.port) });
  } finally {
    child.kill("SIGTERM");
    await exited;
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => {});
    await admin.end();
    await cleanup();
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

export const ms = (v: number) => `${v.toFixed(2)} ms`;

export function machine(): string {
  return `${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), Node ${process.version}, ${os.platform()} ${os.release()}`;
}

/** One GET through the emulator's router to `host` (a service or tag host), body discarded. */
export function routerGet(routerPort: number, host: string, urlPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port: routerPort, path: urlPath, headers: { host } },
      (res) => (res.resume(), res.on("end", () => resolve())),
    );
    req.on("error", reject);
    req.end();
  });
}

/**
 * A migrated portal database covering `locations`, and the environment of a
 * portal built from this checkout that uses it and `emulatorEndpoint`.
 */
export async function benchPortal(
  root: string,
  portalUrl: string,
  locations: readonly (readonly [string, string])[],
  emulatorEndpoint: string,
) {
  await migrate(root, portalUrl);
  const db = new pg.Client({ connectionString: portalUrl });
  await db.connect();
  try {
    for (const [project, region] of locations)
      await db.query("INSERT INTO fleet_locations (project, region, added_by) VALUES ($1, $2, 'bench')", [
        project,
        region,
      ]);
  } finally {
    await db.end();
  }
  return {
    ...process.env,
    DATABASE_URL: portalUrl,
    AUTH_SECRET: randomBytes(32).toString("hex"),
    GCP_EMULATOR_HOST: emulatorEndpoint,
    LOG_LEVEL: "warning",
    NEXT_TELEMETRY_DISABLED: "1",
    METADATA_SERVER_DETECTION: "none",
    AUTH_LOCAL_ENABLED: "true",
  };
}

/** A migrated portal database on a throw-away PostgreSQL, for benchmarks that drive the portal's own code. */
export async function withPortalDb<T>(prefix: string, fn: (db: Db, url: string) => Promise<T>): Promise<T> {
  const server = await throwawayPostgres(prefix);
  const url = server.url("postgres").replace(/\/postgres$/, `/portal_${randomBytes(3).toString("hex")}`);
  const admin = new pg.Client({ connectionString: server.url("postgres") });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${new URL(url).pathname.slice(1)}`);
  await admin.end();
  await migrate(ROOT, url);
  const db = createDb(url);
  try {
    return await fn(db, url);
  } finally {
    await db.$disconnect();
    await server.stop();
  }
}
