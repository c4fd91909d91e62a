import "server-only";
import { cache } from "react";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { config } from "../config";
import { db } from "../db";
import { authOptions } from "./options";
import { actorFromClaims } from "./revocation";
import { hasRole, type Actor, type Role } from "./roles";

/** The signed-in person, read fresh from the database once per request; null if anonymous or revoked. */
export const getActor = cache(async (): Promise<Actor | null> => {
  const session = await getServerSession(authOptions());
  const user = session?.user as { id?: string; sv?: number } | undefined;
  return actorFromClaims(db(), config().auth, { uid: user?.id, sv: user?.sv });
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
