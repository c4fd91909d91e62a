// google.iam.v1.Policy checks, as IAM applies them to a resource's policy:
// versions 0, 1 and 3 (conditions need 3), roles that name a role, members of
// the known principal kinds, no audit configs below a project. A valid policy
// is normalised the way IAM stores it: bindings of the same role and
// condition merged, members deduplicated, empty bindings dropped.
import { invalid } from "../../grpc/errors";

export type Expr = { expression?: string; title?: string; description?: string; location?: string };
export type Binding = { role: string; members: string[]; condition?: Expr };
export type PolicyInput = {
  version?: number;
  bindings?: { role?: string; members?: string[]; condition?: Expr | null }[];
  auditConfigs?: unknown[];
};

const VERSIONS = new Set([0, 1, 3]);
const ROLE = /^(roles\/[A-Za-z0-9_.]+|(projects|organizations)\/[^/\s]+\/roles\/[A-Za-z0-9_.]+)$/;
const EMAIL = "[^@\\s:]+@[^@\\s:]+\\.[^@\\s:]+";
const MEMBER = [
  new RegExp(`^(user|serviceAccount|group):${EMAIL}$`),
  /^domain:[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/,
  /^(allUsers|allAuthenticatedUsers)$/,
  /^principal(Set)?:\/\/\S+$/,
];
const PERMISSION = /^[a-z][a-zA-Z0-9]*(\.[a-zA-Z][a-zA-Z0-9]*){2}$/;

export function checkVersion(version: number | undefined, what: string): number {
  const v = Number(version ?? 0);
  if (!VERSIONS.has(v)) throw invalid(`Invalid ${what} ${v}: valid policy versions are 0, 1 and 3.`);
  return v;
}

const hasCondition = (b: { condition?: Expr | null }) => Boolean(b.condition && Object.keys(b.condition).length);

/** The bindings to store, or INVALID_ARGUMENT naming what is wrong. */
export function validBindings(policy: PolicyInput): { version: number; bindings: Binding[] } {
  const requested = checkVersion(policy.version, "policy version");
  if ((policy.auditConfigs ?? []).length)
    throw invalid("Audit configs can be set only on projects, folders and organizations, not on this resource.");
  const merged = new Map<string, Binding>();
  for (const b of policy.bindings ?? []) {
    const role = b.role ?? "";
    if (!ROLE.test(role))
      throw invalid(`Invalid role "${role}": a role is roles/{name} or projects/{project}/roles/{name}.`);
    const conditional = hasCondition(b);
    if (conditional) {
      if (requested !== 3) throw invalid(`The binding of ${role} has a condition: set the policy version to 3.`);
      if (!b.condition?.expression) throw invalid(`The condition of the binding of ${role} has no expression.`);
    }
    for (const m of b.members ?? []) {
      if (!MEMBER.some((re) => re.test(m))) {
        throw invalid(
          `Invalid member "${m}" in the binding of ${role}: expected user:, serviceAccount:, group: or domain: followed by an address, allUsers or allAuthenticatedUsers.`,
        );
      }
    }
    const condition = conditional
      ? { expression: b.condition!.expression!, ...pick(b.condition!, ["title", "description", "location"]) }
      : undefined;
    const key = JSON.stringify([role, condition ?? null]);
    const into = merged.get(key) ?? { role, members: [], ...(condition ? { condition } : {}) };
    for (const m of b.members ?? []) if (!into.members.includes(m)) into.members.push(m);
    merged.set(key, into);
  }
  const bindings = [...merged.values()].filter((b) => b.members.length > 0);
  return { version: bindings.some((b) => b.condition) ? 3 : 1, bindings };
}

function pick(o: Expr, keys: (keyof Expr)[]): Expr {
  const out: Expr = {};
  for (const k of keys) if (o[k]) out[k] = o[k];
  return out;
}

/** A permission asked for in TestIamPermissions: `service.resource.verb`, no wildcards. */
export function checkPermission(p: string): void {
  if (p.includes("*")) throw invalid(`Permissions with wildcards (such as '*' or 'run.*') are not allowed: "${p}".`);
  if (!PERMISSION.test(p)) throw invalid(`Invalid permission "${p}": expected service.resource.verb.`);
}
