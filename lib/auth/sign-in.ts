// Who may sign in, and with which role. Google accounts must belong to an
// allowed domain; ADMIN_EMAILS become admins when first seen; everyone else
// starts as viewer. Local accounts exist only while local sign-in is on.
import type { Config } from "../config";
import type { Db } from "../db";
import { Forbidden } from "../errors";
import { isLocalAccount } from "./local-accounts";
import type { Actor } from "./roles";

export type SignInAttempt = {
  provider: "google" | "local";
  email: string;
  name?: string | null;
  emailVerified?: boolean;
};

/** One account, one spelling: what sign-in and its rate limit both key on. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export async function signInUser(db: Db, auth: Config["auth"], attempt: SignInAttempt): Promise<Actor> {
  const email = normalizeEmail(attempt.email);
  if (attempt.provider === "local") {
    if (!auth.localSignIn || !isLocalAccount(email))
      throw new Forbidden("Local sign-in is not enabled for this account.");
    const user = await db.user.findUnique({ where: { email } });
    if (!user) throw new Forbidden("Unknown local account.");
    return touch(db, user.id);
  }
  if (!auth.google) throw new Forbidden("Google sign-in is not configured.");
  if (attempt.emailVerified === false) throw new Forbidden("Your Google e-mail address is not verified.");
  const domain = email.split("@")[1] ?? "";
  if (!auth.allowedDomains.includes(domain))
    throw new Forbidden(`Accounts from ${domain || "this domain"} may not sign in.`);
  const user = await db.user.upsert({
    where: { email },
    update: { name: attempt.name ?? undefined },
    create: { email, name: attempt.name ?? null, role: auth.adminEmails.includes(email) ? "admin" : "viewer" },
  });
  return touch(db, user.id);
}

async function touch(db: Db, id: string): Promise<Actor> {
  const user = await db.user.update({ where: { id }, data: { lastSignInAt: new Date() } });
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}
