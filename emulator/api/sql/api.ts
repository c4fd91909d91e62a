// google.cloud.sql.v1: SqlInstancesService (Get, List, RestoreBackup),
// SqlBackupRunsService (Insert, List, Get, Delete), SqlUsersService (Update,
// List) and SqlOperationsService (Get, List). Mutations answer a Cloud SQL
// Operation at once and do the real work on the PostgreSQL server behind it.
import type { Handler } from "../../grpc/server";
import { failedPrecondition, invalid, notFound } from "../../grpc/errors";
import { pageOf, readPage } from "../../grpc/paging";
import type { SqlServer } from "./databases";
import type { SqlOperations } from "./operations";
import { backupRunOut, instanceOut, operationOut } from "./resources";
import type { BackupRunRow, InstanceRow, OperationRow, SqlStore } from "./store";

export type SqlDeps = { store: SqlStore; server: SqlServer; ops: SqlOperations };

const noInstance = () => notFound("The Cloud SQL instance does not exist.");
const required = (v: unknown, what: string) => {
  if (!v) throw invalid(`Missing required field: ${what}.`);
};

// Instance list filter subset: `field:value` terms joined by spaces (AND).
const FILTER_FIELDS: Record<string, (r: InstanceRow) => string> = {
  name: (r) => r.name,
  state: (r) => r.state,
  region: (r) => r.region,
  databaseVersion: (r) => r.database_version,
};

