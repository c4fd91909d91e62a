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

/**
 * The fields the edit form changes, as the form read them (issue 27, item 7).
 * Cloud Scheduler jobs have no etag: the form carries these back, and an edit
 * is refused when the job no longer holds them, naming what changed.
 */
export const ScheduleAsRead = z.object({
  schedule: z.string().max(200),
  timeZone: z.string().max(100),
  targetUri: z.string().max(2000),
  retryCount: z.number(),
  minBackoffSeconds: z.number(),
  maxBackoffSeconds: z.number(),
  maxDoublings: z.number(),
  attemptDeadlineSeconds: z.number(),
});
export type ScheduleAsRead = z.infer<typeof ScheduleAsRead>;

/** Sent by the form as one field: its JSON. */
const asRead = z
  .string({ error: "The form did not say which version of the job it edits; reload it." })
  .max(4000)
  .transform((text, ctx) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = null;
    }
    const parsed = ScheduleAsRead.safeParse(value);
    if (parsed.success) return parsed.data;
    ctx.addIssue({ code: "custom", message: "The form's copy of the job is unreadable; reload it." });
    return z.NEVER;
  });

export const UpdateScheduleInput = z
  .object({
    project,
    location,
    job,
    read: asRead,
    schedule: z.string().trim().max(200),
    timeZone: z.string().trim().max(100),
    /** The Cloud Run URL the job calls (its path and query kept as given). */
    targetUri: z.url({ protocol: /^https?$/, error: "Not a URL." }).max(2000),
    retryCount: z.coerce.number().int("A whole number.").min(0, "At least 0.").max(5, "At most 5."),
    minBackoffSeconds: z.coerce.number().int("Whole seconds.").min(0).max(3600, "At most 3600 s."),
    maxBackoffSeconds: z.coerce.number().int("Whole seconds.").min(0).max(3600, "At most 3600 s."),
    maxDoublings: z.coerce.number().int("A whole number.").min(0, "At least 0.").max(16, "At most 16."),
    /** Cloud Scheduler allows 15 s to 30 min for HTTP targets. */
    attemptDeadlineSeconds: z.coerce
      .number()
      .int("Whole seconds.")
      .min(15, "At least 15 s.")
      .max(1800, "At most 1800 s (30 min)."),
  })
  .superRefine((v, ctx) => {
    const cron = cronError(v.schedule);
    if (cron) ctx.addIssue({ code: "custom", path: ["schedule"], message: cron });
    const zone = timeZoneError(v.timeZone);
    if (zone) ctx.addIssue({ code: "custom", path: ["timeZone"], message: zone });
    if (v.minBackoffSeconds > v.maxBackoffSeconds)
      ctx.addIssue({ code: "custom", path: ["maxBackoffSeconds"], message: "Must be at least the minimum backoff." });
  });
export type UpdateScheduleInput = z.infer<typeof UpdateScheduleInput>;

export const UpdateTargetsInput = z.object({
  project,
  location,
  job,
  /** Blank: no duration target. */
  maxDurationMinutes: z.preprocess(
    blankToNull,
    z.coerce.number().int("Whole minutes.").min(1, "At least 1 minute.").max(1440, "At most 1440 minutes.").nullable(),
  ),
  /** Blank: no freshness target. */
  maxFreshnessHours: z.preprocess(
    blankToNull,
    z.coerce
      .number()
      .int("Whole hours.")
      .min(1, "At least 1 hour.")
      .max(24 * 90, "At most 2160 hours.")
      .nullable(),
  ),
});
export type UpdateTargetsInput = z.infer<typeof UpdateTargetsInput>;
