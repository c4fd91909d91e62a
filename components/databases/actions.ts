// Server-action entry points of the databases feature, beside the components that
// call them. Each is the guarded helper around one lib definition (session →
// role → zod → verb → audit); nothing else belongs here.
"use server";

import { guardedAction } from "@/lib/actions/server";
import { backupDefinition, restoreDefinition } from "@/lib/databases";

export const backupNow = guardedAction(backupDefinition());
export const restoreBackup = guardedAction(restoreDefinition());
