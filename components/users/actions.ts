// Server-action entry points of the users feature, beside the components that
// call them. Each is the guarded helper around one definition of
// lib/action-definitions.ts (session → role → zod → verb → audit); nothing
// else belongs here.
"use server";

import { guardedAction } from "@/lib/actions/server";
import { ACTION_DEFINITIONS } from "@/lib/action-definitions";

export const changeRole = guardedAction(ACTION_DEFINITIONS.changeRole);
