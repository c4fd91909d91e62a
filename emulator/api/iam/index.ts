// google.iam.v1 GetIamPolicy / SetIamPolicy / TestIamPermissions for the
// APIs whose resources carry their own policy (Cloud Run services, secrets).
// Policies live in `iam_policies`, keyed on the resource's canonical name
// (project id, not number); a resource's policy goes when the resource does.
//
// Emulator choice: there is no caller identity and nothing is enforced, so
// TestIamPermissions answers as for an owner of the resource: every asked
// permission that applies to the resource type comes back; permissions of
// other resource types do not; malformed or wildcard ones are INVALID_ARGUMENT.
import { randomBytes } from "node:crypto";
import { ensureSchema, inTransaction, type Db, type Queryable } from "../../db";
import { aborted, ApiError, Code, invalid } from "../../grpc/errors";
import type { Handler } from "../../grpc/server";
import { checkPermission, checkVersion, validBindings, type Binding, type PolicyInput } from "./policy";

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS iam_policies (
    resource text PRIMARY KEY,
    bindings jsonb NOT NULL,
    version integer NOT NULL,
    etag text NOT NULL,
    update_time timestamptz NOT NULL DEFAULT now()
  )`,
];

/** The etag of a policy never set (IAM's empty policy answers "ACAB" in JSON, i.e. these bytes). */
export const EMPTY_ETAG = "ACAB";

type StoredPolicy = { version: number; bindings: Binding[]; etag: string };

/** What a handler needs to know of the resource a request names (throws NOT_FOUND when it does not exist). */
export type IamResource = { key: string; permissions: readonly string[] };
export type ResolveResource = (resource: string) => Promise<IamResource>;

export class PolicyStore {
  constructor(readonly db: Db) {}

  ensureSchema(): Promise<void> {
    return ensureSchema(this.db, SCHEMA);
  }

  async get(key: string, q: Queryable = this.db): Promise<StoredPolicy> {
    const { rows } = await q.query<StoredPolicy>(
      "SELECT version, bindings, etag FROM iam_policies WHERE resource = $1",
      [key],
    );
    return rows[0] ?? { version: 0, bindings: [], etag: EMPTY_ETAG };
  }

  /** Replaces the bindings; ABORTED when `expectedEtag` is given and is not the current one. */
  async set(
    key: string,
    next: { version: number; bindings: Binding[] },
    expectedEtag: string | null,
  ): Promise<StoredPolicy> {
    return inTransaction(this.db, async (q) => {
      await q.query("SELECT pg_advisory_xact_lock(hashtext('iam:' || $1))", [key]);
      const current = await this.get(key, q);
      if (expectedEtag !== null && expectedEtag !== current.etag) {
        throw aborted(
          "There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.",
        );
      }
      const etag = randomBytes(8).toString("base64");
      await q.query(
        `INSERT INTO iam_policies (resource, bindings, version, etag) VALUES ($1, $2, $3, $4)
         ON CONFLICT (resource) DO UPDATE SET bindings = EXCLUDED.bindings, version = EXCLUDED.version, etag = EXCLUDED.etag, update_time = now()`,
        [key, JSON.stringify(next.bindings), next.version, etag],
      );
      return { ...next, etag };
    });
  }

  /** The resource went away: so does its policy (inside the deleting transaction). */
  async delete(q: Queryable, key: string): Promise<void> {
    await q.query("DELETE FROM iam_policies WHERE resource = $1", [key]);
  }
}

const out = (p: StoredPolicy) => ({
  ...(p.version ? { version: p.version } : {}),
  bindings: p.bindings,
  etag: Buffer.from(p.etag, "base64"),
});

const MASK_PATHS = new Set(["bindings", "etag", "audit_configs", "auditConfigs"]);

export function iamHandlers(store: PolicyStore, resolve: ResolveResource): Record<string, Handler> {
  return {
    async GetIamPolicy(req: { resource?: string; options?: { requestedPolicyVersion?: number } }) {
      const { key } = await resolve(req.resource ?? "");
      const requested = checkVersion(req.options?.requestedPolicyVersion, "requested policy version");
      const policy = await store.get(key);
      if (policy.version === 3 && requested < 3) {
        throw invalid(
          "The policy has conditional role bindings: request policy version 3 (options.requested_policy_version).",
        );
      }
      return out(policy);
    },

    async SetIamPolicy(req: {
      resource?: string;
      policy?: PolicyInput & { etag?: Buffer };
      updateMask?: { paths?: string[] };
    }) {
      const { key } = await resolve(req.resource ?? "");
      if (!req.policy) throw invalid("policy is required.");
      const paths = req.updateMask?.paths ?? [];
      for (const p of paths)
        if (!MASK_PATHS.has(p)) throw invalid(`update_mask: "${p}" is not a field of Policy that can be set here.`);
      const next = validBindings(req.policy);
      const given = req.policy.etag?.length ? Buffer.from(req.policy.etag).toString("base64") : null;
      if (paths.length && !paths.includes("bindings")) {
        // Only the etag (or empty audit configs) is "set": the bindings stay.
        const current = await store.get(key);
        return out(await store.set(key, { version: current.version || 1, bindings: current.bindings }, given));
      }
      return out(await store.set(key, next, given));
    },

    async TestIamPermissions(req: { resource?: string; permissions?: string[] }) {
      const asked = req.permissions ?? [];
      for (const p of asked) checkPermission(p);
      // google.iam.v1: "If the resource does not exist, this will return an empty set of permissions, not a NOT_FOUND error."
      let applicable: readonly string[];
      try {
        applicable = (await resolve(req.resource ?? "")).permissions;
      } catch (err) {
        if (err instanceof ApiError && err.code === Code.NOT_FOUND) return { permissions: [] };
        throw err;
      }
      return { permissions: [...new Set(asked.filter((p) => applicable.includes(p)))] };
    },
  };
}

/** Permissions that apply to a Cloud Run service (what TestIamPermissions can return for one). */
export const RUN_SERVICE_PERMISSIONS = [
  "run.services.get",
  "run.services.update",
  "run.services.delete",
  "run.services.getIamPolicy",
  "run.services.setIamPolicy",
  "run.services.invoke",
  "run.routes.invoke",
] as const;

/** Permissions that apply to a Cloud Run job, its executions included. */
export const RUN_JOB_PERMISSIONS = [
  "run.jobs.get",
  "run.jobs.update",
  "run.jobs.delete",
  "run.jobs.run",
  "run.jobs.runWithOverrides",
  "run.jobs.getIamPolicy",
  "run.jobs.setIamPolicy",
  "run.executions.get",
  "run.executions.cancel",
  "run.executions.delete",
] as const;

/** Permissions that apply to a secret, its versions included. */
export const SECRET_PERMISSIONS = [
  "secretmanager.secrets.get",
  "secretmanager.secrets.update",
  "secretmanager.secrets.delete",
  "secretmanager.secrets.getIamPolicy",
  "secretmanager.secrets.setIamPolicy",
  "secretmanager.versions.add",
  "secretmanager.versions.get",
  "secretmanager.versions.list",
  "secretmanager.versions.access",
  "secretmanager.versions.enable",
  "secretmanager.versions.disable",
  "secretmanager.versions.destroy",
] as const;
