// Local sign-in: one account per role, for a laptop with no OAuth client.
import type { Db } from "../db";
import { ROLES, type Role } from "./roles";

export const LOCAL_DOMAIN = "runway.local";

export const LOCAL_ACCOUNTS: { email: string; name: string; role: Role }[] = ROLES.map((role) => ({
  email: `${role}@${LOCAL_DOMAIN}`,
  name: `${role[0].toUpperCase()}${role.slice(1)} (local)`,
  role,
}));

export function isLocalAccount(email: string): boolean {
  return LOCAL_ACCOUNTS.some((a) => a.email === email);
}

/** Creates the local accounts that are missing; existing ones keep their role. */
export async function ensureLocalAccounts(db: Db): Promise<void> {
  for (const account of LOCAL_ACCOUNTS) {
    await db.user.upsert({ where: { email: account.email }, update: {}, create: account });
  }
}

/** The local accounts as they stand now (an admin may have changed their roles), for the sign-in page. */
export async function listLocalAccounts(db: Db): Promise<{ email: string; role: Role }[]> {
  return db.user.findMany({
    where: { email: { in: LOCAL_ACCOUNTS.map((a) => a.email) } },
    orderBy: { email: "asc" },
    select: { email: true, role: true },
  });
}
