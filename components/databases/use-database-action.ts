"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import type { ActionResult } from "@/lib/actions";
import type { DatabaseWriteResult } from "@/lib/databases";

/**
 * Runs a database write, then opens its progress on the databases page. One
 * idempotency key per form instance: a double click or a retry of the same
 * submit is the same operation.
 */
export function useDatabaseAction(action: (prev: unknown, input: Record<string, unknown>) => Promise<ActionResult<DatabaseWriteResult>>) {
  const router = useRouter();
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [pending, start] = useTransition();
  const [result, setResult] = useState<ActionResult<DatabaseWriteResult> | null>(null);
  const submit = (input: Record<string, unknown>, onDone?: () => void) =>
    start(async () => {
      const r = await action(null, { ...input, idempotencyKey: key });
      setResult(r);
      // The request has been answered: a further click is a new, deliberate attempt.
      setKey(crypto.randomUUID());
      if (r.ok) {
        onDone?.();
        router.push(`/databases?op=${r.data.operationId}`);
        router.refresh();
      }
    });
  return { submit, pending, result, fieldErrors: result && !result.ok ? (result.fieldErrors ?? {}) : {} };
}
