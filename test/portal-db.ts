import { inject } from "vitest";
import { createDb, type Db } from "../lib/db";
import { EMULATOR_DEFAULT_LOCATIONS, ensureLocations } from "../lib/services/locations";
import { createPortalDatabase } from "./databases";

/** A Prisma client on a fresh, migrated database of the test server. */
export async function freshPortalDb(): Promise<Db> {
  return createDb(await createPortalDatabaseUrl());
}

/** freshPortalDb covering the emulator's seeded projects/regions, as Settings does by default: actions are refused outside them. */
export async function coveredPortalDb(): Promise<Db> {
  const db = await freshPortalDb();
  await ensureLocations(db, EMULATOR_DEFAULT_LOCATIONS);
  return db;
}

export const createPortalDatabaseUrl = () => createPortalDatabase(inject("pgAdminUrl"));

export async function makeUser(
  db: Db,
  role: "viewer" | "developer" | "operator" | "admin",
  email = `${role}-${Math.random().toString(36).slice(2, 8)}@example.com`,
) {
  const u = await db.user.create({ data: { email, role } });
  return { id: u.id, email: u.email, name: u.name, role: u.role };
}
