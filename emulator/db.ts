// The emulator's PostgreSQL connection. Each API module owns its tables and
// creates them idempotently at startup; state is plain rows plus the resource
// as JSONB in the shape the API returns it.
import pg from "pg";

export type Db = pg.Pool;
export type Queryable = pg.Pool | pg.PoolClient;

export function openDb(url: string): Db {
  const pool = new pg.Pool({ connectionString: url, max: 8, idleTimeoutMillis: 10_000 });
  // An idle client losing its connection must not crash the emulator.
  pool.on("error", () => {});
  return pool;
}

export async function inTransaction<T>(db: Db, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query("BEGIN");
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** Runs schema statements under an advisory lock, so two emulators starting on one database do not race. */
export async function ensureSchema(db: Db, statements: string[]): Promise<void> {
  await inTransaction(db, async (c) => {
    await c.query("SELECT pg_advisory_xact_lock(hashtext('runway-emulator-schema'))");
    for (const s of statements) await c.query(s);
  });
}
