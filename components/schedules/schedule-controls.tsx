"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { pauseSchedule, resumeSchedule, runScheduleNow } from "./actions";
import { useAction } from "@/components/ui/use-action";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/panel";

type Ref = { project: string; location: string; job: string };
type Props = {
  schedule: Ref;
  state: string;
  /** ISO time of the newest attempt in the history. */ newestAttempt: string | null;
  running: boolean;
};

const WATCH_MS = 120_000;

/**
 * Run now, and pause or resume by the job's state. Run now on a paused job is
 * refused with a message (the server says so). After a run starts, the page
 * refreshes every 2 s until the new attempt is in the history and finished.
 */
export function ScheduleControls({ schedule, state, newestAttempt, running }: Props) {
  const router = useRouter();
  const { run, pending, running: inFlight, result } = useAction<unknown>(null);
  const [ranAt, setRanAt] = useState<number | null>(null);
  const [last, setLast] = useState<string | null>(null);
  const waiting = ranAt !== null && (running || !newestAttempt || new Date(newestAttempt).getTime() < ranAt - 5_000);
  // The watch gives up after WATCH_MS (an attempt may never show).
  useEffect(() => {
    if (ranAt === null) return;
    const timer = setTimeout(() => setRanAt(null), Math.max(0, ranAt + WATCH_MS - Date.now()));
    return () => clearTimeout(timer);
  }, [ranAt]);
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(() => router.refresh(), 2_000);
    return () => clearInterval(timer);
  }, [waiting, router]);
  const runNow = () => {
    const at = Date.now();
    setLast("run");
    run(runScheduleNow, schedule, (r) => r.ok && setRanAt(at));
  };
  return (
    <div className="flex flex-col items-end gap-2">
      <div className="flex gap-2">
        <Button disabled={pending} onClick={runNow}>
          {inFlight === runScheduleNow ? "Starting…" : "Run now"}
        </Button>
        {state === "PAUSED" ? (
          <Button
            variant="secondary"
            disabled={pending}
            onClick={() => (setLast("resume"), run(resumeSchedule, schedule))}
          >
            {inFlight === resumeSchedule ? "Resuming…" : "Resume"}
          </Button>
        ) : (
          <Button
            variant="secondary"
            disabled={pending}
            onClick={() => (setLast("pause"), run(pauseSchedule, schedule))}
          >
            {inFlight === pauseSchedule ? "Pausing…" : "Pause"}
          </Button>
        )}
      </div>
      {/* A run's notice goes once its attempt is in the history below. */}
      {result && !(result.ok && last === "run" && !waiting) && (
        <Notice tone={result.ok ? "success" : "error"}>
          {result.ok ? (last === "run" ? `${result.message} Watching for it…` : result.message) : result.error}
        </Notice>
      )}
    </div>
  );
}
