// Cloud Run state in PostgreSQL: one row per service and per revision, the
// resource itself as JSONB in the shape the API returns (URLs are refreshed on
// read, since the router port may change between runs).
import { ensureSchema, type Db, type Queryable } from "../../db";
import type { Page } from "../../grpc/paging";
import type { Projects } from "../projects";
import { fromTimestamp, parseRevisionName, parseServiceName } from "./names";
import type { Revision, Service } from "./types";

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS run_services (
    name text PRIMARY KEY,
    project text NOT NULL,
    location text NOT NULL,
    service_id text NOT NULL,
    host text NOT NULL,
    create_time timestamptz NOT NULL,
    deleted boolean NOT NULL DEFAULT false,
    data jsonb NOT NULL
  )`,
  "CREATE INDEX IF NOT EXISTS run_services_parent ON run_services (project, location, name)",
  `CREATE TABLE IF NOT EXISTS run_revisions (
    name text PRIMARY KEY,
    service text NOT NULL,
    project text NOT NULL,
    location text NOT NULL,
    create_time timestamptz NOT NULL,
    deleted boolean NOT NULL DEFAULT false,
    data jsonb NOT NULL
  )`,
  "CREATE INDEX IF NOT EXISTS run_revisions_service ON run_revisions (service, create_time DESC)",
  "CREATE INDEX IF NOT EXISTS run_revisions_parent ON run_revisions (project, location, create_time DESC)",
  // Whether the emulator seeded the service (the fleet or a synthetic one), not a
  // user or a test: synthetic traffic goes to these only. NULL: written before
  // this column, decided once at start (seed/index.ts markSeededServices).
  "ALTER TABLE run_services ADD COLUMN IF NOT EXISTS seeded boolean",
  // The port each service or tag host last had of its own (runtime/local-ports.ts), tried first at the next start.
  `CREATE TABLE IF NOT EXISTS run_local_ports (
    host text PRIMARY KEY,
    port integer NOT NULL
  )`,
];

export type StoredService = {
  service: Service;
  host: string;
  project: string;
  location: string;
  serviceId: string;
  deleted: boolean;
};

type ServiceRow = {
  data: Service;
  host: string;
  project: string;
  location: string;
  service_id: string;
  deleted: boolean;
};

const toStored = (r: ServiceRow): StoredService => ({
  service: r.data,
  host: r.host,
  project: r.project,
  location: r.location,
  serviceId: r.service_id,
  deleted: r.deleted,
});

export class RunStore {
  constructor(
    readonly db: Db,
    readonly projects: Projects,
  ) {}

  ensureSchema(): Promise<void> {
    return ensureSchema(this.db, SCHEMA);
  }

  async isEmpty(): Promise<boolean> {
    const { rowCount } = await this.db.query("SELECT 1 FROM run_services LIMIT 1");
    return !rowCount;
  }

  async getService(
    name: string,
    opts: { includeDeleted?: boolean; q?: Queryable } = {},
  ): Promise<StoredService | null> {
    const { rows } = await (opts.q ?? this.db).query<ServiceRow>(
      `SELECT data, host, project, location, service_id, deleted FROM run_services WHERE name = $1 ${opts.includeDeleted ? "" : "AND NOT deleted"}`,
      [name],
    );
    return rows[0] ? toStored(rows[0]) : null;
  }

  async listServices(project: string, location: string, page: Page, showDeleted: boolean): Promise<StoredService[]> {
    const { rows } = await this.db.query<ServiceRow>(
      `SELECT data, host, project, location, service_id, deleted FROM run_services
       WHERE project = $1 AND location = $2 ${showDeleted ? "" : "AND NOT deleted"}
       ORDER BY name LIMIT $3 OFFSET $4`,
      [project, location, page.limit + 1, page.offset],
    );
    return rows.map(toStored);
  }

  async liveServices(): Promise<StoredService[]> {
    const { rows } = await this.db.query<ServiceRow>(
      "SELECT data, host, project, location, service_id, deleted FROM run_services WHERE NOT deleted ORDER BY name",
    );
    return rows.map(toStored);
  }

  /** Whether a live service already answers on this host. */
  async hostTaken(host: string, q: Queryable = this.db): Promise<boolean> {
    const { rowCount } = await q.query("SELECT 1 FROM run_services WHERE host = $1 AND NOT deleted", [host]);
    return Boolean(rowCount);
  }

  async insertService(q: Queryable, service: Service, host: string, seeded = false): Promise<void> {
    const n = parseServiceName(service.name);
    await this.projects.register(n.project, q);
    // A deleted service's name may be taken again: its old rows go.
    await q.query("DELETE FROM run_revisions WHERE service = $1", [service.name]);
    await q.query("DELETE FROM run_services WHERE name = $1", [service.name]);
    await q.query(
      "INSERT INTO run_services (name, project, location, service_id, host, create_time, data, seeded) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      [
        service.name,
        n.project,
        n.location,
        n.service,
        host,
        fromTimestamp(service.createTime) ?? new Date(),
        service,
        seeded,
      ],
    );
  }

  async updateService(q: Queryable, service: Service, deleted = false): Promise<void> {
    await q.query("UPDATE run_services SET data = $2, deleted = $3 WHERE name = $1", [service.name, service, deleted]);
  }

  async getRevision(name: string, q: Queryable = this.db): Promise<Revision | null> {
    const { rows } = await q.query<{ data: Revision }>(
      "SELECT data FROM run_revisions WHERE name = $1 AND NOT deleted",
      [name],
    );
    return rows[0]?.data ?? null;
  }

  /** Newest first; `service` null lists a whole location (`services/-`). */
  async listRevisions(
    project: string,
    location: string,
    service: string | null,
    page: Page,
    showDeleted: boolean,
  ): Promise<Revision[]> {
    const params: unknown[] = [project, page.limit + 1, page.offset];
    let where = "project = $1";
    if (location !== "-") {
      params.push(location);
      where += ` AND location = $${params.length}`;
    }
    if (service) {
      params.push(service);
      where += ` AND service = $${params.length}`;
    }
    const { rows } = await this.db.query<{ data: Revision }>(
      `SELECT data FROM run_revisions WHERE ${where} ${showDeleted ? "" : "AND NOT deleted"}
       ORDER BY create_time DESC, name DESC LIMIT $2 OFFSET $3`,
      params,
    );
    return rows.map((r) => r.data);
  }

  async revisionsOf(serviceName: string, q: Queryable = this.db): Promise<Revision[]> {
    const { rows } = await q.query<{ data: Revision }>(
      "SELECT data FROM run_revisions WHERE service = $1 AND NOT deleted ORDER BY create_time DESC, name DESC",
      [serviceName],
    );
    return rows.map((r) => r.data);
  }

  async insertRevision(q: Queryable, revision: Revision): Promise<void> {
    const n = parseRevisionName(revision.name);
    await q.query(
      "INSERT INTO run_revisions (name, service, project, location, create_time, data) VALUES ($1, $2, $3, $4, $5, $6)",
      [revision.name, n.serviceName, n.project, n.location, fromTimestamp(revision.createTime) ?? new Date(), revision],
    );
  }

  async updateRevision(q: Queryable, revision: Revision, deleted = false): Promise<void> {
    await q.query("UPDATE run_revisions SET data = $2, deleted = $3 WHERE name = $1", [
      revision.name,
      revision,
      deleted,
    ]);
  }

  async localPorts(hosts: string[]): Promise<Record<string, number>> {
    const { rows } = await this.db.query<{ host: string; port: number }>(
      "SELECT host, port FROM run_local_ports WHERE host = ANY($1)",
      [hosts],
    );
    return Object.fromEntries(rows.map((r) => [r.host, r.port]));
  }

  async saveLocalPorts(ports: Record<string, number>): Promise<void> {
    for (const [host, port] of Object.entries(ports)) {
      await this.db.query(
        "INSERT INTO run_local_ports (host, port) VALUES ($1, $2) ON CONFLICT (host) DO UPDATE SET port = EXCLUDED.port",
        [host, port],
      );
    }
  }

  async markRevisionsOfServiceDeleted(q: Queryable, serviceName: string): Promise<void> {
    await q.query(
      `UPDATE run_revisions SET deleted = true,
         data = data || jsonb_build_object('deleteTime', jsonb_build_object('seconds', floor(extract(epoch FROM now()))::text))
       WHERE service = $1 AND NOT deleted`,
      [serviceName],
    );
  }
}
