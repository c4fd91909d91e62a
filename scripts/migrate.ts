// Applies committed Prisma migrations, skipping the CLI when the database is
// already up to date (that check is one query; the CLI costs seconds).
import { readdir } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { run } from "./processes";

async function pendingMigrations(root: string, databaseUrl: string): Promise<string[]> {
  const dir = path.join(root, "prisma/migrations");
  const wanted = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ migration_name: string }>(
      "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
    );
    const applied = new Set(rows.map((r) => r.migration_name));
    return wanted.filter((m) => !applied.has(m));
  } catch {
    return wanted; // no migrations table yet
  } finally {
    await client.end();
  }
}

/** Returns the names of the migrations it applied. */
export async function migrate(root: string, databaseUrl: string): Promise<string[]> {
  const pending = await pendingMigrations(root, databaseUrl);
  if (pending.length === 0) return [];
  await run(path.join(root, "node_modules/.bin/prisma"), ["migrate", "deploy"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });
  return pending;
}
