// Secret Manager's state (secrets and their versions) in the emulator's
// database. The gRPC API comes in a later issue; for now the Cloud Run
// runtime resolves `secret_key_ref`s through `resolve`. Values never leave
// this module except as the resolved value handed to a starting instance.
import { randomBytes } from "node:crypto";
import { ensureSchema, type Db } from "../../db";
import type { SecretRef } from "../../runtime/types";
import type { Projects } from "../projects";

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS sm_secrets (
    project text NOT NULL,
    secret_id text NOT NULL,
    create_time timestamptz NOT NULL DEFAULT now(),
    labels jsonb NOT NULL DEFAULT '{}',
    annotations jsonb NOT NULL DEFAULT '{}',
    version_aliases jsonb NOT NULL DEFAULT '{}',
    etag text NOT NULL,
    PRIMARY KEY (project, secret_id)
  )`,
  `CREATE TABLE IF NOT EXISTS sm_secret_versions (
    project text NOT NULL,
    secret_id text NOT NULL,
    version integer NOT NULL,
    state text NOT NULL CHECK (state IN ('ENABLED', 'DISABLED', 'DESTROYED')),
    payload bytea,
    create_time timestamptz NOT NULL DEFAULT now(),
    destroy_time timestamptz,
    etag text NOT NULL,
    PRIMARY KEY (project, secret_id, version),
    FOREIGN KEY (project, secret_id) REFERENCES sm_secrets (project, secret_id) ON DELETE CASCADE
  )`,
  // Added with the gRPC API: fields the runtime never reads (replication,
  // rotation, topics, expiry) as the API's JSON, and whether the client sent
  // the payload's CRC32C.
  `ALTER TABLE sm_secrets ADD COLUMN IF NOT EXISTS extra jsonb NOT NULL DEFAULT '{}'`,
  `ALTER TABLE sm_secret_versions ADD COLUMN IF NOT EXISTS client_checksum boolean NOT NULL DEFAULT false`,
  // Regional secrets: the location is part of the key ("" = global), so a
  // regional and a global secret may share an id.
  `ALTER TABLE sm_secrets ADD COLUMN IF NOT EXISTS location text NOT NULL DEFAULT ''`,
  `ALTER TABLE sm_secret_versions ADD COLUMN IF NOT EXISTS location text NOT NULL DEFAULT ''`,
  `DO $$
   DECLARE c record;
   BEGIN
     IF NOT EXISTS (SELECT 1 FROM pg_constraint k JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey)
                    WHERE k.conrelid = 'sm_secrets'::regclass AND k.contype = 'p' AND a.attname = 'location') THEN
       FOR c IN SELECT conrelid::regclass AS tbl, conname FROM pg_constraint
                WHERE conrelid IN ('sm_secrets'::regclass, 'sm_secret_versions'::regclass) AND contype IN ('p', 'f')
                ORDER BY contype = 'p', conrelid = 'sm_secrets'::regclass LOOP
         EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', c.tbl, c.conname);
       END LOOP;
       ALTER TABLE sm_secrets ADD PRIMARY KEY (project, location, secret_id);
       ALTER TABLE sm_secret_versions ADD PRIMARY KEY (project, location, secret_id, version);
       ALTER TABLE sm_secret_versions ADD FOREIGN KEY (project, location, secret_id)
         REFERENCES sm_secrets (project, location, secret_id) ON DELETE CASCADE;
     END IF;
   END $$`,
];

export class SecretAccessError extends Error {}

const etag = () => `"${randomBytes(9).toString("base64url")}"`;

/** `id` or `projects/{p}/secrets/{id}` → where the secret lives. */
export function secretLocation(project: string, secret: string): { project: string; secretId: string } {
  const m = /^projects\/([^/]+)\/secrets\/([^/]+)$/.exec(secret);
  return m ? { project: m[1], secretId: m[2] } : { project, secretId: secret };
}

export class SecretStore {
  // The gRPC API (api.ts) queries the same tables.
  constructor(
    readonly db: Db,
    readonly projects: Projects,
  ) {}

  ensureSchema(): Promise<void> {
    return ensureSchema(this.db, SCHEMA);
  }

  async createSecret(
    project: string,
    secretId: string,
    opts: { labels?: Record<string, string>; createTime?: Date } = {},
  ): Promise<void> {
    await this.projects.register(project);
    await this.db.query(
      `INSERT INTO sm_secrets (project, secret_id, labels, create_time, etag) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [project, secretId, JSON.stringify(opts.labels ?? {}), opts.createTime ?? new Date(), etag()],
    );
  }

  /** Adds an ENABLED version (1, 2, 3, …) and returns its number. */
  async addVersion(project: string, secretId: string, data: Buffer | string, createTime = new Date()): Promise<number> {
    const { rows } = await this.db.query<{ version: number }>(
      `INSERT INTO sm_secret_versions (project, secret_id, version, state, payload, create_time, etag)
       SELECT $1, $2, COALESCE(MAX(version), 0) + 1, 'ENABLED', $3, $4, $5 FROM sm_secret_versions WHERE project = $1 AND location = '' AND secret_id = $2
       RETURNING version`,
      [project, secretId, Buffer.from(data), createTime, etag()],
    );
    return rows[0].version;
  }

  /** Seeding only: rewrites the newest version's value in place (a seeded value that depends on other seeded state). */
  async replaceLatestValue(project: string, secretId: string, data: string): Promise<void> {
    await this.db.query(
      `UPDATE sm_secret_versions SET payload = $3 WHERE project = $1 AND location = '' AND secret_id = $2
         AND version = (SELECT MAX(version) FROM sm_secret_versions WHERE project = $1 AND location = '' AND secret_id = $2)`,
      [project, secretId, Buffer.from(data)],
    );
  }

  async setVersionState(
    project: string,
    secretId: string,
    version: number,
    state: "ENABLED" | "DISABLED" | "DESTROYED",
  ): Promise<void> {
    await this.db.query(
      `UPDATE sm_secret_versions SET state = $4, etag = $5,
         payload = CASE WHEN $4 = 'DESTROYED' THEN NULL ELSE payload END,
         destroy_time = CASE WHEN $4 = 'DESTROYED' THEN now() ELSE destroy_time END
       WHERE project = $1 AND location = '' AND secret_id = $2 AND version = $3`,
      [project, secretId, version, state, etag()],
    );
  }

  async isEmpty(): Promise<boolean> {
    const { rowCount } = await this.db.query("SELECT 1 FROM sm_secrets LIMIT 1");
    return !rowCount;
  }

  /**
   * The value `ref` names, as Cloud Run resolves it: `latest` (or empty) is
   * the most recently created version whatever its state; a version that is
   * not ENABLED fails, like AccessSecretVersion.
   */
  async resolve(project: string, ref: SecretRef): Promise<string> {
    const where = secretLocation(project, ref.secret);
    // Cloud Run accepts `projects/{number}/secrets/…`; the tables key on the id.
    where.project = await this.projects.resolve(where.project);
    const full = `projects/${where.project}/secrets/${where.secretId}`;
    const secret = await this.db.query<{ version_aliases: Record<string, number> }>(
      "SELECT version_aliases FROM sm_secrets WHERE project = $1 AND location = '' AND secret_id = $2",
      [where.project, where.secretId],
    );
    if (!secret.rowCount) throw new SecretAccessError(`Secret ${full} was not found.`);
    const wanted = ref.version || "latest";
    let version: number | undefined;
    if (wanted === "latest") {
      const { rows } = await this.db.query<{ v: number | null }>(
        "SELECT MAX(version) AS v FROM sm_secret_versions WHERE project = $1 AND location = '' AND secret_id = $2",
        [where.project, where.secretId],
      );
      version = rows[0].v ?? undefined;
    } else version = /^\d+$/.test(wanted) ? Number(wanted) : secret.rows[0].version_aliases[wanted];
    if (version === undefined) throw new SecretAccessError(`Secret Version ${full}/versions/${wanted} was not found.`);
    const { rows } = await this.db.query<{ state: string; payload: Buffer | null }>(
      "SELECT state, payload FROM sm_secret_versions WHERE project = $1 AND location = '' AND secret_id = $2 AND version = $3",
      [where.project, where.secretId, version],
    );
    if (!rows.length) throw new SecretAccessError(`Secret Version ${full}/versions/${wanted} was not found.`);
    if (rows[0].state !== "ENABLED" || !rows[0].payload) {
      throw new SecretAccessError(`Secret Version [${full}/versions/${version}] is in ${rows[0].state} state.`);
    }
    return rows[0].payload.toString("utf8");
  }

  /** Like resolve, without the value: for the check at revision creation. */
  async check(project: string, ref: SecretRef): Promise<void> {
    await this.resolve(project, ref);
  }
}
