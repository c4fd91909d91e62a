"use client";
// The one way a client component calls a server action (a guardedAction entry
// point): it runs one submit at a time, keeps the answer (message, error and
// field errors) for the form to show, and on success refreshes the server data
// the page shows, so nothing stale stands beside "saved". An action that starts
// a followed operation (deploy, traffic, restore, rotation, job run…) names
// where its progress is shown: the submit then carries one idempotency key per
// form instance (a double click or a retry is the same operation; an answered
// request gets a fresh key) and the page opens at `followAt?op=<id>`.
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import type { ActionResult } from "@/lib/actions";

export type ClientAction<T> = (previous: unknown, input: Record<string, unknown>) => Promise<ActionResult<T>>;

export type UseActionOptions = {
  /** The page that shows a started operation's progress; set for actions that start one. */
  followAt?: string;
};

/**
 * `submit(input)` calls `action`; `run(other, input)` calls another action of
 * the same form (a panel's pause, resume and abort buttons), and `running`
 * says which one is in flight, for its button's label.
 */
export function useAction<T>(action: ClientAction<T> | null, { followAt }: UseActionOptions = {}) {
  const router = useRouter();
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [pending, start] = useTransition();
  const [running, setRunning] = useState<ClientAction<T> | null>(null);
  const [result, setResult] = useState<ActionResult<T> | null>(null);
  const run = (act: ClientAction<T>, input: Record<string, unknown>, onDone?: (result: ActionResult<T>) => void) =>
    start(async () => {
      setRunning(() => act);
      const r = await act(null, followAt ? { ...input, idempotencyKey: key } : input);
      if (followAt) setKey(crypto.randomUUID());
      setRunning(null);
      setResult(r);
      onDone?.(r);
      if (!r.ok) return;
      const operation = followAt ? (r.data as { operationId?: string } | null)?.operationId : undefined;
      if (operation) router.push(`${followAt}?op=${operation}`);
      router.refresh();
    });
  const submit = (input: Record<string, unknown>, onDone?: (result: ActionResult<T>) => void) => {
    if (!action) throw new Error("useAction(null): call run(action, input) instead");
    run(action, input, onDone);
  };
  const fieldErrors: Record<string, string[]> = result && !result.ok ? (result.fieldErrors ?? {}) : {};
  return { submit, run, running, pending, result, fieldErrors, reset: () => setResult(null) };
}
