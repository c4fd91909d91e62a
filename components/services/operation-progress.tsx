"use client";

import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { Badge } from "@/components/ui/badge";
import type { OperationView } from "@/lib/operations";

type OperationJson = Omit<OperationView, "createdAt" | "finishedAt"> & { createdAt: string; finishedAt: string | null };

const icons = { pending: "○", active: "◌", done: "●", failed: "✕" } as const;
const colors = {
  pending: "text-zinc-500 dark:text-zinc-400",
  active: "text-amber-700 motion-safe:animate-pulse dark:text-amber-400",
  done: "text-emerald-700 dark:text-emerald-400",
  failed: "text-red-600 dark:text-red-400",
} as const;

async function fetchOperation(id: string): Promise<OperationJson> {
  const res = await fetch(`/api/operations/${id}`, { cache: "no-store" });
  if (!res.ok)
    throw new Error(res.status === 404 ? "This operation does not exist." : `Could not load progress (${res.status}).`);
  return res.json();
}

/** Follows an operation row (not the browser's own request), so it survives reloads. */
export function OperationProgress({ id, initial }: { id: string; initial: OperationJson }) {
  const router = useRouter();
  const { data = initial, error } = useQuery({
    queryKey: ["operation", id],
    queryFn: () => fetchOperation(id),
    initialData: initial,
    // A row that is gone (a refused start removes its row) stops the polling.
    refetchInterval: (q) =>
      q.state.data?.status === "running" && !q.state.error?.message.includes("does not exist") ? 1000 : false,
  });
  useEffect(() => {
    if (data.status !== "running") router.refresh();
  }, [data.status, router]);
  const tone = data.status === "succeeded" ? "green" : data.status === "failed" ? "red" : "amber";
  return (
    <section
      aria-label="Operation progress"
      className="rounded-lg border border-zinc-200 bg-white px-4 py-3 dark:border-zinc-800 dark:bg-zinc-900"
    >
      <div className="mb-2 flex flex-wrap items-center gap-2 text-sm">
        <span className="font-semibold capitalize">{data.kind}</span>
        {data.revision && <code className="text-xs">{data.revision}</code>}
        <Badge tone={tone}>{data.status}</Badge>
        <span className="text-xs text-zinc-500 dark:text-zinc-400">by {data.actorEmail}</span>
      </div>
      <ol
        className={
          data.steps.some((s) => s.detail && s.state !== "failed")
            ? "space-y-1 text-sm"
            : "flex flex-wrap gap-x-6 gap-y-1 text-sm"
        }
      >
        {data.steps.map((s) => (
          <li key={s.key} data-state={s.state} className="flex items-center gap-1.5">
            <span className={colors[s.state]} aria-hidden>
              {icons[s.state]}
            </span>
            <span className={s.state === "pending" ? "text-zinc-500 dark:text-zinc-400" : undefined}>{s.label}</span>
            {s.detail && s.state !== "failed" && (
              <span className="text-xs text-zinc-500 dark:text-zinc-400">({s.detail})</span>
            )}
          </li>
        ))}
      </ol>
      {data.error && (
        <p role="alert" className="mt-2 text-sm text-red-600 dark:text-red-400">
          {data.error}
        </p>
      )}
      {error && <p className="mt-2 text-xs text-red-600 dark:text-red-400">{(error as Error).message}</p>}
    </section>
  );
}
