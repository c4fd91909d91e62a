"use client";
// Runs one alerting action from a client form and refreshes the page's server
// data when it succeeds; the result (message or field errors) stays for the form.
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import type { ActionResult } from "@/lib/actions";

type Action<T> = (prev: unknown, input: Record<string, unknown>) => Promise<ActionResult<T>>;

export function useAlertAction<T>(action: Action<T>) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [result, setResult] = useState<ActionResult<T> | null>(null);
  const submit = (input: Record<string, unknown>, onDone?: (r: ActionResult<T>) => void) =>
    start(async () => {
      const r = await action(null, input);
      setResult(r);
      onDone?.(r);
      if (r.ok) router.refresh();
    });
  return { submit, pending, result, fieldErrors: result && !result.ok ? (result.fieldErrors ?? {}) : {} };
}
