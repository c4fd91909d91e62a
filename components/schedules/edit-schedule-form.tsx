"use client";

import { useState } from "react";
import { updateSchedule } from "./actions";
import { useAction } from "@/components/ui/use-action";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { Notice } from "@/components/ui/panel";
import { cronError, describeSchedule, nextRuns, timeZoneError } from "@/lib/schedules/cron";
import type { RetryView } from "@/lib/schedules/model";

type Props = {
  schedule: { project: string; location: string; job: string };
  initial: { schedule: string; timeZone: string; uri: string; retry: RetryView; attemptDeadlineSeconds: number };
  /** URLs of the covered services, offered for the target. */
  serviceUrls: string[];
  /** The server's clock when the page was made, so the preview renders the same on both sides. */
  now: string;
};

const ZONES = ["UTC", "America/Los_Angeles", "America/New_York", "Europe/London", "Europe/Amsterdam", "Asia/Tokyo"];

/** Schedule, zone, target, retry and deadline; the next three runs are previewed as you type, with the server's own checks. */
export function EditScheduleForm({ schedule, initial, serviceUrls, now }: Props) {
  const [cron, setCron] = useState(initial.schedule);
  const [zone, setZone] = useState(initial.timeZone);
  const { submit, pending, result, fieldErrors } = useAction(updateSchedule);
  const cronProblem = cronError(cron);
  const zoneProblem = timeZoneError(zone);
  const preview = nextRuns(cron, zone, new Date(now));
  const id = (f: string) => `edit-${schedule.job}-${f}`;
  // The job as this form read it: the server refuses the edit if it changed since (no etag on Scheduler jobs).
  const r = initial.retry;
  const read = JSON.stringify({
    schedule: initial.schedule,
    timeZone: initial.timeZone,
    targetUri: initial.uri,
    retryCount: r.retryCount,
    minBackoffSeconds: r.minBackoffSeconds,
    maxBackoffSeconds: r.maxBackoffSeconds,
    maxDoublings: r.maxDoublings,
    attemptDeadlineSeconds: initial.attemptDeadlineSeconds,
  });
  const onSubmit = (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    submit({ ...schedule, read, ...Object.fromEntries(new FormData(e.currentTarget)) });
  };
  return (
    <form onSubmit={onSubmit} className="space-y-4 px-4 py-3" aria-label={`Edit ${schedule.job}`}>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field
          label="Schedule (unix-cron)"
          htmlFor={id("schedule")}
          error={fieldErrors.schedule ?? (cronProblem ? [cronProblem] : undefined)}
        >
          <Input
            id={id("schedule")}
            name="schedule"
            value={cron}
            onChange={(e) => setCron(e.target.value)}
            className="font-mono"
            autoComplete="off"
          />
        </Field>
        <Field
          label="Time zone"
          htmlFor={id("zone")}
          error={fieldErrors.timeZone ?? (zoneProblem ? [zoneProblem] : undefined)}
        >
          <Input
            id={id("zone")}
            name="timeZone"
            value={zone}
            onChange={(e) => setZone(e.target.value)}
            list={id("zones")}
            autoComplete="off"
          />
          <datalist id={id("zones")}>
            {ZONES.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
        </Field>
      </div>
      <section
        aria-label="Preview of the next runs"
        className="rounded-md bg-zinc-50 px-3 py-2 text-sm dark:bg-zinc-800/60"
      >
        {preview.length ? (
          <>
            <p className="font-medium">
              {describeSchedule(cron)} <span className="font-normal text-zinc-500 dark:text-zinc-400">({zone})</span>
            </p>
            <ol className="mt-1 space-y-0.5 text-xs">
              {preview.map((r) => (
                <li key={r.utc}>
                  <span className="font-mono">{r.local}</span>
                  {r.local !== r.utc && <span className="text-zinc-500 dark:text-zinc-400"> = {r.utc}</span>}
                </li>
              ))}
            </ol>
          </>
        ) : (
          <p className="text-xs text-zinc-500 dark:text-zinc-400">
            No preview until the schedule and time zone are valid.
          </p>
        )}
      </section>
      <Field label="Target URL (a covered Cloud Run service)" htmlFor={id("uri")} error={fieldErrors.targetUri}>
        <Input
          id={id("uri")}
          name="targetUri"
          defaultValue={initial.uri}
          list={id("uris")}
          className="font-mono text-xs"
          autoComplete="off"
        />
        <datalist id={id("uris")}>
          {serviceUrls.map((u) => (
            <option key={u} value={u} />
          ))}
        </datalist>
      </Field>
      <div className="grid gap-3 sm:grid-cols-5">
        <Field label="Retries" htmlFor={id("retries")} error={fieldErrors.retryCount}>
          <Input
            id={id("retries")}
            name="retryCount"
            type="number"
            min={0}
            max={5}
            defaultValue={initial.retry.retryCount}
          />
        </Field>
        <Field label="Min backoff (s)" htmlFor={id("minb")} error={fieldErrors.minBackoffSeconds}>
          <Input
            id={id("minb")}
            name="minBackoffSeconds"
            type="number"
            min={0}
            defaultValue={initial.retry.minBackoffSeconds}
          />
        </Field>
        <Field label="Max backoff (s)" htmlFor={id("maxb")} error={fieldErrors.maxBackoffSeconds}>
          <Input
            id={id("maxb")}
            name="maxBackoffSeconds"
            type="number"
            min={0}
            defaultValue={initial.retry.maxBackoffSeconds}
          />
        </Field>
        <Field label="Max doublings" htmlFor={id("dbl")} error={fieldErrors.maxDoublings}>
          <Input
            id={id("dbl")}
            name="maxDoublings"
            type="number"
            min={0}
            max={16}
            defaultValue={initial.retry.maxDoublings}
          />
        </Field>
        <Field label="Deadline (s)" htmlFor={id("deadline")} error={fieldErrors.attemptDeadlineSeconds}>
          <Input
            id={id("deadline")}
            name="attemptDeadlineSeconds"
            type="number"
            min={15}
            max={1800}
            defaultValue={initial.attemptDeadlineSeconds}
          />
        </Field>
      </div>
      {result && <Notice tone={result.ok ? "success" : "error"}>{result.ok ? result.message : result.error}</Notice>}
      <div className="flex justify-end">
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : "Save schedule"}
        </Button>
      </div>
    </form>
  );
}
