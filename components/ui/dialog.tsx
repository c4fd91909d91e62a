"use client";

// A modal confirmation dialog on the native <dialog>: showModal() makes the rest of the page
// inert and Escape closes it; on top of that Tab and Shift+Tab wrap inside it (no escape to the
// page behind), and closing, by any means, returns focus to the control that opened it.
import { useEffect, useEffectEvent, useRef, type KeyboardEvent, type ReactNode } from "react";
import { cn } from "./cn";

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

type Props = { open: boolean; onClose: () => void; label: string; children: ReactNode; className?: string };

export function Dialog({ open, onClose, label, children, className }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  // The latest onClose, without reopening the dialog when the parent passes a new function.
  const closed = useEffectEvent(() => onClose());

  useEffect(() => {
    const dialog = ref.current;
    if (!open || !dialog) return;
    const trigger = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.addEventListener("close", closed);
    dialog.showModal();
    return () => {
      dialog.removeEventListener("close", closed);
      if (dialog.open) dialog.close();
      trigger?.focus();
    };
  }, [open]);

  const trapTab = (e: KeyboardEvent<HTMLDialogElement>) => {
    if (e.key !== "Tab") return;
    const items = [...e.currentTarget.querySelectorAll<HTMLElement>(FOCUSABLE)];
    if (items.length === 0) return;
    const [first, last] = [items[0], items[items.length - 1]];
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  if (!open) return null;
  return (
    <dialog
      ref={ref}
      aria-label={label}
      onKeyDown={trapTab}
      className={cn(
        "m-auto max-w-[calc(100vw-2rem)] space-y-3 rounded-lg border border-zinc-200 bg-white p-4 text-sm text-zinc-900 shadow-lg backdrop:bg-zinc-950/40 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100",
        className,
      )}
    >
      {children}
    </dialog>
  );
}
