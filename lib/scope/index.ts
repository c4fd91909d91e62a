// What the portal may touch: the project/region pairs an admin put in Settings
// (fleet_locations). The portal's identity may reach more than that; every
// action and every read route keeps to this list (issue 14, finding 3).
import type { Db } from "../db";
import { Forbidden } from "../errors";

/**
 * What an action or read is about. A region-less scope (Cloud SQL, Secret
 * Manager, Cloud Logging are per project) is covered when any pair names its
 * project. "portal" is the portal's own data (users, settings), covered always.
 */
export type Scope = { project: string; region?: string | null } | "portal";

export function describeScope(scope: Exclude<Scope, "portal">): string {
  return scope.region ? `${scope.project}/${scope.region}` : scope.project;
}

export async function isCovered(db: Db, scope: Scope): Promise<boolean> {
  if (scope === "portal") return true;
  const where = scope.region ? { project: scope.project, region: scope.region } : { project: scope.project };
  return (await db.fleetLocation.count({ where })) > 0;
}

/** The refusal a person sees for a project or region outside Settings. */
export function notCovered(scope: Exclude<Scope, "portal">): Forbidden {
  return new Forbidden(`${describeScope(scope)} is not covered by this portal; an admin adds projects and regions in Settings.`);
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
