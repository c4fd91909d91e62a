// What the portal may touch: the project/region pairs an admin put in Settings
// (fleet_locations). The portal's identity may reach more than that; every
// action and every read route keeps to this list (issue 14, finding 3).
import type { Db } from "../db";
import { Forbidden } from "../errors";

/**
 * What an action or read is about. A region-less scope (Cloud SQL, Secret
 * Manager, Cloud Logging are per project) is covered when any pair names its
 * project; `service` names the Cloud Run service within it, for checks finer
 * than Settings' pairs (a team's grants). "portal" is the portal's own data
 * (users, settings), covered always.
 */
export type Scope = { project: string; region?: string | null; service?: string } | "portal";

/** What an action declares: every scope it reads or writes (a promotion: the source and the target). */
export type Scopes = Scope | readonly Scope[];

export const scopeList = (scopes: Scopes): readonly Scope[] => (Array.isArray(scopes) ? scopes : [scopes as Scope]);

export function describeScope(scope: Exclude<Scope, "portal">): string {
  const where = scope.region ? `${scope.project}/${scope.region}` : scope.project;
  return scope.service ? `${where} (service ${scope.service})` : where;
}

/** The first of `scopes` outside Settings, or null when all are covered. */
export async function firstUncovered(db: Db, scopes: Scopes): Promise<Exclude<Scope, "portal"> | null> {
  for (const scope of scopeList(scopes)) {
    if (scope !== "portal" && !(await isCovered(db, scope))) return scope;
  }
  return null;
}

export async function isCovered(db: Db, scope: Scope): Promise<boolean> {
  if (scope === "portal") return true;
  const where = scope.region ? { project: scope.project, region: scope.region } : { project: scope.project };
  return (await db.fleetLocation.count({ where })) > 0;
}

/** The refusal a person sees for a project or region outside Settings. */
export function notCovered(scope: Exclude<Scope, "portal">): Forbidden {
  return new Forbidden(notCoveredMessage(scope));
}

export function notCoveredMessage(scope: Exclude<Scope, "portal">): string {
  const where = scope.region ? `${scope.project}/${scope.region}` : scope.project;
  return `${where} is not covered by this portal; an admin adds projects and regions in Settings.`;
}

/** Throws notCovered unless the scope is covered. */
export async function requireCovered(db: Db, scope: Scope): Promise<void> {
  if (scope !== "portal" && !(await isCovered(db, scope))) throw notCovered(scope);
}

/** `projects/p/locations/r/...` or `projects/p/...` (operation targets) → its scope; null for anything else. */
export function scopeOfResourceName(name: string): Exclude<Scope, "portal"> | null {
  const m = /^projects\/([^/]+)(?:\/locations\/([^/]+))?\//.exec(name);
  return m ? { project: m[1], region: m[2] ?? null } : null;
}

/** For read route handlers: a 403 answer when the project (or project/region) is outside Settings, else null. */
export async function refuseUncoveredRead(db: Db, about: string | Exclude<Scope, "portal">): Promise<Response | null> {
  const scope = typeof about === "string" ? { project: about } : about;
  if (await isCovered(db, scope)) return null;
  return Response.json({ error: notCovered(scope).message }, { status: 403 });
}
