"use client";

import { startTransition, useActionState, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/field";
import { ROLES, type Role } from "@/lib/auth/roles";
import { changeRole } from "@/components/users/actions";

export function RoleForm({ userId, email, role }: { userId: string; email: string; role: Role }) {
  const [state, action, pending] = useActionState(changeRole, null);
  const [selected, setSelected] = useState<Role>(role);
  const saved = state?.ok ? state.data.role : role;
  // Submitted by hand rather than through <form action>: React resets a form
  // after an action, which would snap the select back to its first value.
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    startTransition(() => action(form));
  };
  return (
    <form onSubmit={submit} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="userId" value={userId} />
      <Select name="role" aria-label={`Role of ${email}`} value={selected} onChange={(e) => setSelected(e.target.value as Role)}>
        {ROLES.map((r) => (
          <option key={r} value={r}>{r}</option>
        ))}
      </Select>
      <Button type="submit" variant="secondary" disabled={pending || selected === saved}>
        {pending ? "Saving…" : "Save"}
      </Button>
      {state && (
        <span role={state.ok ? "status" : "alert"} className={state.ok ? "text-xs text-emerald-700 dark:text-emerald-400" : "text-xs text-red-600 dark:text-red-400"}>
          {state.ok ? state.message : [state.error, ...Object.values(state.fieldErrors ?? {}).flat()].join(" ")}
        </span>
      )}
    </form>
  );
}
