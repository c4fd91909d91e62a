import "server-only";
import { cache } from "react";
import { getServerSession } from "next-auth";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { config } from "../config";
import { db } from "../db";
import { authOptions } from "./options";
import { IAP_HEADER, iapActor, verifyIapAssertion } from "./iap";
import { actorFromClaims } from "./revocation";
import { hasRole, type Actor, type Role } from "./roles";

/** The signed-in person, read fresh from the database once per request; null if anonymous or revoked. */
export const getActor = cache(async (): Promise<Actor | null> => {
  const { iap } = config().auth;
  if (iap) {
    const email = await verifyIapAssertion((await headers()).get(IAP_HEADER), iap.audience);
    return email ? iapActor(db(), config().auth, email) : null;
  }
  const session = await getServerSession(authOptions());
  const user = session?.user as { id?: string; sid?: string } | undefined;
  return actorFromClaims(db(), config().auth, { uid: user?.id, sid: user?.sid });
});

/** For pages: the actor, or a redirect to sign-in. */
export async function requireActor(): Promise<Actor> {
  const actor = await getActor();
  if (!actor) redirect("/signin");
  return actor;
}

export async function actorHasRole(role: Role): Promise<boolean> {
  const actor = await getActor();
  return actor ? hasRole(actor.role, role) : false;
}
