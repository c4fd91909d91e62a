// First line of defence only: anonymous visitors are sent to sign-in before a
// page renders. Pages and server actions check the session themselves.
// Every request also leaves here with an X-Forwarded-Host the portal trusts
// (lib/auth/hosts.ts), so no redirect or callback URL names a host a client made up,
// and with a request id made here (a client's own moves to x-client-request-id).
// Here too (issue 14): security headers and a CSP nonce on every response
// (lib/security/headers.ts); server-action POSTs from another origin, over the
// body limit or undecodable get a plain 4xx (lib/security/requests.ts); sign-in
// and server actions are rate-limited (lib/security/limits.ts); and refused
// mutation attempts are audited, capped (lib/security/refusals.ts).
import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { CLIENT_REQUEST_ID_HEADER, clientRequestId } from "@/lib/audit/request-ids";
import { trustedHost } from "@/lib/auth/hosts";
import { normalizeEmail } from "@/lib/auth/sign-in";
import { IAP_HEADER, verifyIapAssertion } from "@/lib/auth/iap";
import { config as runwayConfig } from "@/lib/config";
import { db } from "@/lib/db";
import { log } from "@/lib/log";
import { newNonce, securityHeaders } from "@/lib/security/headers";
import { LIMITS, takeAll, tooManyRequests } from "@/lib/security/limits";
import { auditRefusal, type RefusedRequest } from "@/lib/security/refusals";
import { clientIp, crossOrigin, isActionPost, undecodableAction } from "@/lib/security/requests";

