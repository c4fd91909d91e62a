// next-auth (v4) configuration. Sessions are signed JWT cookies holding only
// the user's id and a session id; the role is read from the database on every
// request, so a role change takes effect at once, and sign-out revokes the
// session, so a copied cookie stops working (lib/auth/revocation.ts).
import "server-only";
import type { AuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GoogleProvider from "next-auth/providers/google";
import { config } from "../config";
import { db } from "../db";
import { AppError } from "../errors";
import { log } from "../log";
import { actorFromClaims, newSessionId, revokeSession } from "./revocation";
import { signInUser } from "./sign-in";

let options: AuthOptions | undefined;

/**
 * Thrown by the jwt callback for a cookie whose session was signed out (or no
 * longer applies): next-auth then answers as for no session and clears the
 * cookie (issue 27, item 6). Not an error of ours, so logged as info.
 */
class SessionEnded extends Error {
  name = "SessionEnded";
}
const SESSION_MAX_AGE_S = 12 * 60 * 60;

export function authOptions(): AuthOptions {
  if (options) return options;
  const cfg = config();
  // next-auth v4 reads its public URL from the environment; without one it
  // builds URLs from X-Forwarded-Host (else Host), which proxy.ts has replaced by
  // then with a host the configuration trusts (lib/auth/hosts.ts).
  if (cfg.publicUrl) process.env.NEXTAUTH_URL = cfg.publicUrl;
  else process.env.AUTH_TRUST_HOST = "true";

  const providers: AuthOptions["providers"] = [];
  if (cfg.auth.google) {
    providers.push(
      GoogleProvider({
        clientId: cfg.auth.google.clientId,
        clientSecret: cfg.auth.google.clientSecret,
        authorization: { params: { prompt: "select_account" } },
      }),
    );
  }
  if (cfg.auth.localSignIn) {
    providers.push(
      CredentialsProvider({
        id: "local",
        name: "Local account",
        credentials: { email: { label: "Account", type: "text" } },
        async authorize(credentials) {
          try {
            const actor = await signInUser(db(), cfg.auth, {
              provider: "local",
              email: String(credentials?.email ?? ""),
            });
            log.info("signed in", { provider: "local", actor: actor.email });
            return { id: actor.id, email: actor.email, name: actor.name };
          } catch (err) {
            if (err instanceof AppError) return null;
            throw err;
          }
        },
      }),
    );
  }

  options = {
    secret: cfg.authSecret,
    providers,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
    pages: { signIn: "/signin", error: "/signin" },
    callbacks: {
      async signIn({ account, profile, user }) {
        if (account?.provider !== "google") return true;
        try {
          const actor = await signInUser(db(), cfg.auth, {
            provider: "google",
            email: user.email ?? "",
            name: user.name,
            emailVerified: (profile as { email_verified?: boolean } | undefined)?.email_verified,
          });
          log.info("signed in", { provider: "google", actor: actor.email });
          return true;
        } catch (err) {
          log.warn("sign-in refused", { provider: "google", email: user.email, reason: (err as Error).message });
          return "/signin?error=AccessDenied";
        }
      },
      async jwt({ token, user }) {
        // On sign-in, pin the token to our own user id (Google's `sub` is not ours).
        if (user?.email) {
          const row = await db().user.findUnique({ where: { email: user.email.toLowerCase() } });
          if (row) {
            token.uid = row.id;
            token.sid = newSessionId();
          }
          return token;
        }
        // Every later read (/api/auth/session, getServerSession) answers only for a live session.
        if (
          !(await actorFromClaims(db(), cfg.auth, {
            uid: token.uid as string | undefined,
            sid: token.sid as string | undefined,
          }))
        )
          throw new SessionEnded("the session was signed out or no longer applies");
        return token;
      },
      async session({ session, token }) {
        if (session.user)
          Object.assign(session.user, { id: token.uid as string | undefined, sid: token.sid as string | undefined });
        return session;
      },
    },
    events: {
      async signOut({ token }) {
        const sid = token?.sid;
        const exp =
          typeof token?.exp === "number" ? new Date(token.exp * 1000) : new Date(Date.now() + SESSION_MAX_AGE_S * 1000);
        if (typeof sid === "string") await revokeSession(db(), sid, exp);
      },
    },
    logger: {
      error: (code, metadata) => {
        const m = metadata as { name?: string; message?: string } | undefined;
        if (code === "JWT_SESSION_ERROR" && m?.name === "SessionEnded")
          return log.info("session cookie refused", { reason: m.message });
        log.error(`next-auth: ${code}`, { metadata: String(m?.message ?? "") });
      },
      warn: (code) => log.warn(`next-auth: ${code}`),
      debug: () => {},
    },
  };
  return options;
}
