// Finding (issue 27, item 6): /api/auth/session answered the person's name,
// e-mail and session id for a cookie whose session had been signed out. It now
// answers as for no session ({}) and clears the cookie. Driven in-process
// through next-auth's own handler with the portal's options, as the route
// handler (app/api/auth/[...nextauth]) calls it, against the real test PostgreSQL.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { AuthOptions } from "next-auth";
import { encode } from "next-auth/jwt";
import { beforeAll, describe, expect, it } from "vitest";
import { createPortalDatabaseUrl, makeUser } from "../portal-db";
import { createDb, type Db } from "@/lib/db";
import { newSessionId, revokeSession } from "@/lib/auth/revocation";

// next-auth's core handler, which its package exports map does not name; the route handler calls it the same way.
const require = createRequire(import.meta.url);
type AuthHandler = (params: {
  req: Record<string, unknown>;
  options: AuthOptions;
}) => Promise<{ body?: unknown; cookies?: { name: string; value: string }[] }>;
const { AuthHandler } = require(join(dirname(require.resolve("next-auth")), "core/index.js")) as {
  AuthHandler: AuthHandler;
};
const SECRET = "s".repeat(40);
let db: Db;
let authOptions: typeof import("@/lib/auth/options").authOptions;

beforeAll(async () => {
  const url = await createPortalDatabaseUrl();
  Object.assign(process.env, { DATABASE_URL: url, AUTH_SECRET: SECRET, RUNWAY_MODE: "local" });
  db = createDb(url);
  ({ authOptions } = await import("@/lib/auth/options"));
});

/** GET /api/auth/session with this session cookie, as the route handler passes it to next-auth. */
async function session(claims: Record<string, unknown>) {
  const cookie = await encode({ token: claims, secret: SECRET });
  const res = await AuthHandler({
    req: {
      method: "GET",
      action: "session",
      query: {},
      body: undefined,
      headers: { host: "localhost:3000", "x-forwarded-proto": "http" },
      cookies: { "next-auth.session-token": cookie },
    },
    options: authOptions(),
  });
  return {
    body: res.body,
    cleared: (res.cookies ?? []).some((c) => c.name === "next-auth.session-token" && c.value === ""),
  };
}

describe("/api/auth/session", () => {
  it("answers the person for a live session, and as for no session once it is signed out (cookie cleared)", async () => {
    const ann = await makeUser(db, "developer");
    await db.user.update({ where: { id: ann.id }, data: { name: "Ann Example" } });
    const claims = { uid: ann.id, sid: newSessionId(), sub: ann.id, email: ann.email, name: "Ann Example" };
    expect((await session(claims)).body).toMatchObject({ user: { email: ann.email, id: ann.id, sid: claims.sid } });

    await revokeSession(db, claims.sid, new Date(Date.now() + 3600_000));
    const after = await session(claims);
    expect(after.body).toEqual({});
    expect(JSON.stringify(after.body)).not.toContain(ann.email);
    expect(after.cleared).toBe(true);
  });

  it("answers as for no session for a cookie of a deleted person or without a session id", async () => {
    const bob = await makeUser(db, "viewer");
    await db.user.delete({ where: { id: bob.id } });
    expect((await session({ uid: bob.id, sid: newSessionId(), email: bob.email })).body).toEqual({});
    const cid = await makeUser(db, "viewer");
    expect((await session({ uid: cid.id, email: cid.email })).body).toEqual({});
  });
});
