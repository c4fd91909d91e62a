// Server-action entry points of the services feature, beside the components that
// call them. Each is the guarded helper around one lib definition (session →
// role → zod → verb → audit); nothing else belongs here.
"use server";

import { guardedAction } from "@/lib/actions/server";
import { deployDefinition, rollbackDefinition, sendAllToLatestDefinition, shiftTrafficDefinition } from "@/lib/services";

export const deploy = guardedAction(deployDefinition());
export const shiftTraffic = guardedAction(shiftTrafficDefinition());
export const rollback = guardedAction(rollbackDefinition());
export const sendAllToLatest = guardedAction(sendAllToLatestDefinition());
