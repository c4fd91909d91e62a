// Server-action entry points of the secrets feature, beside the components that
// call them. Each is the guarded helper around one lib definition (session →
// role → zod → verb → audit); nothing else belongs here.
"use server";

import { guardedAction } from "@/lib/actions/server";
import { rotateDefinition } from "@/lib/secrets/rotate";

export const rotateSecret = guardedAction(rotateDefinition());
