// Vitest global setup: one real PostgreSQL server for the whole run. When
// DATABASE_URL is set, its server is used; otherwise an embedded one is started
// in a throw-away folder. Suites get their own databases from test/databases.ts.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { freePort, startEmbeddedPostgres } from "../scripts/embedded-postgres";
import { prepareTemplateDatabase } from "./databases";

export default async function setup(project: TestProject) {
  let adminUrl: string;
  let teardown = async () => {};
  if (process.env.DATABASE_URL) {
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = "/postgres";
    adminUrl = url.toString();
  } else {
    const dir = await mkdtemp(path.join(os.tmpdir(), "runway-test-pg-"));
    const server = await startEmbeddedPostgres({ dataDir: dir, port: await freePort(), ephemeral: true });
    adminUrl = server.url("postgres");
    teardown = async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    };
  }
  project.provide("pgAdminUrl", adminUrl);
  await prepareTemplateDatabase(adminUrl);
  return teardown;
}
