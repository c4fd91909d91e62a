"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { cn } from "@/components/ui/cn";
import type { NavItem } from "./nav-items";

function isActive(pathname: string, href: string) {
  return href === "/" ? pathname === "/" || pathname.startsWith("/services") : pathname.startsWith(href);
}

/** Navigation with "g <key>" shortcuts (as in GitHub or Linear). */
export function Sidebar({ items }: { items: NavItem[] }) {
  const pathname = usePathname();
  const router = useRouter();
  const [shortcutsReady, setShortcutsReady] = useState(false);

  useEffect(() => {
    let pendingG = 0;
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement;
      if (e.metaKey || e.ctrlKey || e.altKey || el.closest("input, textarea, select, [contenteditable]")) return;
      if (e.key === "g") {
        pendingG = Date.now();
        return;
      }
      if (Date.now() - pendingG < 1000) {
        const item = items.find((i) => i.key === e.key && !i.soon);
        if (item) router.push(item.href);
      }
      pendingG = 0;
    };
    window.addEventListener("keydown", onKey);
    // Says the shortcuts listen now (tests and people wait for it); there is nothing to derive it from.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setShortcutsReady(true);
    return () => window.removeEventListener("keydown", onKey);
  }, [items, router]);

  return (
    <nav aria-label="Main" data-shortcuts={shortcutsReady ? "on" : "off"} className="flex flex-col gap-0.5">
      {items.map((item) =>
        item.soon ? (
          <span
            key={item.href}
            aria-disabled="true"
            title="Not built yet"
            className="flex items-center justify-between rounded-md px-2.5 py-1.5 text-sm text-zinc-500 dark:text-zinc-400"
          >
            {item.label}
            <span className="text-[10px] uppercase tracking-wide">soon</span>
          </span>
        ) : (
          <Link
            key={item.href}
            href={item.href}
            aria-current={isActive(pathname, item.href) ? "page" : undefined}
            className={cn(
              "group flex items-center justify-between rounded-md px-2.5 py-1.5 text-sm font-medium",
              isActive(pathname, item.href)
                ? "bg-zinc-200/70 text-zinc-900 dark:bg-zinc-800 dark:text-white"
                : "text-zinc-600 hover:bg-zinc-200/40 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800/60 dark:hover:text-zinc-100",
            )}
          >
            {item.label}
            <kbd className="hidden font-mono text-[10px] text-zinc-500 group-hover:inline dark:text-zinc-400">
              g {item.key}
            </kbd>
          </Link>
        ),
      )}
    </nav>
  );
}
