"use client";

import { backupNow } from "./actions";
import { Button } from "@/components/ui/button";
import { useAction } from "@/components/ui/use-action";

export function BackupButton({ project, instance }: { project: string; instance: string }) {
  const { submit, pending, result } = useAction(backupNow, { followAt: "/databases" });
  return (
    <div className="flex items-center gap-2">
      {result && !result.ok && (
        <span role="alert" className="text-xs text-red-600 dark:text-red-400">
          {result.error}
        </span>
      )}
      <Button variant="secondary" disabled={pending} onClick={() => submit({ project, instance })}>
        {pending ? "Starting backup…" : "Back up now"}
      </Button>
    </div>
  );
}
