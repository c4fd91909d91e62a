// Revocable sessions (issue 14, finding 8). Sessions are signed JWT cookies; a
// copied cookie used to work until it expired, even after sign-out. Each cookie
// now names its session (a random id made at sign-in, kept when next-auth
// re-issues the cookie); sign-out lists that session in revoked_sessions, and a
// listed session is refused on the very next request. Other sessions of the
// same person (another browser) carry on. The role is read from the database on
// every request, so a role change takes effect then too.
import { randomUUID } from "node:crypto";
import type { Config } from "../config";
import type { Db } from "../db";
import { isLocalAccount } from "./local-accounts";
import type { Actor } from "./roles";

/** What the session cookie says: our user id and its session id. */
export type SessionClaims = { uid?: string | null; sid?: string | null };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A new session's id, put in the cookie at sign-in. */
export const newSessionId = (): string => randomUUID();

/** The person a session cookie stands for now, or null when it names no session, was signed out, or no longer applies. */
export async function actorFromClaims(db: Db, auth: Config["auth"], claims: SessionClaims): Promise<Actor | null> {
  // A cookie from before sessions had ids cannot be revoked: it is refused, and its holder signs in again.
  if (!claims.uid || !claims.sid || !UUID.test(claims.sid)) return null;
  const [user, revoked] = await Promise.all([
    db.user.findUnique({ where: { id: claims.uid } }),
    db.revokedSession.findUnique({ where: { sessionId: claims.sid }, select: { sessionId: true } }),
  ]);
  if (!user || revoked) return null;
  // A local session outlives local sign-in being switched off: refuse it.
  if (isLocalAccount(user.email) && !auth.localSignIn) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

/** Sign-out: the session is refused from now until its cookie would have expired (`expiresAt`); expired entries are dropped. */
export async function revokeSession(db: Db, sid: string, expiresAt: Date): Promise<void> {
  if (!UUID.test(sid)) return;
  await db.revokedSession.upsert({ where: { sessionId: sid }, create: { sessionId: sid, expiresAt }, update: {} });
  await db.revokedSession.deleteMany({ where: { expiresAt: { lt: new Date() } } });
}
