// Server-action entry points of schedules and Cloud Run jobs, beside the
// components that call them. Each is the guarded helper around one definition
// of lib/action-definitions.ts (session → role → zod → verb → audit).
"use server";

import { guardedAction } from "@/lib/actions/server";
import { ACTION_DEFINITIONS } from "@/lib/action-definitions";

export const runScheduleNow = guardedAction(ACTION_DEFINITIONS.runScheduleNow);
export const pauseSchedule = guardedAction(ACTION_DEFINITIONS.pauseSchedule);
export const resumeSchedule = guardedAction(ACTION_DEFINITIONS.resumeSchedule);
export const updateSchedule = guardedAction(ACTION_DEFINITIONS.updateSchedule);
export const updateScheduleTargets = guardedAction(ACTION_DEFINITIONS.updateScheduleTargets);
export const runJob = guardedAction(ACTION_DEFINITIONS.runJob);
export const cancelExecution = guardedAction(ACTION_DEFINITIONS.cancelExecution);
