// First line of defence only: anonymous visitors are sent to sign-in before a
// page renders. Pages and server actions check the session themselves.
// Every request also leaves here with an X-Forwarded-Host the portal trusts
// (lib/auth/hosts.ts), so no redirect or callback URL names a host a client made up,
// and with a request id made here (a client's own moves to x-client-request-id).
import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { CLIENT_REQUEST_ID_HEADER, clientRequestId } from "@/lib/audit/request-ids";
import { trustedHost } from "@/lib/auth/hosts";
import { config as runwayConfig } from "@/lib/config";

const PUBLIC = [/^\/signin(\/|$)/, /^\/api\/auth\//, /^\/api\/health$/, /^\/api\/alerting\/intake\//];

export async function proxy(req: NextRequest) {
  const cfg = runwayConfig();
  const { pathname, search } = req.nextUrl;
  const decision = trustedHost(cfg, req.headers);
  // Health probes may come by IP address; they get no redirect and no URL, so any host will do.
  if (!decision.ok && pathname !== "/api/health") return new NextResponse("Misdirected request: this portal does not answer to that host.\n", { status: 421 });
  const headers = new Headers(req.headers);
  if (decision.ok) headers.set("x-forwarded-host", decision.host);
  else headers.delete("x-forwarded-host");
  // Request ids are made here; a client's own is only passed on apart, and only when well-formed.
  const fromClient = clientRequestId(req.headers.get("x-request-id"));
  headers.set("x-request-id", crypto.randomUUID());
  if (fromClient) headers.set(CLIENT_REQUEST_ID_HEADER, fromClient);
  else headers.delete(CLIENT_REQUEST_ID_HEADER);
  const pass = () => NextResponse.next({ request: { headers } });

  if (PUBLIC.some((p) => p.test(pathname))) return pass();
  const proto = req.headers.get("x-forwarded-proto") ?? req.nextUrl.protocol.replace(":", "");
  const token = await getToken({ req, secret: cfg.authSecret, secureCookie: proto === "https" });
  if (token) return pass();
  if (pathname.startsWith("/api/")) return NextResponse.json({ error: "unauthenticated" }, { status: 401 });
  const url = req.nextUrl.clone();
  if (decision.ok) url.host = decision.host;
  if (cfg.publicUrl) url.protocol = new URL(cfg.publicUrl).protocol;
  url.pathname = "/signin";
  url.search = pathname === "/" ? "" : `?callbackUrl=${encodeURIComponent(pathname + search)}`;
  return NextResponse.redirect(url);
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
