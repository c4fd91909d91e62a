import { Badge } from "@/components/ui/badge";
import type { ServiceView } from "@/lib/services";

const tones = { ready: "green", failed: "red", reconciling: "amber", unknown: "neutral" } as const;

export function StatusBadge({ status, message }: { status: ServiceView["status"]; message?: string | null }) {
  return (
    <span title={message ?? undefined} className="inline-flex flex-col gap-0.5">
      <Badge tone={tones[status]}>{status}</Badge>
      {status === "failed" && message && (
        <span className="max-w-56 text-xs text-red-600 dark:text-red-400">{message}</span>
      )}
    </span>
  );
}
