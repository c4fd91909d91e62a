import "server-only";
import { cache } from "react";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { config } from "../config";
import { db } from "../db";
import { isLocalAccount } from "./local-accounts";
import { authOptions } from "./options";
import { hasRole, type Actor, type Role } from "./roles";

/** The signed-in person, read fresh from the database once per request; null if anonymous. */
export const getActor = cache(async (): Promise<Actor | null> => {
  const session = await getServerSession(authOptions());
  const id = (session?.user as { id?: string } | undefined)?.id;
  if (!id) return null;
  const user = await db().user.findUnique({ where: { id } });
  if (!user) return null;
  // A local session outlives local sign-in being switched off: refuse it.
  if (isLocalAccount(user.email) && !config().auth.localSignIn) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
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
