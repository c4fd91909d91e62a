"use server";

import { guardedAction } from "@/lib/actions/server";
import { backupDefinition, restoreDefinition } from "@/lib/databases";

export const backupNow = guardedAction(backupDefinition());
export const restoreBackup = guardedAction(restoreDefinition());
