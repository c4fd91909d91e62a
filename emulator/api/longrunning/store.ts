// Long-running operations, persisted so that they survive a restart (and a
// reconciliation cut short by one can be resumed). Metadata and response are
// kept as JSON resources with their type name, packed into Any on the way out.
import { EventEmitter } from "node:events";
import { ensureSchema, type Db, type Queryable } from "../../db";
import type { Page } from "../../grpc/paging";
import type { PackedType } from "../../grpc/protos";

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS lro_operations (
    name text PRIMARY KEY,
    parent text NOT NULL,
    create_time timestamptz NOT NULL DEFAULT now(),
    done boolean NOT NULL DEFAULT false,
    type_name text NOT NULL,
    metadata jsonb NOT NULL,
    response jsonb,
    error jsonb,
    kind text NOT NULL,
    target text NOT NULL,
    generation bigint,
    revision text
  )`,
  "CREATE INDEX IF NOT EXISTS lro_operations_parent ON lro_operations (parent, create_time DESC)",
  "CREATE INDEX IF NOT EXISTS lro_operations_pending ON lro_operations (done) WHERE NOT done",
];

export type OperationKind =
  | "CreateService"
  | "UpdateService"
  | "DeleteService"
  | "DeleteRevision"
  | "CreateJob"
  | "UpdateJob"
  | "DeleteJob"
  | "RunJob"
  | "CancelExecution"
  | "DeleteExecution";

export type StoredOperation = {
  name: string;
  done: boolean;
  /** Fully qualified message type of metadata and response. */
  typeName: PackedType;
  metadata: object;
  response: object | null;
  error: { code: number; message: string } | null;
  kind: OperationKind;
  /** The resource the operation acts on. */
  target: string;
  /** The service generation it reconciles (Create/Update). */
  generation: number | null;
  /** The revision it creates, if the template changed. */
  revision: string | null;
};

type Row = {
  name: string;
  done: boolean;
  type_name: StoredOperation["typeName"];
  metadata: object;
  response: object | null;
  error: StoredOperation["error"];
  kind: OperationKind;
  target: string;
  generation: string | null;
  revision: string | null;
};

const toOp = (r: Row): StoredOperation => ({
  name: r.name,
  done: r.done,
  typeName: r.type_name,
  metadata: r.metadata,
  response: r.response,
  error: r.error,
  kind: r.kind,
  target: r.target,
  generation: r.generation === null ? null : Number(r.generation),
  revision: r.revision,
});

export class OperationStore {
  /** Emits `done` with the operation name, for WaitOperation. */
  readonly changes = new EventEmitter();

  constructor(private readonly db: Db) {
    this.changes.setMaxListeners(0);
  }

  ensureSchema(): Promise<void> {
    return ensureSchema(this.db, SCHEMA);
  }

  async insert(q: Queryable, op: StoredOperation): Promise<void> {
    const parent = op.name.slice(0, op.name.indexOf("/operations/"));
    await q.query(
      `INSERT INTO lro_operations (name, parent, done, type_name, metadata, response, error, kind, target, generation, revision)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        op.name,
        parent,
        op.done,
        op.typeName,
        op.metadata,
        op.response,
        op.error,
        op.kind,
        op.target,
        op.generation,
        op.revision,
      ],
    );
  }

  async complete(
    q: Queryable,
    name: string,
    result: { response: object } | { error: { code: number; message: string } },
    metadata?: object,
  ): Promise<void> {
    await q.query(
      "UPDATE lro_operations SET done = true, response = $2, error = $3, metadata = COALESCE($4, metadata) WHERE name = $1",
      [name, "response" in result ? result.response : null, "error" in result ? result.error : null, metadata ?? null],
    );
  }

  /** Call after the transaction that completed `name` committed. */
  notifyDone(name: string): void {
    this.changes.emit("done", name);
  }

  async get(name: string): Promise<StoredOperation | null> {
    const { rows } = await this.db.query<Row>("SELECT * FROM lro_operations WHERE name = $1", [name]);
    return rows[0] ? toOp(rows[0]) : null;
  }

  async list(parent: string, page: Page, onlyDone?: boolean): Promise<StoredOperation[]> {
    const { rows } = await this.db.query<Row>(
      `SELECT * FROM lro_operations WHERE parent = $1 ${onlyDone === undefined ? "" : `AND done = ${onlyDone}`}
       ORDER BY create_time DESC, name DESC LIMIT $2 OFFSET $3`,
      [parent, page.limit + 1, page.offset],
    );
    return rows.map(toOp);
  }

  async delete(name: string): Promise<boolean> {
    const { rowCount } = await this.db.query("DELETE FROM lro_operations WHERE name = $1", [name]);
    return Boolean(rowCount);
  }

  async pending(): Promise<StoredOperation[]> {
    const { rows } = await this.db.query<Row>("SELECT * FROM lro_operations WHERE NOT done ORDER BY create_time");
    return rows.map(toOp);
  }
}
