// Server-action entry points of the services feature, beside the components that
// call them. Each is the guarded helper around one definition of
// lib/action-definitions.ts (session → role → zod → verb → audit); nothing
// else belongs here.
"use server";

import { guardedAction } from "@/lib/actions/server";
import { ACTION_DEFINITIONS } from "@/lib/action-definitions";

export const deploy = guardedAction(ACTION_DEFINITIONS.deploy);
export const shiftTraffic = guardedAction(ACTION_DEFINITIONS.shiftTraffic);
export const rollback = guardedAction(ACTION_DEFINITIONS.rollback);
export const sendAllToLatest = guardedAction(ACTION_DEFINITIONS.sendAllToLatest);
