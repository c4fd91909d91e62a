"use server";

import { guardedAction } from "@/lib/actions/server";
import { updateLocationsDefinition } from "@/lib/services";

export const updateLocations = guardedAction(updateLocationsDefinition);
