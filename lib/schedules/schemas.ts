// Inputs of the schedule actions, validated in the guarded path. The cron and
// the zone are checked with the same pure code the edit form previews with.
import { z } from "zod";
import { cronError, timeZoneError } from "./cron";
import { JOB_ID } from "./names";

/** A project id and a region: the parts every schedule and Cloud Run job input shares. */
export const project = z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, "Not a project id.");
export const location = z.string().regex(/^[a-z]+-[a-z]+\d+$/, "Not a location.");
const job = z.string().regex(JOB_ID, "Not a job id.");
const blankToNull = (v: unknown) => (v === "" || v === undefined ? null : v);

export const ScheduleRefInput = z.object({ project, location, job });
export type ScheduleRefInput = z.infer<typeof ScheduleRefInput>;

export const UpdateScheduleInput = z
  .object({
    project,
    location,
    job,
    schedule: z.string().trim().max(200),
    timeZone: z.string().trim().max(100),
    /** The Cloud Run URL the job calls (its path and query kept as given). */
    targetUri: z.url({ protocol: /^https?$/, error: "Not a URL." }).max(2000),
    retryCount: z.coerce.number().int("A whole number.").min(0, "At least 0.").max(5, "At most 5."),
    minBackoffSeconds: z.coerce.number().int("Whole seconds.").min(0).max(3600, "At most 3600 s."),
    maxBackoffSeconds: z.coerce.number().int("Whole seconds.").min(0).max(3600, "At most 3600 s."),
    maxDoublings: z.coerce.number().int("A whole number.").min(0, "At least 0.").max(16, "At most 16."),
    /** Cloud Scheduler allows 15 s to 30 min for HTTP targets. */
    attemptDeadlineSeconds: z.coerce.number().int("Whole seconds.").min(15, "At least 15 s.").max(1800, "At most 1800 s (30 min)."),
  })
  .superRefine((v, ctx) => {
    const cron = cronError(v.schedule);
    if (cron) ctx.addIssue({ code: "custom", path: ["schedule"], message: cron });
    const zone = timeZoneError(v.timeZone);
    if (zone) ctx.addIssue({ code: "custom", path: ["timeZone"], message: zone });
    if (v.minBackoffSeconds > v.maxBackoffSeconds) ctx.addIssue({ code: "custom", path: ["maxBackoffSeconds"], message: "Must be at least the minimum backoff." });
  });
export type UpdateScheduleInput = z.infer<typeof UpdateScheduleInput>;

export const UpdateTargetsInput = z.object({
  project,
  location,
  job,
  /** Blank: no duration target. */
  maxDurationMinutes: z.preprocess(blankToNull, z.coerce.number().int("Whole minutes.").min(1, "At least 1 minute.").max(1440, "At most 1440 minutes.").nullable()),
  /** Blank: no freshness target. */
  maxFreshnessHours: z.preprocess(blankToNull, z.coerce.number().int("Whole hours.").min(1, "At least 1 hour.").max(24 * 90, "At most 2160 hours.").nullable()),
});
export type UpdateTargetsInput = z.infer<typeof UpdateTargetsInput>;