const PUBLIC = [
  /^\/signin(\/|$)/,
  /^\/api\/auth\//,
  /^\/api\/health$/,
  /^\/api\/alerting\/intake\//,
  /^\/favicon\.ico$/,
];
const SIGN_IN = /^\/api\/auth\/(callback|signin)\//;
const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export async function proxy(req: NextRequest) {
  const cfg = runwayConfig();
  const { pathname, search } = req.nextUrl;
  const decision = trustedHost(cfg, req.headers);
  const proto = req.headers.get("x-forwarded-proto") ?? req.nextUrl.protocol.replace(":", "");
  const nonce = newNonce();
  const security = securityHeaders({
    nonce,
    dev: process.env.NODE_ENV === "development",
    https: proto === "https",
    google: !!cfg.auth.google,
  });
  const secured = <T extends Response>(res: T): T => {
    for (const [k, v] of Object.entries(security)) res.headers.set(k, v);
    return res;
  };
  const plain = (status: number, message: string, extra: Record<string, string> = {}) =>
    secured(
      new NextResponse(`${message}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8", ...extra } }),
    );

  // Health probes may come by IP address; they get no redirect and no URL, so any host will do.
  if (!decision.ok && pathname !== "/api/health")
    return plain(421, "Misdirected request: this portal does not answer to that host.");
  const headers = new Headers(req.headers);
  if (decision.ok) headers.set("x-forwarded-host", decision.host);
  else headers.delete("x-forwarded-host");
  // Request ids are made here; a client's own is only passed on apart, and only when well-formed.
  const fromClient = clientRequestId(req.headers.get("x-request-id"));
  const requestId = crypto.randomUUID();
  headers.set("x-request-id", requestId);
  if (fromClient) headers.set(CLIENT_REQUEST_ID_HEADER, fromClient);
  else headers.delete(CLIENT_REQUEST_ID_HEADER);
  // Next puts the nonce on its own scripts when it finds it in the request's CSP.
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", security["content-security-policy"]);
  const pass = () => secured(NextResponse.next({ request: { headers } }));

  const ip = clientIp(req.headers, cfg.trustedProxyHops);
  const refused = async (r: Pick<RefusedRequest, "reason" | "actor" | "status" | "message">, response: Response) => {
    await auditRefusal(db(), {
      ...r,
      ip,
      method: req.method,
      path: pathname,
      actionId: req.headers.get("next-action"),
      requestId,
      clientRequestId: fromClient,
    });
    return response;
  };

  // A path Next cannot decode (`/api/operations/%FF`) made its router throw: a 500 (issue 27, item 5).
  if (!decodablePath(pathname)) return plain(400, "Malformed URL: the path is not valid percent-encoded UTF-8.");
  // A change from another origin to a public path or a route handler (known or not): Next's own check
  // answered it with a 500 (item 5). Other paths are server-action posts, checked below with the session.
  const isPublic = PUBLIC.some((p) => p.test(pathname));
  if (!READ_METHODS.has(req.method) && (isPublic || pathname.startsWith("/api/"))) {
    const other = crossOrigin(req.headers, decision.ok ? decision.host : null);
    if (other) {
      log.warn("cross-origin request refused", {
        origin: req.headers.get("origin")?.slice(0, 100),
        path: pathname,
        requestId,
      });
      return refused(
        { reason: "cross-origin", actor: null, status: other.status, message: other.message },
        plain(other.status, other.message),
      );
    }
  }

  if (isPublic) {
    if (req.method === "POST" && SIGN_IN.test(pathname)) {
      const email = pathname.endsWith("/local") ? await formField(req, "email") : null;
      // A local sign-in form is a few hundred bytes; a bigger one used to escape the per-account count.
      if (email === TOO_LARGE)
        return refused(
          { reason: "malformed", actor: null, status: 413, message: "sign-in body too large" },
          plain(413, `A sign-in form is at most ${SIGN_IN_BODY_LIMIT / 1024} kB.`),
        );
      const limited = await takeAll(db(), [
        [LIMITS.signInPerIp, ip],
        [LIMITS.signInPerPerson, email === null ? null : normalizeEmail(email)],
      ]);
      if (limited)
        return refused(
          { reason: "rate-limited", actor: null, status: 429, message: `sign-in rate limit (${limited.bucket})` },
          secured(tooManyRequests(limited)),
        );
    }
    return pass();
  }
  // Behind Identity-Aware Proxy its verified header is the session (lib/auth/iap.ts); otherwise next-auth's cookie.
  const iapEmail = cfg.auth.iap ? await verifyIapAssertion(req.headers.get(IAP_HEADER), cfg.auth.iap.audience) : null;
  const token = cfg.auth.iap
    ? iapEmail
      ? { email: iapEmail, uid: iapEmail }
      : null
    : await getToken({ req, secret: cfg.authSecret, secureCookie: proto === "https" });
  const actor = token?.email ? { id: token.uid as string | undefined, email: token.email } : null;

  if (isActionPost(req.method, pathname)) {
    const other = crossOrigin(req.headers, decision.ok ? decision.host : null);
    if (other) {
      log.warn("cross-origin server action refused", {
        origin: req.headers.get("origin")?.slice(0, 100),
        path: pathname,
        requestId,
      });
      return refused(
        { reason: "cross-origin", actor, status: other.status, message: other.message },
        plain(other.status, other.message),
      );
    }
    const bad = await undecodableAction(req);
    if (bad) {
      log.warn("undecodable server action refused", {
        status: bad.status,
        reason: bad.message,
        path: pathname,
        requestId,
      });
      return refused(
        { reason: "malformed", actor, status: bad.status, message: bad.message },
        plain(bad.status, bad.message),
      );
    }
    if (!token)
      return refused(
        { reason: "anonymous", actor: null, status: 401, message: "not signed in" },
        plain(401, "Please sign in."),
      );
    const limited = await takeAll(db(), [
      [LIMITS.actionsPerPerson, (token.uid as string | undefined) ?? token.email],
      [LIMITS.actionsPerIp, ip],
    ]);
    if (limited)
      return refused(
        { reason: "rate-limited", actor, status: 429, message: `action rate limit (${limited.bucket})` },
        secured(tooManyRequests(limited)),
      );
    return pass();
  }
  if (token) return pass();
  if (cfg.auth.iap && READ_METHODS.has(req.method))
    return plain(401, "This portal is behind Identity-Aware Proxy, and the request carried no valid IAP assertion.");
  if (!READ_METHODS.has(req.method)) {
    return refused(
      { reason: "anonymous", actor: null, status: 401, message: "not signed in" },
      secured(NextResponse.json({ error: "unauthenticated" }, { status: 401 })),
    );
  }
  if (pathname.startsWith("/api/")) return secured(NextResponse.json({ error: "unauthenticated" }, { status: 401 }));
  const url = req.nextUrl.clone();
  if (decision.ok) url.host = decision.host;
  if (cfg.publicUrl) url.protocol = new URL(cfg.publicUrl).protocol;
  url.pathname = "/signin";
  url.search = pathname === "/" ? "" : `?callbackUrl=${encodeURIComponent(pathname + search)}`;
  return secured(NextResponse.redirect(url));
}

function decodablePath(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

const SIGN_IN_BODY_LIMIT = 16_384;
const TOO_LARGE = Symbol("too large");

/** One field of a small form body (the local sign-in's e-mail), without consuming the request; TOO_LARGE past the limit, declared or sent. */
async function formField(req: NextRequest, name: string): Promise<string | null | typeof TOO_LARGE> {
  if (Number(req.headers.get("content-length") ?? "0") > SIGN_IN_BODY_LIMIT) return TOO_LARGE;
  try {
    if ((await req.clone().arrayBuffer()).byteLength > SIGN_IN_BODY_LIMIT) return TOO_LARGE;
    const value = (await req.clone().formData()).get(name);
    return typeof value === "string" ? value.slice(0, 320) : null;
  } catch {
    return null;
  }
}

export const config = {
  // favicon.ico too: a POST to it reached Next's action handling unchecked (item 5); a GET passes as public.
  matcher: ["/((?!_next/static|_next/image).*)"],
};
