// Revocable sessions (issue 14, finding 8). Sessions are signed JWT cookies; a
// copied cookie used to work until it expired, even after sign-out. Each cookie
// now carries the user's session version from when it was issued; signing out
// moves the version on, and a cookie of another version is refused on the very
// next request. The role is read from the database on every request, so a role
// change takes effect then too.
import type { Config } from "../config";
import type { Db } from "../db";
import { isLocalAccount } from "./local-accounts";
import type { Actor } from "./roles";

/** What the session cookie says: our user id and the version it was issued at. */
export type SessionClaims = { uid?: string | null; sv?: number | null };

/** The person a session cookie stands for now, or null when it was revoked or no longer applies. */
export async function actorFromClaims(db: Db, auth: Config["auth"], claims: SessionClaims): Promise<Actor | null> {
  if (!claims.uid) return null;
  const user = await db.user.findUnique({ where: { id: claims.uid } });
  if (!user) return null;
  // Cookies issued before versions existed carry none: they count as version 0.
  if ((claims.sv ?? 0) !== user.sessionVersion) return null;
  // A local session outlives local sign-in being switched off: refuse it.
  if (isLocalAccount(user.email) && !auth.localSignIn) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

/** The version a new cookie for this user carries. */
export async function currentSessionVersion(db: Db, uid: string): Promise<number> {
  return (await db.user.findUniqueOrThrow({ where: { id: uid }, select: { sessionVersion: true } })).sessionVersion;
}

/** Ends every session of the user issued so far (sign-out). */
export async function revokeSessions(db: Db, uid: string): Promise<void> {
  await db.user.updateMany({ where: { id: uid }, data: { sessionVersion: { increment: 1 } } });
}
