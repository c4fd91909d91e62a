// Server-action entry points of canary releases, beside the components that
// call them: the guarded helper around definitions of lib/action-definitions.ts.
"use server";

import { guardedAction } from "@/lib/actions/server";
import { ACTION_DEFINITIONS } from "@/lib/action-definitions";

export const startRelease = guardedAction(ACTION_DEFINITIONS.startRelease);
export const deployCanary = guardedAction(ACTION_DEFINITIONS.deployCanary);
export const pauseRelease = guardedAction(ACTION_DEFINITIONS.pauseRelease);
export const resumeRelease = guardedAction(ACTION_DEFINITIONS.resumeRelease);
export const promoteRelease = guardedAction(ACTION_DEFINITIONS.promoteRelease);
export const abortRelease = guardedAction(ACTION_DEFINITIONS.abortRelease);
export const saveReleasePlan = guardedAction(ACTION_DEFINITIONS.saveReleasePlan);
