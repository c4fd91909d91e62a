// Server-action entry points of the alerting feature, beside the components
// that call them: each is the guarded helper around one definition of
// lib/action-definitions.ts (session → role → zod → verb → audit).
"use server";

import { guardedAction } from "@/lib/actions/server";
import { ACTION_DEFINITIONS } from "@/lib/action-definitions";

export const createAlertPolicy = guardedAction(ACTION_DEFINITIONS.createAlertPolicy);
export const updateAlertPolicy = guardedAction(ACTION_DEFINITIONS.updateAlertPolicy);
export const setAlertPolicyEnabled = guardedAction(ACTION_DEFINITIONS.setAlertPolicyEnabled);
export const deleteAlertPolicy = guardedAction(ACTION_DEFINITIONS.deleteAlertPolicy);
export const createEmailChannel = guardedAction(ACTION_DEFINITIONS.createEmailChannel);
export const createWebhookChannel = guardedAction(ACTION_DEFINITIONS.createWebhookChannel);
export const deleteChannel = guardedAction(ACTION_DEFINITIONS.deleteChannel);
export const acknowledgeIncident = guardedAction(ACTION_DEFINITIONS.acknowledgeIncident);
export const createUptimeCheck = guardedAction(ACTION_DEFINITIONS.createUptimeCheck);
export const deleteUptimeCheck = guardedAction(ACTION_DEFINITIONS.deleteUptimeCheck);
export const createSlo = guardedAction(ACTION_DEFINITIONS.createSlo);
export const deleteSlo = guardedAction(ACTION_DEFINITIONS.deleteSlo);
