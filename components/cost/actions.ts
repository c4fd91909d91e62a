// Server-action entry points of the cost feature, beside the components that
// call them: the guarded helper around definitions of lib/action-definitions.ts.
"use server";

import { guardedAction } from "@/lib/actions/server";
import { ACTION_DEFINITIONS } from "@/lib/action-definitions";

export const saveBudget = guardedAction(ACTION_DEFINITIONS.saveBudget);
export const setVarianceThreshold = guardedAction(ACTION_DEFINITIONS.setVarianceThreshold);
