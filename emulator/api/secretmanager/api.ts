// google.cloud.secretmanager.v1.SecretManagerService over the SecretStore's
// tables. Payloads leave only through AccessSecretVersion; nothing here logs
// them. Etags are checked only when the request carries one (AIP-154).
import { randomBytes } from "node:crypto";
import type { Handler } from "../../grpc/server";
import { aborted, alreadyExists, failedPrecondition, invalid, notFound } from "../../grpc/errors";
import { pageOf, readPage } from "../../grpc/paging";
import { durationMs, fromTimestamp, toTimestamp } from "../run/names";
import type { SecretStore } from "./store";
import { crc32c } from "./crc32c";
import {
  parseParent,
  parseSecret,
  parseVersion,
  SECRET_ID,
  secretKeyName,
  secretName,
  versionName,
  type SecretKey,
} from "./names";
import { iamHandlers, SECRET_PERMISSIONS, type PolicyStore } from "../iam";
import { inTransaction } from "../../db";

const MAX_PAYLOAD = 64 * 1024;
const etag = () => `"${randomBytes(9).toString("base64url")}"`;

type SecretRow = {
  project: string;
  location: string;
  secret_id: string;
  create_time: Date;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  version_aliases: Record<string, number>;
  etag: string;
  extra: Extra;
};
type Extra = {
  replication?: object;
  rotation?: Rotation;
  topics?: { name: string }[];
  expireTime?: { seconds: string; nanos?: number };
  versionDestroyTtl?: object;
};
type Rotation = {
  nextRotationTime?: { seconds: string | number; nanos?: number };
  rotationPeriod?: { seconds?: string | number; nanos?: number };
};
type VersionRow = {
  project: string;
  location: string;
  secret_id: string;
  version: number;
  state: string;
  create_time: Date;
  destroy_time: Date | null;
  etag: string;
  client_checksum: boolean;
};

/** The key columns of a secret: `project = $1 AND location = $2 AND secret_id = $3`. */
const KEY = "project = $1 AND location = $2 AND secret_id = $3";
const VERSION_COLUMNS =
  "project, location, secret_id, version, state, create_time, destroy_time, etag, client_checksum";
const keyOf = (r: { project: string; location: string; secret_id: string }): SecretKey => ({
  project: r.project,
  location: r.location,
  secretId: r.secret_id,
});
const keyParams = (k: SecretKey) => [k.project, k.location, k.secretId];

function secretOut(r: SecretRow) {
  return {
    name: secretName(keyOf(r)),
    // Regional secrets have no replication policy.
    ...(r.location ? {} : { replication: r.extra.replication ?? { automatic: {} } }),
    createTime: toTimestamp(r.create_time),
    labels: r.labels,
    annotations: r.annotations,
    versionAliases: Object.fromEntries(Object.entries(r.version_aliases).map(([k, v]) => [k, String(v)])),
    topics: r.extra.topics ?? [],
    ...(r.extra.rotation ? { rotation: r.extra.rotation } : {}),
    ...(r.extra.expireTime ? { expireTime: r.extra.expireTime } : {}),
    ...(r.extra.versionDestroyTtl ? { versionDestroyTtl: r.extra.versionDestroyTtl } : {}),
    etag: r.etag,
  };
}

function versionOut(r: VersionRow) {
  return {
    name: versionName(keyOf(r), r.version),
    createTime: toTimestamp(r.create_time),
    ...(r.destroy_time ? { destroyTime: toTimestamp(r.destroy_time) } : {}),
    state: r.state,
    ...(r.location ? {} : { replicationStatus: { automatic: {} } }),
    etag: r.etag,
    clientSpecifiedPayloadChecksum: r.client_checksum,
  };
}

const nonEmpty = (o: unknown) => o && typeof o === "object" && Object.keys(o).length > 0;

/** Rotation and topics as Google validates them: rotation needs topics and a next time ≥ 5 min ahead; period 1 h – 100 y. */
function validate(secret: Record<string, any>, paths: Set<string>): void {
  if (paths.has("topics") && (secret.topics ?? []).length > 10) throw invalid("A secret may have at most 10 topics.");
  for (const t of paths.has("topics") ? (secret.topics ?? []) : []) {
    if (!/^projects\/[^/]+\/topics\/[^/]+$/.test(t.name ?? ""))
      throw invalid(`Invalid topic name: ${JSON.stringify(t.name)}.`);
  }
  if (paths.has("rotation") && nonEmpty(secret.rotation)) {
    const r = secret.rotation as Rotation;
    const next = fromTimestamp(r.nextRotationTime as never);
    if (!next) throw invalid("rotation.next_rotation_time is required when rotation is set.");
    if (next.getTime() < Date.now() + 5 * 60_000 - 1000)
      throw invalid("rotation.next_rotation_time must be at least 5 minutes in the future.");
    if (r.rotationPeriod) {
      const ms = durationMs(r.rotationPeriod as never);
      if (ms < 3_600_000 || ms > 100 * 365 * 86_400_000)
        throw invalid("rotation.rotation_period must be between 1 hour and 100 years.");
    }
  }
  if (paths.has("version_aliases")) {
    const aliases = Object.keys(secret.versionAliases ?? {});
    if (aliases.length > 50) throw invalid("A secret may have at most 50 version aliases.");
    for (const a of aliases) {
      if (!/^[A-Za-z][A-Za-z0-9_-]{0,62}$/.test(a) || a === "latest" || a === "NEW")
        throw invalid(`Invalid version alias: ${JSON.stringify(a)}.`);
    }
  }
}

