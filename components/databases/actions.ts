// Server-action entry points of the databases feature, beside the components that
// call them. Each is the guarded helper around one definition of
// lib/action-definitions.ts (session → role → zod → verb → audit); nothing
// else belongs here.
"use server";

import { guardedAction } from "@/lib/actions/server";
import { ACTION_DEFINITIONS } from "@/lib/action-definitions";

export const backupNow = guardedAction(ACTION_DEFINITIONS.backupNow);
export const restoreBackup = guardedAction(ACTION_DEFINITIONS.restoreBackup);
