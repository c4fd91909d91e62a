// Server-action entry points of the settings feature, beside the components that
// call them. Each is the guarded helper around one lib definition (session →
// role → zod → verb → audit); nothing else belongs here.
"use server";

import { guardedAction } from "@/lib/actions/server";
import { updateLocationsDefinition } from "@/lib/services";

export const updateLocations = guardedAction(updateLocationsDefinition);
