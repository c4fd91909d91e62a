// Which host the portal believes a request was sent to. next-auth builds its
// redirects and callback URLs from X-Forwarded-Host (else Host) when no public
// URL is set, and any client can send X-Forwarded-Host: evil.example. The proxy
// replaces that header with the answer from here before anything reads it.
export type HostTrust = { publicUrl: string | null; trustedHosts: string[] };

export type HostDecision = { ok: true; host: string } | { ok: false; reason: string };

const first = (v: string | null) => v?.split(",")[0]?.trim().toLowerCase() || null;

/**
 * - AUTH_URL set: its host, whatever the headers say.
 * - AUTH_TRUSTED_HOSTS set: X-Forwarded-Host if listed, else Host if listed, else refused.
 * - neither (local mode only; production requires one): the Host header; X-Forwarded-Host is ignored.
 */
export function trustedHost(trust: HostTrust, headers: Headers): HostDecision {
  if (trust.publicUrl) return { ok: true, host: new URL(trust.publicUrl).host };
  const forwarded = first(headers.get("x-forwarded-host"));
  const host = first(headers.get("host"));
  if (trust.trustedHosts.length) {
    const listed = [forwarded, host].find((h) => h && trust.trustedHosts.includes(h));
    return listed
      ? { ok: true, host: listed }
      : { ok: false, reason: `host ${host ?? "(none)"} is not in AUTH_TRUSTED_HOSTS` };
  }
  return host ? { ok: true, host } : { ok: false, reason: "no Host header" };
}
