"use server";

import { guardedAction } from "@/lib/actions/server";
import { changeRole as changeRoleDefinition } from "@/lib/users";

export const changeRole = guardedAction(changeRoleDefinition);
