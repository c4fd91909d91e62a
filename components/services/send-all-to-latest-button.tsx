"use client";

import { sendAllToLatest } from "./actions";
import { Button } from "@/components/ui/button";
import { parseServiceName, servicePath } from "@/lib/services/names";
import { useAction } from "@/components/ui/use-action";

export function SendAllToLatestButton({
  name,
  etag,
  compact = false,
}: {
  name: string;
  etag: string;
  compact?: boolean;
}) {
  const ref = parseServiceName(name)!;
  const { submit, pending, result } = useAction(sendAllToLatest, { followAt: servicePath(ref) });
  return (
    <span className="inline-flex items-center gap-2">
      <Button
        variant="secondary"
        className={compact ? "h-6 px-2 text-xs" : undefined}
        disabled={pending}
        onClick={() => submit({ ...ref, etag })}
      >
        {pending ? "Sending…" : "Send all to latest"}
      </Button>
      {result && !result.ok && (
        <span role="alert" className="text-xs text-red-600 dark:text-red-400">
          {result.error}
        </span>
      )}
    </span>
  );
}
