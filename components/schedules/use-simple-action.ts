"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import type { ActionResult } from "@/lib/actions";

type Action<T> = (prev: unknown, input: Record<string, unknown>) => Promise<ActionResult<T>>;

/**
 * Runs quick actions (no followed operation) one at a time, keeps the last
 * answer to show, and refreshes the page's data on success. `running` names
 * the action in flight, for its button's label.
 */
export function useSimpleAction() {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [running, setRunning] = useState<string | null>(null);
  const [result, setResult] = useState<ActionResult<unknown> | null>(null);
  const submit = <T,>(name: string, action: Action<T>, input: Record<string, unknown>, onDone?: (r: ActionResult<T>) => void) =>
    start(async () => {
      setRunning(name);
      const r = await action(null, input);
      setResult(r);
      setRunning(null);
      onDone?.(r);
      if (r.ok) router.refresh();
    });
  return { submit, pending, running, result, fieldErrors: result && !result.ok ? (result.fieldErrors ?? {}) : {} };
}
