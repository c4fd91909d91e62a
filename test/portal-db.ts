import { inject } from "vitest";
import { createDb, type Db } from "../lib/db";
import { createPortalDatabase } from "./databases";

/** A Prisma client on a fresh, migrated database of the test server. */
export async function freshPortalDb(): Promise<Db> {
  return createDb(await createPortalDatabaseUrl());
}

export const createPortalDatabaseUrl = () => createPortalDatabase(inject("pgAdminUrl"));

export async function makeUser(db: Db, role: "viewer" | "developer" | "operator" | "admin", email = `${role}-${Math.random().toString(36).slice(2, 8)}@example.com`) {
  const u = await db.user.create({ data: { email, role } });
  return { id: u.id, email: u.email, name: u.name, role: u.role };
}
