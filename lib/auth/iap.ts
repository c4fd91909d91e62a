// Identity-Aware Proxy in front of Runway (deploy/README.md): IAP signs every
// request it lets through with a JWT in x-goog-iap-jwt-assertion. Runway then
// trusts that header, never its own sign-in, and only once the signature
// checks out against IAP's public keys, with IAP as issuer and this
// deployment's audience (google-auth-library's verifySignedJwtWithCertsAsync).
import { OAuth2Client } from "google-auth-library";
import type { Config } from "../config";
import type { Db } from "../db";
import { log } from "../log";
import type { Actor } from "./roles";

export const IAP_HEADER = "x-goog-iap-jwt-assertion";
const IAP_ISSUER = "https://cloud.google.com/iap";
const KEYS_TTL_MS = 60 * 60_000;

const client = new OAuth2Client();
let keys: { pubkeys: Record<string, string>; at: number } | null = null;

/** IAP's public keys (https://www.gstatic.com/iap/verify/public_key), fetched at most hourly. */
async function iapKeys(): Promise<Record<string, string>> {
  if (!keys || Date.now() - keys.at > KEYS_TTL_MS)
    keys = { pubkeys: (await client.getIapPublicKeys()).pubkeys, at: Date.now() };
  return keys.pubkeys;
}

/** The e-mail a valid assertion names, lower-cased; null for a missing, forged, expired or foreign one. */
export async function verifyIapAssertion(
  assertion: string | null,
  audience: string,
  certs?: Record<string, string>,
): Promise<string | null> {
  if (!assertion) return null;
  try {
    const ticket = await client.verifySignedJwtWithCertsAsync(assertion, certs ?? (await iapKeys()), audience, [
      IAP_ISSUER,
    ]);
    const email = ticket.getPayload()?.email;
    return email ? email.toLowerCase() : null;
  } catch (err) {
    log.warn("IAP assertion refused", { reason: (err as Error).message.slice(0, 200) });
    return null;
  }
}

/**
 * The person behind a verified IAP e-mail. IAP decides who reaches the portal;
 * AUTH_ALLOWED_DOMAINS, when set, narrows it further. First seen: viewer, or
 * admin when listed in ADMIN_EMAILS, as with Google sign-in.
 */
export async function iapActor(db: Db, auth: Config["auth"], email: string): Promise<Actor | null> {
  const domain = email.split("@")[1] ?? "";
  if (auth.allowedDomains.length && !auth.allowedDomains.includes(domain)) return null;
  const user = await db.user.upsert({
    where: { email },
    update: {},
    create: { email, role: auth.adminEmails.includes(email) ? "admin" : "viewer", lastSignInAt: new Date() },
  });
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}
