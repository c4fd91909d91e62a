"use client";

import { cancelExecution } from "./actions";
import { useAction } from "@/components/ui/use-action";
import { Button } from "@/components/ui/button";

type Props = { execution: { project: string; location: string; job: string; execution: string } };

/** Cancels a running execution; one that already ended answers with the server's message. */
export function CancelExecutionButton({ execution }: Props) {
  const { submit, pending, result } = useAction(cancelExecution);
  return (
    <span className="inline-flex flex-col items-start gap-1">
      <Button
        variant="danger"
        className="h-7 px-2 text-xs"
        disabled={pending}
        onClick={() => submit(execution)}
        aria-label={`Cancel ${execution.execution}`}
      >
        {pending ? "Cancelling…" : "Cancel"}
      </Button>
      {result && (
        <span
          role={result.ok ? "status" : "alert"}
          className={
            result.ok ? "text-xs text-emerald-700 dark:text-emerald-400" : "text-xs text-red-600 dark:text-red-400"
          }
        >
          {result.ok ? result.message : result.error}
        </span>
      )}
    </span>
  );
}