function checkEtag(given: string | undefined, current: string, what: string): void {
  if (given && given !== current)
    throw aborted(`The etag provided in the request does not match the current etag of the ${what}.`);
}

export function secretManagerHandlers(store: SecretStore, policies: PolicyStore): Record<string, Handler> {
  const db = store.db;
  const projects = store.projects;

  async function getSecretRow(k: SecretKey): Promise<SecretRow> {
    const { rows } = await db.query<SecretRow>(`SELECT * FROM sm_secrets WHERE ${KEY}`, keyParams(k));
    if (!rows.length) throw notFound(`Secret [${secretName(k)}] not found or has no versions.`);
    return rows[0];
  }

  /** `latest`, a number or an alias → the version row. */
  async function getVersionRow(name: string | undefined): Promise<VersionRow> {
    const v = await parseVersion(projects, name);
    const secret = await getSecretRow(v);
    let num: number | undefined;
    if (v.version === "latest") {
      const { rows } = await db.query<{ m: number | null }>(
        `SELECT MAX(version) AS m FROM sm_secret_versions WHERE ${KEY}`,
        keyParams(v),
      );
      num = rows[0].m ?? undefined;
    } else if (/^\d+$/.test(v.version)) num = Number(v.version);
    else num = secret.version_aliases[v.version] === undefined ? undefined : Number(secret.version_aliases[v.version]);
    const { rows } =
      num === undefined
        ? { rows: [] as VersionRow[] }
        : await db.query<VersionRow>(
            `SELECT ${VERSION_COLUMNS} FROM sm_secret_versions WHERE ${KEY} AND version = $4`,
            [...keyParams(v), num],
          );
    if (!rows.length) throw notFound(`Secret Version [${versionName(v, v.version)}] not found.`);
    return rows[0];
  }

  async function setState(
    req: { name?: string; etag?: string },
    state: "ENABLED" | "DISABLED" | "DESTROYED",
  ): Promise<object> {
    const row = await getVersionRow(req.name);
    checkEtag(req.etag, row.etag, "secret version");
    if (row.state === "DESTROYED")
      throw failedPrecondition(`Secret Version [${versionName(keyOf(row), row.version)}] is in DESTROYED state.`);
    const { rows } = await db.query<VersionRow>(
      `UPDATE sm_secret_versions SET state = $5, etag = $6,
         payload = CASE WHEN $5 = 'DESTROYED' THEN NULL ELSE payload END,
         destroy_time = CASE WHEN $5 = 'DESTROYED' THEN now() ELSE destroy_time END
       WHERE ${KEY} AND version = $4 AND etag = $7
       RETURNING ${VERSION_COLUMNS}`,
      [...keyParams(keyOf(row)), row.version, state, etag(), row.etag],
    );
    if (!rows.length) throw aborted("The secret version changed concurrently; retry.");
    return versionOut(rows[0]);
  }

  return {
    async CreateSecret(req) {
      const { project, location } = await parseParent(projects, req.parent);
      const key: SecretKey = { project, location, secretId: req.secretId };
      if (!SECRET_ID.test(req.secretId ?? ""))
        throw invalid(`Invalid secret_id: ${JSON.stringify(req.secretId ?? "")}; 1-255 letters, digits, _ or -.`);
      const s = req.secret ?? {};
      await projects.register(project);
      validate(s, new Set(["topics", "rotation", "version_aliases"]));
      if (nonEmpty(s.rotation) && !(s.topics ?? []).length)
        throw invalid("A secret with rotation must have at least one topic.");
      if (Object.keys(s.versionAliases ?? {}).length)
        throw invalid("version_aliases cannot name versions of a secret that has none.");
      if (location && nonEmpty(s.replication))
        throw invalid("A regional secret has no replication policy; leave replication unset.");
      const extra: Extra = {
        ...(location ? {} : { replication: nonEmpty(s.replication) ? s.replication : { automatic: {} } }),
        topics: s.topics ?? [],
      };
      if (nonEmpty(s.rotation)) extra.rotation = s.rotation;
      if (s.expireTime) extra.expireTime = s.expireTime;
      else if (s.ttl) extra.expireTime = toTimestamp(new Date(Date.now() + durationMs(s.ttl))) as Extra["expireTime"];
      if (s.versionDestroyTtl) extra.versionDestroyTtl = s.versionDestroyTtl;
      const { rows } = await db.query<SecretRow>(
        `INSERT INTO sm_secrets (project, location, secret_id, labels, annotations, etag, extra) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT DO NOTHING RETURNING *`,
        [
          ...keyParams(key),
          JSON.stringify(s.labels ?? {}),
          JSON.stringify(s.annotations ?? {}),
          etag(),
          JSON.stringify(extra),
        ],
      );
      if (!rows.length) throw alreadyExists(`Secret [${secretName(key)}] already exists.`);
      return secretOut(rows[0]);
    },

    async GetSecret(req) {
      return secretOut(await getSecretRow(await parseSecret(projects, req.name)));
    },

    async ListSecrets(req) {
      const { project, location } = await parseParent(projects, req.parent);
      const page = readPage(req.pageSize, req.pageToken, 25_000, 25_000);
      // Filter subset: `name:substring`, `labels.key=value` / `labels.key:value`, space = AND.
      // `projects/{p}` lists the global secrets, `projects/{p}/locations/{l}` the regional ones of l.
      const where = ["project = $1", "location = $2"];
      const params: unknown[] = [project, location];
      for (const term of String(req.filter ?? "")
        .trim()
        .split(/\s+/)
        .filter(Boolean)) {
        const name = /^name:(.+)$/.exec(term);
        const label = /^labels\.([a-z0-9_-]+)[:=](.+)$/.exec(term);
        if (name) where.push(`strpos(secret_id, $${params.push(name[1].replace(/^"|"$/g, ""))}) > 0`);
        else if (label)
          where.push(`labels ->> $${params.push(label[1])} = $${params.push(label[2].replace(/^"|"$/g, ""))}`);
        else
          throw invalid(
            `Unsupported filter term ${JSON.stringify(term)}; the emulator supports name:X and labels.KEY=VALUE.`,
          );
      }
      const { rows } = await db.query<SecretRow & { total: string }>(
        `SELECT *, count(*) OVER () AS total FROM sm_secrets WHERE ${where.join(" AND ")} ORDER BY secret_id LIMIT $${params.push(page.limit + 1)} OFFSET $${params.push(page.offset)}`,
        params,
      );
      const { items, nextPageToken } = pageOf(rows, page);
      const total = rows.length ? Number(rows[0].total) : 0;
      return { secrets: items.map(secretOut), nextPageToken, totalSize: total };
    },

    async UpdateSecret(req) {
      const s = req.secret ?? {};
      const key = await parseSecret(projects, s.name);
      const paths = new Set<string>(
        (req.updateMask?.paths ?? []).map((p: string) => p.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)),
      );
      if (!paths.size) throw invalid("update_mask is required.");
      const allowed = [
        "labels",
        "annotations",
        "version_aliases",
        "rotation",
        "topics",
        "expire_time",
        "ttl",
        "version_destroy_ttl",
      ];
      for (const p of paths)
        if (!allowed.includes(p)) throw invalid(`Field ${p} cannot be updated (immutable or unknown).`);
      validate(s, paths);
      const row = await getSecretRow(key);
      checkEtag(s.etag, row.etag, "secret");
      const next: SecretRow = { ...row, extra: { ...row.extra } };
      if (paths.has("labels")) next.labels = s.labels ?? {};
      if (paths.has("annotations")) next.annotations = s.annotations ?? {};
      if (paths.has("topics")) next.extra.topics = s.topics ?? [];
      if (paths.has("rotation")) next.extra.rotation = nonEmpty(s.rotation) ? s.rotation : undefined;
      if (paths.has("expire_time")) next.extra.expireTime = s.expireTime ?? undefined;
      if (paths.has("ttl"))
        next.extra.expireTime = s.ttl
          ? (toTimestamp(new Date(Date.now() + durationMs(s.ttl))) as Extra["expireTime"])
          : undefined;
      if (paths.has("version_destroy_ttl")) next.extra.versionDestroyTtl = s.versionDestroyTtl ?? undefined;
      if (next.extra.rotation && !(next.extra.topics ?? []).length)
        throw invalid("A secret with rotation must have at least one topic.");
      if (paths.has("version_aliases")) {
        const aliases = Object.fromEntries(
          Object.entries((s.versionAliases ?? {}) as Record<string, string>).map(([k, v]) => [k, Number(v)]),
        );
        const { rows } = await db.query<{ version: number; state: string }>(
          `SELECT version, state FROM sm_secret_versions WHERE ${KEY}`,
          keyParams(key),
        );
        for (const [a, v] of Object.entries(aliases)) {
          const found = rows.find((r) => r.version === v);
          if (!found || found.state === "DESTROYED")
            throw invalid(`Alias ${a} names version ${v}, which does not exist or is destroyed.`);
        }
        next.version_aliases = aliases;
      }
      const { rows } = await db.query<SecretRow>(
        `UPDATE sm_secrets SET labels = $4, annotations = $5, version_aliases = $6, extra = $7, etag = $8
         WHERE ${KEY} AND etag = $9 RETURNING *`,
        [
          ...keyParams(key),
          JSON.stringify(next.labels),
          JSON.stringify(next.annotations),
          JSON.stringify(next.version_aliases),
          JSON.stringify(next.extra),
          etag(),
          row.etag,
        ],
      );
      if (!rows.length) throw aborted("The secret changed concurrently; retry.");
      return secretOut(rows[0]);
    },

    async DeleteSecret(req) {
      const key = await parseSecret(projects, req.name);
      const row = await getSecretRow(key);
      checkEtag(req.etag, row.etag, "secret");
      await inTransaction(db, async (q) => {
        await q.query(`DELETE FROM sm_secrets WHERE ${KEY}`, keyParams(key));
        await policies.delete(q, secretKeyName(key));
      });
      return {};
    },

    async AddSecretVersion(req) {
      const key = await parseSecret(projects, req.parent);
      await getSecretRow(key);
      const data: Buffer = Buffer.from(req.payload?.data ?? Buffer.alloc(0));
      if (data.length > MAX_PAYLOAD)
        throw invalid(`Secret payload is ${data.length} bytes; the limit is ${MAX_PAYLOAD} bytes.`);
      const given = req.payload?.dataCrc32c;
      const clientChecksum = given !== undefined && given !== null;
      if (clientChecksum && Number(given) !== crc32c(data))
        throw invalid("Checksum mismatch: the data_crc32c in the request does not match the payload.");
      const { rows } = await db.query<VersionRow>(
        `INSERT INTO sm_secret_versions (project, location, secret_id, version, state, payload, etag, client_checksum)
         SELECT $1, $2, $3, COALESCE(MAX(version), 0) + 1, 'ENABLED', $4, $5, $6 FROM sm_secret_versions WHERE ${KEY}
         RETURNING ${VERSION_COLUMNS}`,
        [...keyParams(key), data, etag(), clientChecksum],
      );
      return versionOut(rows[0]);
    },

    async GetSecretVersion(req) {
      return versionOut(await getVersionRow(req.name));
    },

    async AccessSecretVersion(req) {
      const row = await getVersionRow(req.name);
      const name = versionName(keyOf(row), row.version);
      if (row.state !== "ENABLED") throw failedPrecondition(`Secret Version [${name}] is in ${row.state} state.`);
      const { rows } = await db.query<{ payload: Buffer }>(
        `SELECT payload FROM sm_secret_versions WHERE ${KEY} AND version = $4`,
        [...keyParams(keyOf(row)), row.version],
      );
      const data = rows[0].payload;
      return { name, payload: { data, dataCrc32c: String(crc32c(data)) } };
    },

    async ListSecretVersions(req) {
      const key = await parseSecret(projects, req.parent);
      await getSecretRow(key);
      const page = readPage(req.pageSize, req.pageToken, 25_000, 25_000);
      // Filter subset: `state:X` / `state=X` (what the portal asks for).
      const f = /^\s*state\s*[:=]\s*(ENABLED|DISABLED|DESTROYED)\s*$/i.exec(req.filter ?? "");
      if ((req.filter ?? "").trim() && !f)
        throw invalid(`Unsupported filter: ${req.filter}; the emulator supports state:ENABLED|DISABLED|DESTROYED.`);
      const state = f ? f[1].toUpperCase() : null;
      const { rows } = await db.query<VersionRow & { total: string }>(
        `SELECT ${VERSION_COLUMNS}, count(*) OVER () AS total
         FROM sm_secret_versions WHERE ${KEY} AND ($4::text IS NULL OR state = $4)
         ORDER BY version DESC LIMIT $5 OFFSET $6`,
        [...keyParams(key), state, page.limit + 1, page.offset],
      );
      const { items, nextPageToken } = pageOf(rows, page);
      return { versions: items.map(versionOut), nextPageToken, totalSize: rows.length ? Number(rows[0].total) : 0 };
    },

    ...iamHandlers(policies, async (resource) => {
      const key = await parseSecret(projects, resource);
      await getSecretRow(key);
      return { key: secretKeyName(key), permissions: SECRET_PERMISSIONS };
    }),

    EnableSecretVersion: (req) => setState(req, "ENABLED"),
    DisableSecretVersion: (req) => setState(req, "DISABLED"),
    DestroySecretVersion: (req) => setState(req, "DESTROYED"),
  };
}
