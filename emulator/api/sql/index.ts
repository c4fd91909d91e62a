// Cloud SQL Admin v1 in the emulator: records (store.ts), the real databases
// (databases.ts), operations (operations.ts) and the gRPC handlers (api.ts).
import type { Db } from "../../db";
import type { Logger } from "../../log";
import type { SecretStore } from "../secretmanager/store";
import { sqlHandlers } from "./api";
import { SqlServer } from "./databases";
import { SqlOperations } from "./operations";
import { seedSql } from "./seed";
import { SqlStore } from "./store";

export function createSqlApi(opts: {
  db: Db;
  databaseUrl: string;
  log: Logger;
  secrets: SecretStore;
  minOperationMs: number;
}) {
  const store = new SqlStore(opts.db);
  const server = new SqlServer(opts.db, opts.databaseUrl);
  const ops = new SqlOperations(store, opts.log, opts.minOperationMs);
  return {
    store,
    async ensureSchema() {
      await store.ensureSchema();
      await store.recover();
      // A backup interrupted by a restart may have left its instance's database closed to connections.
      for (const { database } of (await opts.db.query<{ database: string }>("SELECT database FROM sql_instances")).rows)
        await server.reopen(database);
    },
    /**
     * Instances are real databases and users real roles, so seeding needs a
     * server user that may create both (the embedded server's superuser
     * can). Without that the rest of the emulator still starts.
     */
    async seed() {
      const { rows } = await opts.db.query<{ ok: boolean }>(
        "SELECT rolsuper OR (rolcreatedb AND rolcreaterole) AS ok FROM pg_roles WHERE rolname = current_user",
      );
      if (!rows[0]?.ok) {
        opts.log.warn("Cloud SQL not seeded: the emulator's database user cannot create databases and roles");
        return;
      }
      await seedSql({ store, server, secrets: opts.secrets });
    },
    handlers: sqlHandlers({ store, server, ops }),
    drain: () => ops.drain(),
  };
}
