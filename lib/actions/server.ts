import "server-only";
import { randomUUID } from "node:crypto";
import { headers } from "next/headers";
import type { z } from "zod";
import { getActor } from "../auth/session";
import { db } from "../db";
import { formDataToObject, runGuarded, type ActionDefinition, type ActionResult } from "./guarded";

/**
 * Turns an action definition into a server action usable with useActionState
 * (`(previousState, formData)`) or called directly (`(null, input)`). Server
 * actions are public endpoints: the session, role and input are checked here,
 * never only in the UI or a proxy.
 */
export function guardedAction<S extends z.ZodType, T>(def: ActionDefinition<S, T>) {
  return async (_previous: unknown, input: FormData | Record<string, unknown>): Promise<ActionResult<T>> => {
    const h = await headers();
    const requestId = h.get("x-request-id") ?? h.get("x-cloud-trace-context")?.split("/")[0] ?? randomUUID();
    const raw = input instanceof FormData ? formDataToObject(input) : input;
    return runGuarded(def, await getActor(), raw, { db: db(), requestId });
  };
}
