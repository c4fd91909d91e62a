import { z } from "zod";
import { ROLES } from "../auth/roles";

export const ChangeRoleInput = z.object({
  userId: z.uuid("Unknown user."),
  role: z.enum(ROLES, "Choose one of viewer, developer, operator or admin."),
});
export type ChangeRoleInput = z.infer<typeof ChangeRoleInput>;
