import type { Role } from "../generated/prisma/enums";
export type { Role };

/** Each role can do everything the roles before it can. */
export const ROLES = ["viewer", "developer", "operator", "admin"] as const satisfies readonly Role[];

export const ROLE_LABELS: Record<Role, string> = {
  viewer: "Viewer",
  developer: "Developer",
  operator: "Operator",
  admin: "Admin",
};

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  viewer: "Reads everything",
  developer: "Deploys, shifts traffic, rolls back",
  operator: "Also rotates secrets and restores backups",
  admin: "Also manages users, roles and settings",
};

export function hasRole(actual: Role, required: Role): boolean {
  return ROLES.indexOf(actual) >= ROLES.indexOf(required);
}

export type Actor = { id: string; email: string; name: string | null; role: Role };