export function sqlHandlers({ store, server, ops }: SqlDeps) {
  const db = store.db;

  async function instanceOf(req: { project?: string; instance?: string }): Promise<InstanceRow> {
    required(req.project, "project");
    required(req.instance, "instance");
    const r = await store.instance(req.project!, req.instance!);
    if (!r) throw noInstance();
    return r;
  }

  const instances: Record<string, Handler> = {
    async Get(req) {
      return instanceOut(await instanceOf(req));
    },

    async List(req) {
      required(req.project, "project");
      const terms = String(req.filter ?? "")
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map((t) => {
          const m = /^([A-Za-z.]+):(.+)$/.exec(t);
          if (!m || !FILTER_FIELDS[m[1]])
            throw invalid(
              `Unsupported filter term ${JSON.stringify(t)}; the emulator supports ${Object.keys(FILTER_FIELDS).join(", ")}.`,
            );
          return { get: FILTER_FIELDS[m[1]], value: m[2].replace(/^"|"$/g, "").toLowerCase() };
        });
      const page = readPage(req.maxResults, req.pageToken, 500, 1000);
      const { rows } = await db.query<InstanceRow>("SELECT * FROM sql_instances WHERE project = $1 ORDER BY name", [
        req.project,
      ]);
      const matching = rows.filter((r) => terms.every((t) => t.get(r).toLowerCase() === t.value));
      const { items, nextPageToken } = pageOf(matching.slice(page.offset, page.offset + page.limit + 1), page);
      return { kind: "sql#instancesList", items: items.map(instanceOut), nextPageToken, warnings: [] };
    },

    async RestoreBackup(req) {
      const target = await instanceOf(req);
      const ctx = req.body?.restoreBackupContext;
      if (req.body?.backup || req.body?.backupdrBackup)
        throw invalid("The emulator restores from backup runs only (restore_backup_context).");
      required(ctx?.backupRunId && ctx.backupRunId !== "0", "body.restore_backup_context.backup_run_id");
      const sourceProject = ctx.project || target.project;
      const sourceName = ctx.instanceId || target.name;
      const source = await store.instance(sourceProject, sourceName);
      if (!source) throw noInstance();
      const run = await store.backupRun(sourceProject, sourceName, String(ctx.backupRunId));
      if (!run || run.status === "DELETED") throw notFound("The backup run does not exist.");
      if (run.status !== "SUCCESSFUL" || !run.backup_db)
        throw failedPrecondition(`Backup run ${run.id} is ${run.status} and cannot be restored.`);
      if (source.database_version !== target.database_version) {
        throw invalid(`Cannot restore a ${source.database_version} backup into a ${target.database_version} instance.`);
      }
      // MAINTENANCE from the moment the operation exists until DONE: sessions
      // are dropped and the database is recreated from the copy.
      const op = await ops.start(
        target.project,
        target.name,
        "RESTORE_VOLUME",
        async () => {
          const back = () => store.setInstanceState(target.project, target.name, "RUNNABLE");
          try {
            await server.restore(run.backup_db!, target.database);
            // Cross-instance restores bring the source's tables; the target's users must still reach them.
            await server.grantAll(
              target.database,
              (await store.users(target.project, target.name)).map((u) => u.role),
            );
          } catch (err) {
            await back();
            throw err;
          }
          return back;
        },
        {
          prepare: (c) =>
            c.query(
              "UPDATE sql_instances SET state = 'MAINTENANCE', etag = md5(random()::text) WHERE project = $1 AND name = $2",
              [target.project, target.name],
            ),
        },
      );
      return operationOut(op);
    },
  };

  const backupRuns: Record<string, Handler> = {
    async Insert(req) {
      const inst = await instanceOf(req);
      if (inst.state !== "RUNNABLE")
        throw failedPrecondition(`The instance is ${inst.state}; backups need a RUNNABLE instance.`);
      const { rows } = await db.query<BackupRunRow>(
        "INSERT INTO sql_backup_runs (project, instance, status, type, description) VALUES ($1, $2, 'ENQUEUED', 'ON_DEMAND', $3) RETURNING *",
        [inst.project, inst.name, String(req.body?.description ?? "")],
      );
      const run = rows[0];
      const setRun = (sql: string, params: unknown[] = []) =>
        db.query(`UPDATE sql_backup_runs SET ${sql} WHERE id = $1`, [run.id, ...params]);
      let op: OperationRow;
      try {
        op = await ops.start(
          inst.project,
          inst.name,
          "BACKUP_VOLUME",
          async () => {
            await setRun("status = 'RUNNING', start_time = now()");
            const copy = server.backupDb(String(run.id));
            try {
              // A copy of this name can only be a leftover of an earlier emulator database with the same name.
              await server.drop(copy);
              await server.snapshot(inst.database, copy);
              await setRun("status = 'SUCCESSFUL', end_time = now(), backup_db = $2", [copy]);
            } catch (err) {
              await setRun("status = 'FAILED', end_time = now(), error = $2", [
                JSON.stringify({ code: "INTERNAL_ERROR", message: (err as Error).message }),
              ]);
              throw err;
            }
          },
          { backupId: String(run.id) },
        );
      } catch (err) {
        await db.query("DELETE FROM sql_backup_runs WHERE id = $1", [run.id]);
        throw err;
      }
      return operationOut(op);
    },

    async List(req) {
      required(req.project, "project");
      required(req.instance, "instance");
      const all = req.instance === "-";
      if (!all) await instanceOf(req);
      const page = readPage(req.maxResults, req.pageToken, 100, 1000);
      const { rows } = await db.query<BackupRunRow & { region: string; database_version: string }>(
        `SELECT b.*, i.region, i.database_version FROM sql_backup_runs b JOIN sql_instances i ON i.project = b.project AND i.name = b.instance
         WHERE b.project = $1 AND ($2 OR b.instance = $3) ORDER BY b.enqueued_time DESC, b.id DESC LIMIT $4 OFFSET $5`,
        [req.project, all, req.instance, page.limit + 1, page.offset],
      );
      const { items, nextPageToken } = pageOf(rows, page);
      return {
        kind: "sql#backupRunsList",
        items: items.map((r) => backupRunOut(r, r.region, r.database_version)),
        nextPageToken,
      };
    },

    async Get(req) {
      const inst = await instanceOf(req);
      const run = await store.backupRun(inst.project, inst.name, String(req.id ?? ""));
      if (!run) throw notFound("The backup run does not exist.");
      return backupRunOut(run, inst.region, inst.database_version);
    },

    async Delete(req) {
      const inst = await instanceOf(req);
      const run = await store.backupRun(inst.project, inst.name, String(req.id ?? ""));
      if (!run) throw notFound("The backup run does not exist.");
      if (run.status === "ENQUEUED" || run.status === "RUNNING")
        throw failedPrecondition("The backup run is still in progress.");
      const op = await ops.start(
        inst.project,
        inst.name,
        "DELETE_BACKUP",
        async () => {
          await db.query("DELETE FROM sql_backup_runs WHERE id = $1", [run.id]);
          // Seeded automated runs share one copy: drop it with the last run that uses it.
          if (run.backup_db) {
            const others = await db.query("SELECT 1 FROM sql_backup_runs WHERE backup_db = $1", [run.backup_db]);
            if (!others.rowCount) await server.drop(run.backup_db);
          }
        },
        { backupId: String(run.id) },
      );
      return operationOut(op);
    },
  };

  const users: Record<string, Handler> = {
    async Update(req) {
      const inst = await instanceOf(req);
      required(req.name, "name");
      const user = (await store.users(inst.project, inst.name)).find((u) => u.name === req.name);
      if (!user) throw notFound(`The user ${req.name} does not exist on instance ${inst.name}.`);
      const password = req.body?.password;
      required(password, "body.password");
      const op = await ops.start(inst.project, inst.name, "UPDATE_USER", () =>
        server.setPassword(user.role, String(password)),
      );
      return operationOut(op);
    },

    async List(req) {
      const inst = await instanceOf(req);
      const list = await store.users(inst.project, inst.name);
      return {
        kind: "sql#usersList",
        items: list.map((u) => ({
          kind: "sql#user",
          name: u.name,
          instance: inst.name,
          project: inst.project,
          type: "BUILT_IN",
          etag: "",
        })),
        nextPageToken: "",
      };
    },
  };

  const operations: Record<string, Handler> = {
    async Get(req) {
      required(req.project, "project");
      const op = await store.operation(req.project, String(req.operation ?? ""));
      if (!op) throw notFound(`The operation ${req.operation} does not exist.`);
      return operationOut(op);
    },

    async List(req) {
      required(req.project, "project");
      const page = readPage(req.maxResults, req.pageToken, 100, 1000);
      const { rows } = await db.query<OperationRow>(
        "SELECT * FROM sql_operations WHERE project = $1 AND ($2::text = '' OR instance = $2) ORDER BY seq DESC LIMIT $3 OFFSET $4",
        [req.project, req.instance ?? "", page.limit + 1, page.offset],
      );
      const { items, nextPageToken } = pageOf(rows, page);
      return { kind: "sql#operationsList", items: items.map(operationOut), nextPageToken };
    },
  };

  return { instances, backupRuns, users, operations };
}
