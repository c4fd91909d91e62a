"use server";

import { guardedAction } from "@/lib/actions/server";
import { rotateDefinition } from "@/lib/secrets/rotate";

export const rotateSecret = guardedAction(rotateDefinition());
