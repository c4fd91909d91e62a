"use client";

import { pauseSchedule, resumeSchedule, runScheduleNow } from "./actions";
import { useSimpleAction } from "./use-simple-action";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/panel";

type Ref = { project: string; location: string; job: string };

/** Run now, and pause or resume by the job's state. Run now on a paused job is refused with a message (the server says so). */
export function ScheduleControls({ schedule, state }: { schedule: Ref; state: string }) {
  const { submit, pending, running, result } = useSimpleAction();
  return (
    <div className="flex flex-col items-end gap-2">
      <div className="flex gap-2">
        <Button disabled={pending} onClick={() => submit("run", runScheduleNow, schedule)}>{running === "run" ? "Starting…" : "Run now"}</Button>
        {state === "PAUSED" ? (
          <Button variant="secondary" disabled={pending} onClick={() => submit("resume", resumeSchedule, schedule)}>{running === "resume" ? "Resuming…" : "Resume"}</Button>
        ) : (
          <Button variant="secondary" disabled={pending} onClick={() => submit("pause", pauseSchedule, schedule)}>{running === "pause" ? "Pausing…" : "Pause"}</Button>
        )}
      </div>
      {result && <Notice tone={result.ok ? "success" : "error"}>{result.ok ? result.message : result.error}</Notice>}
    </div>
  );
}
