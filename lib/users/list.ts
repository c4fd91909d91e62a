import type { Db } from "../db";

export async function listUsers(db: Db) {
  return db.user.findMany({
    orderBy: [{ role: "desc" }, { email: "asc" }],
    select: { id: true, email: true, name: true, role: true, createdAt: true, lastSignInAt: true },
  });
}
export type UserRow = Awaited<ReturnType<typeof listUsers>>[number];
