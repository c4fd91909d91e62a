import "server-only";
import { randomUUID } from "node:crypto";
import { headers } from "next/headers";
import type { z } from "zod";
import { getActor } from "../auth/session";
import { db } from "../db";
import { formDataToObject, runGuarded, type ActionDefinition, type ActionResult } from "./guarded";
import { CLIENT_REQUEST_ID_HEADER, clientRequestId } from "../audit/request-ids";

/**
 * Turns an action definition into a server action usable with useActionState
 * (`(previousState, formData)`) or called directly (`(null, input)`). Server
 * actions are public endpoints: the session, role and input are checked here,
 * never only in the UI or a proxy.
 */
export function guardedAction<S extends z.ZodType, T>(def: ActionDefinition<S, T>) {
  return async (_previous: unknown, input: FormData | Record<string, unknown>): Promise<ActionResult<T>> => {
    const h = await headers();
    // Always the portal's own id; what the client sent is only a separate, checked field.
    const requestId = randomUUID();
    const fromClient = clientRequestId(h.get(CLIENT_REQUEST_ID_HEADER));
    const raw = input instanceof FormData ? formDataToObject(input) : input;
    return runGuarded(def, await getActor(), raw, { db: db(), requestId, clientRequestId: fromClient });
  };
}
