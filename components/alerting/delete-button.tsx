"use client";
// Delete a channel, an uptime check or an SLO: one click to ask, a second to do it.
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { deleteChannel, deleteSlo, deleteUptimeCheck } from "./actions";
import { useAction } from "@/components/ui/use-action";

const ACTIONS = {
  channel: [deleteChannel, "channelName"],
  uptime: [deleteUptimeCheck, "checkName"],
  slo: [deleteSlo, "sloName"],
} as const;

export function DeleteButton({
  what,
  project,
  name,
  label,
}: {
  what: keyof typeof ACTIONS;
  project: string;
  name: string;
  label: string;
}) {
  const [action, field] = ACTIONS[what];
  const { submit, pending, result } = useAction(action);
  const [sure, setSure] = useState(false);
  return (
    <span className="inline-flex items-center gap-2">
      {sure ? (
        <>
          <Button
            variant="danger"
            disabled={pending}
            onClick={() => submit({ project, [field]: name })}
            aria-label={`Really delete ${label}`}
          >
            {pending ? "Deleting…" : "Really delete"}
          </Button>
          <Button variant="ghost" onClick={() => setSure(false)}>
            Keep
          </Button>
        </>
      ) : (
        <Button variant="ghost" onClick={() => setSure(true)} aria-label={`Delete ${label}`}>
          Delete
        </Button>
      )}
      {result && !result.ok && (
        <span role="alert" className="text-xs text-red-600 dark:text-red-400">
          {result.error}
        </span>
      )}
    </span>
  );
}
