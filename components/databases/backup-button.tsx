"use client";

import { backupNow } from "./actions";
import { Button } from "@/components/ui/button";
import { useOperationAction } from "@/components/operations/use-operation-action";

export function BackupButton({ project, instance }: { project: string; instance: string }) {
  const { submit, pending, result } = useOperationAction(backupNow, "/databases");
  return (
    <div className="flex items-center gap-2">
      {result && !result.ok && <span role="alert" className="text-xs text-red-600 dark:text-red-400">{result.error}</span>}
      <Button variant="secondary" disabled={pending} onClick={() => submit({ project, instance })}>{pending ? "Starting backup…" : "Back up now"}</Button>
    </div>
  );
}
