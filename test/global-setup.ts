// Vitest global setup: one real PostgreSQL server for the whole run. When
// DATABASE_URL is set, its server is used; otherwise an embedded one is started
// in a throw-away folder. Suites get their own databases from test/databases.ts.
import type { TestProject } from "vitest/node";
import { throwawayPostgres } from "../emulator/embedded-postgres";
import { prepareTemplateDatabase } from "./databases";

export default async function setup(project: TestProject) {
  const server = await throwawayPostgres("runway-test-pg");
  const adminUrl = server.url("postgres");
  project.provide("pgAdminUrl", adminUrl);
  await prepareTemplateDatabase(adminUrl);
  return () => server.stop();
}
