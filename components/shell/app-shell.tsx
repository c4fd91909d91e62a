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
      <a
        href="#content"
        className="sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:rounded-md focus:bg-white focus:px-3 focus:py-2 focus:text-sm focus:font-medium focus:text-indigo-700 focus:shadow-lg dark:focus:bg-zinc-900 dark:focus:text-indigo-300"
      >
        Skip to content
      </a>
      {/* The column stretches with the page so its background runs the full height; the nav inside stays in view. */}
      <aside className="hidden w-52 shrink-0 border-r border-zinc-200 bg-zinc-100/60 md:block dark:border-zinc-800 dark:bg-zinc-900/40">
        <div className="sticky top-0 flex h-screen flex-col px-3 py-4">
          <Link href="/" className="mb-6 flex items-center gap-2 px-2.5">
            <span
              aria-hidden
              className="grid size-6 place-items-center rounded bg-indigo-600 text-xs font-bold text-white"
            >
              R
            </span>
            <span className="text-sm font-semibold tracking-tight">Runway</span>
          </Link>
          <Sidebar items={items} />
        </div>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="sticky top-0 z-10 flex h-12 items-center justify-end gap-2 border-b border-zinc-200 bg-zinc-50/90 px-5 backdrop-blur dark:border-zinc-800 dark:bg-zinc-950/90">
          <ThemeToggle />
          <UserMenu email={actor.email} role={actor.role} />
        </header>
        <main id="content" tabIndex={-1} className="mx-auto w-full max-w-7xl flex-1 px-5 py-6 focus:outline-none">
          {children}
        </main>
      </div>
    </div>
  );
}
