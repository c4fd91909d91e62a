import type { ActionDefinition } from "../actions";
import type { Role } from "../auth/roles";
import { Conflict, NotFound } from "../errors";
import { ChangeRoleInput } from "./schemas";

/** Admins change anyone's role, but the last admin cannot be demoted (no lock-out). */
export const changeRole: ActionDefinition<typeof ChangeRoleInput, { email: string; role: Role }> = {
  name: "users.change-role",
  role: "admin",
  input: ChangeRoleInput,
  target: (input) => `users/${input.userId}`,
  scope: () => "portal",
  async run({ db }, { userId, role }) {
    return db.$transaction(async (tx) => {
      // Lock the admins so that two admins demoting each other cannot both succeed.
      await tx.$queryRaw`SELECT id FROM users WHERE role = 'admin' FOR UPDATE`;
      const user = await tx.user.findUnique({ where: { id: userId } });
      if (!user) throw new NotFound("That user no longer exists.");
      const details = { email: user.email, before: user.role, after: role };
      if (user.role === role)
        return { data: { email: user.email, role }, message: `${user.email} is already ${role}.`, details };
      if (user.role === "admin") {
        const admins = await tx.user.count({ where: { role: "admin" } });
        if (admins <= 1) throw new Conflict(`${user.email} is the last admin; make someone else admin first.`, details);
      }
      await tx.user.update({ where: { id: userId }, data: { role } });
      return { data: { email: user.email, role }, message: `${user.email} is now ${role}.`, details };
    });
  },
};
