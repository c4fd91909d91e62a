"use client";
// Acknowledge an incident (developer+): says who is on it; audited.
import { Button } from "@/components/ui/button";
import { acknowledgeIncident } from "./actions";
import { useAction } from "@/components/ui/use-action";

export function AcknowledgeButton({ id, label }: { id: string; label: string }) {
  const { submit, pending, result } = useAction(acknowledgeIncident);
  return (
    <span className="inline-flex items-center gap-2">
      <Button variant="secondary" disabled={pending} onClick={() => submit({ id })} aria-label={`Acknowledge ${label}`}>
        {pending ? "…" : "Acknowledge"}
      </Button>
      {result && !result.ok && (
        <span role="alert" className="text-xs text-red-600 dark:text-red-400">
          {result.error}
        </span>
      )}
    </span>
  );
}
