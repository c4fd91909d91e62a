"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";

/** The same query for Google's Logs Explorer. */
export function CopyQuery({ filter }: { filter: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <details className="mt-4 rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <summary className="cursor-pointer px-4 py-2 text-sm font-medium">Cloud Logging query</summary>
      <div className="space-y-2 px-4 pb-3">
        <pre className="overflow-x-auto rounded bg-zinc-100 p-2 text-xs dark:bg-zinc-800" data-testid="logging-query">
          {filter}
        </pre>
        <Button
          variant="secondary"
          onClick={() => void navigator.clipboard.writeText(filter).then(() => setCopied(true))}
        >
          {copied ? "Copied" : "Copy"}
        </Button>
      </div>
    </details>
  );
}
