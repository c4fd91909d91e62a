"use server";

import { guardedAction } from "@/lib/actions/server";
import { deployDefinition, rollbackDefinition, sendAllToLatestDefinition, shiftTrafficDefinition } from "@/lib/services";

export const deploy = guardedAction(deployDefinition());
export const shiftTraffic = guardedAction(shiftTrafficDefinition());
export const rollback = guardedAction(rollbackDefinition());
export const sendAllToLatest = guardedAction(sendAllToLatestDefinition());
