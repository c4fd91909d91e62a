"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import type { ActionResult } from "@/lib/actions";

type StartAction<T> = (prev: unknown, input: Record<string, unknown>) => Promise<ActionResult<T>>;

/**
 * Runs an action that starts a followed operation (deploy, traffic, restore,
 * rotation…), then opens its progress at `path?op=<id>`. One idempotency key
 * per form instance: a double click or a retry of the same submit is the same
 * operation; an answered request gets a fresh key for the next attempt.
 */
export function useOperationAction<T extends { operationId: string }>(action: StartAction<T>, path: string) {
  const router = useRouter();
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [pending, start] = useTransition();
  const [result, setResult] = useState<ActionResult<T> | null>(null);
  const submit = (input: Record<string, unknown>, onStarted?: () => void) =>
    start(async () => {
      const r = await action(null, { ...input, idempotencyKey: key });
      setResult(r);
      setKey(crypto.randomUUID());
      if (r.ok) {
        onStarted?.();
        router.push(`${path}?op=${r.data.operationId}`);
        router.refresh();
      }
    });
  return { submit, pending, result, fieldErrors: result && !result.ok ? (result.fieldErrors ?? {}) : {} };
}
