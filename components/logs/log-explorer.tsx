"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef, useState } from "react";
import { Badge, type Tone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/panel";
import type { LogLine, LogPage } from "@/lib/observability";

const SEVERITY_TONES: Record<string, Tone> = {
  DEBUG: "neutral",
  INFO: "sky",
  NOTICE: "sky",
  WARNING: "amber",
  ERROR: "red",
  CRITICAL: "red",
  ALERT: "red",
  EMERGENCY: "red",
};
const MAX_LIVE = 20_000;

async function fetchPage(params: string, pageToken: string): Promise<LogPage> {
  const res = await fetch(`/api/logs?${params}&pageToken=${encodeURIComponent(pageToken)}`, { cache: "no-store" });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error ?? `Could not load logs (${res.status}).`);
  return body;
}

/** A virtualized list: tens of thousands of lines stay smooth; newest on top. */
export function LogExplorer({ params, initial }: { params: string; initial: LogPage }) {
  const [live, setLive] = useState<LogLine[]>([]);
  const [tailing, setTailing] = useState(false);
  /** True once the server says Cloud Logging's tail session is open. */
  const [streaming, setStreaming] = useState(false);
  const [tailError, setTailError] = useState<string | null>(null);
  const [suppressed, setSuppressed] = useState(0);
  const [open, setOpen] = useState<string | null>(null);
  const pages = useInfiniteQuery({
    queryKey: ["logs", params],
    queryFn: ({ pageParam }) => (pageParam ? fetchPage(params, pageParam) : Promise.resolve(initial)),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextPageToken ?? undefined,
    initialData: { pages: [initial], pageParams: [""] },
    staleTime: Infinity,
  });

  useEffect(() => {
    if (!tailing) return;
    setTailError(null);
    setStreaming(false);
    const source = new EventSource(`/api/logs/tail?${params}`);
    source.addEventListener("ready", () => setStreaming(true));
    source.addEventListener("lines", (e) => {
      const { lines, suppressed: dropped } = JSON.parse((e as MessageEvent).data) as {
        lines: LogLine[];
        suppressed: number;
      };
      if (dropped) setSuppressed((n) => n + dropped);
      if (lines.length) setLive((prev) => [...lines.reverse(), ...prev].slice(0, MAX_LIVE));
    });
    source.addEventListener("failure", (e) => {
      setTailError(JSON.parse((e as MessageEvent).data).error);
      setTailing(false);
    });
    return () => {
      source.close();
      setStreaming(false);
    };
  }, [tailing, params]);

  const rows = useMemo(() => {
    const seen = new Set<string>();
    return [...live, ...(pages.data?.pages.flatMap((p) => p.lines) ?? [])].filter((l) =>
      seen.has(l.id) ? false : (seen.add(l.id), true),
    );
  }, [live, pages.data]);

  const scroller = useRef<HTMLDivElement>(null);
  // TanStack Virtual hands back functions React's compiler cannot memoize: it leaves this component as written.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 28,
    overscan: 20,
  });

  return (
    <div>
      <div className="flex flex-wrap items-center gap-2 border-b border-zinc-200 px-4 py-2 dark:border-zinc-800">
        <Button variant={tailing ? "danger" : "secondary"} onClick={() => setTailing((t) => !t)} aria-pressed={tailing}>
          {tailing ? "Stop live tail" : "Live tail"}
        </Button>
        {tailing && (
          <span className="flex items-center gap-1 text-xs text-emerald-700 dark:text-emerald-400">
            <span aria-hidden className="size-2 rounded-full bg-emerald-500 motion-safe:animate-pulse" />
            {streaming ? "streaming new entries" : "connecting…"}
          </span>
        )}
        {suppressed > 0 && (
          <span className="text-xs text-amber-700 dark:text-amber-400">
            {suppressed} entries skipped by Cloud Logging (rate limit)
          </span>
        )}
        <span className="ml-auto text-xs text-zinc-500 dark:text-zinc-400" data-testid="log-count">
          {rows.length} lines
        </span>
      </div>
      {tailError && (
        <div className="px-4 py-2">
          <Notice tone="error">{tailError}</Notice>
        </div>
      )}
      {rows.length === 0 ? (
        <p className="px-4 py-10 text-center text-sm text-zinc-500 dark:text-zinc-400">
          No log entries match in this time range.
        </p>
      ) : (
        <div ref={scroller} className="h-[60vh] overflow-auto font-mono text-xs" role="log" aria-label="Log entries">
          <div style={{ height: virtual.getTotalSize(), position: "relative" }}>
            {virtual.getVirtualItems().map((item) => {
              const line = rows[item.index];
              return (
                <div
                  key={line.id}
                  ref={virtual.measureElement}
                  data-index={item.index}
                  data-testid="log-line"
                  className="absolute inset-x-0 border-b border-zinc-100 dark:border-zinc-800/60"
                  style={{ transform: `translateY(${item.start}px)` }}
                >
                  <button
                    type="button"
                    aria-expanded={open === line.id}
                    onClick={() => setOpen(open === line.id ? null : line.id)}
                    className="flex w-full items-start gap-2 px-4 py-1 text-left hover:bg-zinc-50 dark:hover:bg-zinc-800/40"
                  >
                    <span className="shrink-0 text-zinc-500 dark:text-zinc-400">
                      {line.timestamp.replace("T", " ").slice(0, 23)}
                    </span>
                    <Badge tone={SEVERITY_TONES[line.severity] ?? "neutral"} className="shrink-0">
                      {line.severity}
                    </Badge>
                    <span className="shrink-0 text-zinc-500 dark:text-zinc-400">{line.revision ?? line.service}</span>
                    {line.request ? (
                      <span className="min-w-0 truncate">
                        <span
                          className={
                            line.request.status >= 500
                              ? "text-red-600 dark:text-red-400"
                              : line.request.status >= 400
                                ? "text-amber-700 dark:text-amber-400"
                                : "text-emerald-700 dark:text-emerald-400"
                          }
                        >
                          {line.request.status}
                        </span>{" "}
                        {line.request.method}{" "}
                        {line.request.latencyMs !== null && (
                          <span className="text-zinc-500 dark:text-zinc-400">{line.request.latencyMs} ms</span>
                        )}{" "}
                        {line.request.url}
                      </span>
                    ) : (
                      <span className="min-w-0 truncate">{line.summary}</span>
                    )}
                  </button>
                  {open === line.id && (
                    <pre className="mx-4 mb-2 overflow-x-auto rounded bg-zinc-100 p-2 dark:bg-zinc-800">
                      {JSON.stringify(line.entry, null, 2)}
                    </pre>
                  )}
                </div>
              );
            })}
          </div>
        </div>
      )}
      <div className="flex items-center justify-between px-4 py-2 text-sm">
        {pages.error && <span className="text-red-600 dark:text-red-400">{(pages.error as Error).message}</span>}
        {pages.hasNextPage ? (
          <Button variant="secondary" disabled={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
            {pages.isFetchingNextPage ? "Loading…" : "Load older"}
          </Button>
        ) : (
          <span className="text-xs text-zinc-500 dark:text-zinc-400">Start of the range</span>
        )}
      </div>
    </div>
  );
}
