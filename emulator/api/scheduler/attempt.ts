// One Cloud Scheduler attempt: the HTTP request Google sends to an HTTP
// target (its headers, an OIDC/OAuth bearer token, the body) within the
// attempt deadline, and the outcome as Scheduler reports it (a google.rpc
// code, the HTTP status and the debugInfo text of its execution logs).
// Hosts under .localhost go to the emulator's router, on the port it has now.
import { randomBytes } from "node:crypto";
import http from "node:http";
import https from "node:https";
import { Code } from "../../grpc/errors";
import type { HttpTarget, JobKey } from "./job";

export type AttemptOutcome = { code: Code; httpStatus?: number; debugInfo: string; message: string };

/** HTTP status → the google.rpc code Scheduler records (the AIP-193 mapping). */
export function codeForHttp(status: number): Code {
  if (status >= 200 && status < 300) return Code.OK;
  const exact: Record<number, Code> = {
    400: Code.INVALID_ARGUMENT,
    401: Code.UNAUTHENTICATED,
    403: Code.PERMISSION_DENIED,
    404: Code.NOT_FOUND,
    409: Code.ABORTED,
    429: Code.RESOURCE_EXHAUSTED,
    499: Code.CANCELLED,
    501: Code.UNIMPLEMENTED,
    503: Code.UNAVAILABLE,
    504: Code.DEADLINE_EXCEEDED,
  };
  return exact[status] ?? (status >= 500 ? Code.INTERNAL : status >= 400 ? Code.FAILED_PRECONDITION : Code.UNKNOWN);
}

function debugInfoFor(status: number): string {
  const tail = `Original HTTP response code number = ${status}`;
  if (status >= 200 && status < 300) return `URL_CRAWLED. ${tail}`;
  if (status === 404) return `URL_ERROR-ERROR_NOT_FOUND. ${tail}`;
  if (status === 401 || status === 403) return `URL_ERROR-ERROR_AUTHENTICATION. ${tail}`;
  if (status >= 500) return `URL_UNREACHABLE-UNREACHABLE_5xx. ${tail}`;
  return `URL_ERROR-ERROR_OTHER. ${tail}`;
}

/**
 * An ID token in the shape Google mints for Cloud Scheduler (issuer, audience,
 * email); the signature is random, so nothing can verify it, as nothing in
 * the emulator checks one.
 */
export function oidcToken(email: string, audience: string, now = Date.now()): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const iat = Math.floor(now / 1000);
  const sub = String(BigInt(`0x${randomBytes(8).toString("hex")}`));
  const payload = {
    aud: audience,
    azp: sub,
    email,
    email_verified: true,
    exp: iat + 3600,
    iat,
    iss: "https://accounts.google.com",
    sub,
  };
  return `${b64({ alg: "RS256", kid: "runway-emulator", typ: "JWT" })}.${b64(payload)}.${randomBytes(64).toString("base64url")}`;
}

/** The headers Scheduler sends: the user's, then the ones it sets itself. */
export function requestHeaders(
  target: HttpTarget,
  key: JobKey,
  scheduleTime: Date,
  body: Buffer,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(target.headers ?? {})) {
    const lower = k.toLowerCase();
    if (
      lower === "host" ||
      lower === "content-length" ||
      lower.startsWith("x-google-") ||
      lower.startsWith("x-appengine-")
    )
      continue;
    headers[lower] = v;
  }
  headers["user-agent"] = "Google-Cloud-Scheduler";
  headers["x-cloudscheduler"] = "true";
  headers["x-cloudscheduler-jobname"] = key.jobId;
  headers["x-cloudscheduler-scheduletime"] = scheduleTime.toISOString();
  if (body.length) headers["content-type"] ??= "application/octet-stream";
  headers["content-length"] = String(body.length);
  if (target.oidcToken)
    headers.authorization = `Bearer ${oidcToken(target.oidcToken.serviceAccountEmail!, target.oidcToken.audience || target.uri!)}`;
  else if (target.oauthToken) headers.authorization = `Bearer ya29.emulator-${randomBytes(24).toString("base64url")}`;
  return headers;
}

/** Sends the attempt; never throws. `signal` aborts it (job deleted, emulator stopping). */
export function sendAttempt(
  target: HttpTarget,
  key: JobKey,
  scheduleTime: Date,
  deadlineMs: number,
  routerPort: number,
  signal?: AbortSignal,
): Promise<AttemptOutcome> {
  const url = new URL(target.uri!);
  const body = target.body ? Buffer.from(target.body as string, "base64") : Buffer.alloc(0);
  const headers = requestHeaders(target, key, scheduleTime, body);
  const local = url.hostname === "localhost" || url.hostname.endsWith(".localhost");
  const options: http.RequestOptions = {
    method: target.httpMethod,
    path: `${url.pathname}${url.search}`,
    headers: { ...headers, host: url.host },
    agent: false,
    host: local ? "127.0.0.1" : url.hostname,
    port: local ? routerPort : url.port || (url.protocol === "https:" ? 443 : 80),
  };
  return new Promise((resolve) => {
    let done = false;
    const finish = (o: AttemptOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      resolve(o);
    };
    const req = (url.protocol === "https:" && !local ? https : http).request(options, (res) => {
      res.resume();
      res.on("end", () => {
        const status = res.statusCode ?? 0;
        finish({
          code: codeForHttp(status),
          httpStatus: status,
          debugInfo: debugInfoFor(status),
          message: `HTTP ${status} from ${target.uri}`,
        });
      });
      res.on("error", () =>
        finish({
          code: Code.UNAVAILABLE,
          debugInfo: "URL_UNREACHABLE-UNREACHABLE_NO_RESPONSE",
          message: "the response was cut off",
        }),
      );
    });
    const timer = setTimeout(() => {
      finish({
        code: Code.DEADLINE_EXCEEDED,
        debugInfo: "URL_TIMEOUT-TIMEOUT_WAITING_FOR_RESPONSE",
        message: `no response within the attempt deadline of ${deadlineMs / 1000}s`,
      });
      req.destroy();
    }, deadlineMs);
    const onAbort = () => {
      finish({
        code: Code.CANCELLED,
        debugInfo: "URL_UNREACHABLE-UNREACHABLE_NO_RESPONSE",
        message: "the attempt was cancelled",
      });
      req.destroy();
    };
    signal?.addEventListener("abort", onAbort);
    req.on("error", (err) =>
      finish({ code: Code.UNAVAILABLE, debugInfo: "URL_UNREACHABLE-UNREACHABLE_NO_RESPONSE", message: err.message }),
    );
    req.end(body);
  });
}
