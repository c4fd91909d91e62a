// Response headers every page and route gets from the proxy (issue 14, finding 6):
// a Content-Security-Policy whose scripts run only with this response's nonce
// (Next reads it from the request's CSP header and puts it on its own scripts;
// 'strict-dynamic' lets those load the chunks they need), no framing, no MIME
// sniffing, a strict referrer, no powerful browser features, and HSTS over HTTPS.

export type PolicyOptions = {
  nonce: string;
  /** `next dev` evaluates code for fast refresh. */
  dev: boolean;
  https: boolean;
  /** Google sign-in: the sign-in form's POST redirects to Google's consent page. */
  google: boolean;
};

export function contentSecurityPolicy(o: PolicyOptions): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${o.nonce}' 'strict-dynamic'${o.dev ? " 'unsafe-eval'" : ""}`,
    // Charts and the traffic bar size things with style attributes; scripts stay nonce-only.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    `form-action 'self'${o.google ? " https://accounts.google.com" : ""}`,
    "frame-ancestors 'none'",
    ...(o.https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

export const PERMISSIONS_POLICY =
  "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), magnetometer=(), gyroscope=(), accelerometer=(), interest-cohort=()";

export function securityHeaders(o: PolicyOptions): Record<string, string> {
  return {
    "content-security-policy": contentSecurityPolicy(o),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "permissions-policy": PERMISSIONS_POLICY,
    "cross-origin-opener-policy": "same-origin",
    ...(o.https ? { "strict-transport-security": "max-age=63072000; includeSubDomains" } : {}),
  };
}

/** A fresh, unguessable nonce for one response. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64");
}
