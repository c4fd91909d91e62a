// Edit a job's schedule, time zone, target URL, retry and deadline. The cron
// and zone are validated by the schema (field errors, nothing sent); the
// target must be the URL of a service in the covered projects. One UpdateJob
// with a mask of exactly what the form edits. Scheduler jobs carry no etag, so
// the form sends the fields as it read them and an edit of a job that changed
// since is refused, saying what changed (issue 27, item 7); what is left is the
// moment between this read and the write, which Cloud Scheduler cannot close.
import type { ActionContext, ActionDefinition } from "../actions";
import { Conflict, Invalid } from "../errors";
import { upstreamError } from "../gcp/errors";
import { listFleet } from "../services/read";
import { nextRuns } from "./cron";
import { portalScheduleDeps, type ScheduleDeps } from "./deps";
import { seconds, targetService } from "./model";
import { scheduleName } from "./names";
import { invalidateSchedules } from "./read";
import { ScheduleAsRead, UpdateScheduleInput } from "./schemas";
import { byJobLocation, coveredLocations } from "./scope";

type Result = { nextRuns: string[] };
const duration = (s: number) => ({ seconds: s, nanos: 0 });

async function updateSchedule(ctx: ActionContext, deps: ScheduleDeps, input: UpdateScheduleInput) {
  const locations = await coveredLocations(ctx.db, input);
  const fleet = await listFleet(locations, deps.run);
  const target = targetService(input.targetUri, fleet.services, input.project);
  if (!target)
    throw new Invalid("The target is not a covered service.", {
      targetUri: ["Not the URL of a Cloud Run service in the covered projects (Settings)."],
    });

  const name = scheduleName(input);
  const [current] = await deps.scheduler.getJob({ name }, { timeout: 15_000 }).catch((err) => {
    throw upstreamError(err, "Cloud Scheduler", `reading ${input.job}`);
  });
  if (!current.httpTarget)
    throw new Invalid("Only HTTP-target jobs can be edited here.", { targetUri: ["This job does not call a URL."] });
  const r = current.retryConfig;
  const before = {
    schedule: String(current.schedule ?? ""),
    timeZone: String(current.timeZone ?? ""),
    targetUri: String(current.httpTarget.uri ?? ""),
    retryCount: Number(r?.retryCount ?? 0),
    minBackoffSeconds: seconds(r?.minBackoffDuration),
    maxBackoffSeconds: seconds(r?.maxBackoffDuration),
    maxDoublings: Number(r?.maxDoublings ?? 0),
    // As the page shows it (model.ts), so a job without a deadline reads the same on both sides.
    attemptDeadlineSeconds: seconds(current.attemptDeadline) || 180,
  };
  const changed = changesSince(input.read, before);
  if (changed.length) {
    throw new Conflict(
      `Someone changed ${input.job} since you opened the form, so nothing was saved: ${changed.join("; ")}. Reload to edit the current version.`,
      { changed: changed.length },
    );
  }
  const job = {
    name,
    schedule: input.schedule,
    timeZone: input.timeZone,
    httpTarget: { ...current.httpTarget, uri: input.targetUri },
    retryConfig: {
      ...r,
      retryCount: input.retryCount,
      minBackoffDuration: duration(input.minBackoffSeconds),
      maxBackoffDuration: duration(input.maxBackoffSeconds),
      maxDoublings: input.maxDoublings,
    },
    attemptDeadline: duration(input.attemptDeadlineSeconds),
  };
  const paths = ["schedule", "time_zone", "http_target", "retry_config", "attempt_deadline"];
  await deps.scheduler.updateJob({ job, updateMask: { paths } }, { timeout: 15_000 }).catch((err) => {
    throw upstreamError(err, "Cloud Scheduler", `updating ${input.job}`);
  });
  invalidateSchedules(input.project);
  const { project: _p, location: _l, job: _j, read: _r, ...after } = input;
  const runs = nextRuns(input.schedule, input.timeZone, new Date()).map((n) => n.local);
  return { data: { nextRuns: runs }, message: `Saved. Next runs: ${runs.join(", ")}.`, details: { before, after } };
}

const LABELS: Record<keyof ScheduleAsRead, string> = {
  schedule: "schedule",
  timeZone: "time zone",
  targetUri: "target URL",
  retryCount: "retries",
  minBackoffSeconds: "min backoff (s)",
  maxBackoffSeconds: "max backoff (s)",
  maxDoublings: "max doublings",
  attemptDeadlineSeconds: "deadline (s)",
};

/** Each edited field the job holds otherwise than the form read it: `schedule is now "…" (you read "…")`. */
function changesSince(read: ScheduleAsRead, now: ScheduleAsRead): string[] {
  return (Object.keys(LABELS) as (keyof ScheduleAsRead)[])
    .filter((k) => read[k] !== now[k])
    .map((k) => `${LABELS[k]} is now ${JSON.stringify(now[k])} (you read ${JSON.stringify(read[k])})`);
}

export function updateScheduleDefinition(
  deps: () => ScheduleDeps = portalScheduleDeps,
): ActionDefinition<typeof UpdateScheduleInput, Result> {
  return {
    name: "schedules.update",
    role: "developer",
    input: UpdateScheduleInput,
    target: scheduleName,
    scope: byJobLocation,
    run: (ctx, input) => updateSchedule(ctx, deps(), input),
  };
}
