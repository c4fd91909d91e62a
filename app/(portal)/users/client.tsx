"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/field";
import { useAction } from "@/components/ui/use-action";
import { ROLES, type Role } from "@/lib/auth/roles";
import { changeRole } from "@/components/users/actions";

export function RoleForm({ userId, email, role }: { userId: string; email: string; role: Role }) {
  const { submit: save, pending, result: state } = useAction(changeRole);
  const [selected, setSelected] = useState<Role>(role);
  const saved = state?.ok ? state.data.role : role;
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    save({ userId, role: selected });
  };
  return (
    <form onSubmit={submit} className="flex flex-wrap items-center gap-2">
      <Select
        name="role"
        aria-label={`Role of ${email}`}
        value={selected}
        onChange={(e) => setSelected(e.target.value as Role)}
      >
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </Select>
      <Button type="submit" variant="secondary" disabled={pending || selected === saved}>
        {pending ? "Saving…" : "Save"}
      </Button>
      {state && (
        <span
          role={state.ok ? "status" : "alert"}
          className={
            state.ok ? "text-xs text-emerald-700 dark:text-emerald-400" : "text-xs text-red-600 dark:text-red-400"
          }
        >
          {state.ok ? state.message : [state.error, ...Object.values(state.fieldErrors ?? {}).flat()].join(" ")}
        </span>
      )}
    </form>
  );
}
