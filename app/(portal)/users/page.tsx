import type { Metadata } from "next";
import { Forbidden } from "@/components/shell/forbidden";
import { PageHeader, Panel } from "@/components/ui/panel";
import { Table, Td, Th } from "@/components/ui/table";
import { Time } from "@/components/ui/time";
import { hasRole, ROLE_DESCRIPTIONS, ROLES } from "@/lib/auth/roles";
import { requireActor } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { listUsers } from "@/lib/users";
import { RoleForm } from "./client";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const actor = await requireActor();
  if (!hasRole(actor.role, "admin")) return <Forbidden role={actor.role} needed="admin" />;
  const users = await listUsers(db());
  return (
    <>
      <PageHeader
        title="Users"
        description="Everyone who has signed in. New people start as viewers; change a role here. Every change is audited."
      />
      <Panel>
        <Table caption="People who have signed in, with their role">
          <thead>
            <tr>
              <Th>Person</Th>
              <Th>Role</Th>
              <Th>Last sign-in</Th>
              <Th>Joined</Th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} data-testid={`user-row-${u.email}`}>
                <Td>
                  <div className="font-medium">{u.email}</div>
                  {u.name && <div className="text-xs text-zinc-500 dark:text-zinc-400">{u.name}</div>}
                </Td>
                <Td>
                  <RoleForm userId={u.id} email={u.email} role={u.role} />
                </Td>
                <Td>
                  <Time value={u.lastSignInAt} />
                </Td>
                <Td>
                  <Time value={u.createdAt} />
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </Panel>
      <dl className="mt-4 grid gap-2 text-xs text-zinc-500 sm:grid-cols-4 dark:text-zinc-400">
        {ROLES.map((r) => (
          <div key={r}>
            <dt className="font-semibold text-zinc-700 dark:text-zinc-300">{r}</dt>
            <dd>{ROLE_DESCRIPTIONS[r]}</dd>
          </div>
        ))}
      </dl>
    </>
  );
}
