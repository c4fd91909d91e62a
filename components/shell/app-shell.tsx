import Link from "next/link";
import type { ReactNode } from "react";
import { hasRole, type Actor } from "@/lib/auth/roles";
import { NAV_ITEMS } from "./nav-items";
import { Sidebar } from "./sidebar";
import { ThemeToggle } from "./theme-toggle";
import { UserMenu } from "./user-menu";

export function AppShell({ actor, children }: { actor: Actor; children: ReactNode }) {
  const items = NAV_ITEMS.filter((i) => !i.minRole || hasRole(actor.role, i.minRole));
  return (
    <div className="flex min-h-screen">
      <aside className="sticky top-0 hidden h-screen w-52 shrink-0 flex-col border-r border-zinc-200 bg-zinc-100/60 px-3 py-4 md:flex dark:border-zinc-800 dark:bg-zinc-900/40">
        <Link href="/" className="mb-6 flex items-center gap-2 px-2.5">
          <span className="grid size-6 place-items-center rounded bg-indigo-600 text-xs font-bold text-white">R</span>
          <span className="text-sm font-semibold tracking-tight">Runway</span>
        </Link>
        <Sidebar items={items} />
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="sticky top-0 z-10 flex h-12 items-center justify-end gap-2 border-b border-zinc-200 bg-zinc-50/90 px-5 backdrop-blur dark:border-zinc-800 dark:bg-zinc-950/90">
          <ThemeToggle />
          <UserMenu email={actor.email} role={actor.role} />
        </header>
        <main className="mx-auto w-full max-w-7xl flex-1 px-5 py-6">{children}</main>
      </div>
    </div>
  );
}
