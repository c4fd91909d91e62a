// Cloud Scheduler v1 jobs: names, validation and defaults as Google applies
// them (unix-cron in an IANA time zone, HTTP targets, retry config, attempt
// deadline), the update mask, and the next run time from croner.
import { randomBytes } from "node:crypto";
import { Cron } from "croner";
import { ApiError, Code, invalid } from "../../grpc/errors";
import { durationMs } from "../run/names";

export type Duration = { seconds?: string | number; nanos?: number };
export type HttpTarget = {
  uri?: string;
  httpMethod?: string;
  headers?: Record<string, string>;
  body?: Buffer | Uint8Array | string;
  oidcToken?: { serviceAccountEmail?: string; audience?: string };
  oauthToken?: { serviceAccountEmail?: string; scope?: string };
  authorizationHeader?: string;
};
export type RetryConfig = {
  retryCount?: number;
  maxRetryDuration?: Duration;
  minBackoffDuration?: Duration;
  maxBackoffDuration?: Duration;
  maxDoublings?: number;
};
/** The user-settable part of a job, as stored (the output fields live in columns). */
export type JobSpec = {
  description?: string;
  httpTarget: HttpTarget;
  schedule: string;
  timeZone: string;
  retryConfig: Required<RetryConfig>;
  attemptDeadline: Duration;
};
export type JobKey = { project: string; location: string; jobId: string };

const JOB_ID = /^[A-Za-z0-9_-]{1,500}$/;
const SEGMENT = "[^/]+";
const METHODS = ["POST", "GET", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS"];
const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);
export const DEFAULT_DEADLINE_MS = 180_000;

export const jobName = (k: JobKey) => `projects/${k.project}/locations/${k.location}/jobs/${k.jobId}`;

export function parseLocation(parent: string | undefined): { project: string; location: string } {
  const m = new RegExp(`^projects/(${SEGMENT})/locations/(${SEGMENT})$`).exec(parent ?? "");
  if (!m)
    throw invalid(
      `Invalid resource field value in the request: parent "${parent ?? ""}" must be projects/{project}/locations/{location}.`,
    );
  return { project: m[1], location: m[2] };
}

export function parseJobName(name: string | undefined): JobKey {
  const m = new RegExp(`^projects/(${SEGMENT})/locations/(${SEGMENT})/jobs/(${SEGMENT})$`).exec(name ?? "");
  if (!m)
    throw invalid(
      `Invalid resource field value in the request: job name "${name ?? ""}" must be projects/{project}/locations/{location}/jobs/{job}.`,
    );
  if (!JOB_ID.test(m[3]))
    throw invalid(`Job id "${m[3]}" may contain only letters, numbers, hyphens and underscores, up to 500 characters.`);
  return { project: m[1], location: m[2], jobId: m[3] };
}

/** A generated id for a create without a name (Google makes a random one). */
export const generatedJobId = () => `job-${randomBytes(8).toString("hex")}`;

/** Google answers a bad cron and a bad zone with one message. */
const badSchedule = () => invalid("Schedule or time zone is invalid.");

/** The zone as Google echoes it: unset → Etc/UTC; otherwise as given, when Intl knows it. */
export function checkTimeZone(zone: string | undefined): string {
  if (!zone) return "Etc/UTC";
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
  } catch {
    throw badSchedule();
  }
  return zone;
}

function cronFor(schedule: string, timeZone: string): Cron {
  // Unix cron: five fields, day-of-month OR day-of-week; no @nicknames or seconds.
  if (!schedule.trim() || schedule.trim().startsWith("@")) throw badSchedule();
  try {
    return new Cron(schedule.trim(), { timezone: timeZone, mode: "5-part", paused: true, domAndDow: false });
  } catch {
    throw badSchedule();
  }
}

/** The first run strictly after `after`, in the job's zone; null when the schedule never fires again. */
export function nextRun(schedule: string, timeZone: string, after: Date): Date | null {
  return cronFor(schedule, timeZone).nextRun(after);
}

/** The next `count` runs after `after` (the seed uses this to write history). */
export function runsBetween(schedule: string, timeZone: string, from: Date, to: Date): Date[] {
  const cron = cronFor(schedule, timeZone);
  const out: Date[] = [];
  for (let t = cron.nextRun(from); t && t < to; t = cron.nextRun(t)) out.push(t);
  return out;
}

const ms = (d: Duration | undefined) => durationMs(d as never);
export const toDuration = (millis: number): { seconds: string; nanos: number } => ({
  seconds: String(Math.floor(millis / 1000)),
  nanos: (millis % 1000) * 1_000_000,
});

function checkDuration(d: Duration | undefined, field: string): void {
  if (d && (Number(d.seconds ?? 0) < 0 || (d.nanos ?? 0) < 0)) throw invalid(`${field} must not be negative.`);
}

function normaliseRetry(r: RetryConfig | undefined): Required<RetryConfig> {
  const retryCount = r?.retryCount ?? 0;
  if (!Number.isInteger(retryCount) || retryCount < 0 || retryCount > 5)
    throw invalid("retry_config.retry_count must be between 0 and 5.");
  for (const f of ["maxRetryDuration", "minBackoffDuration", "maxBackoffDuration"] as const)
    checkDuration(r?.[f], `retry_config.${f}`);
  const min = r?.minBackoffDuration && ms(r.minBackoffDuration) > 0 ? ms(r.minBackoffDuration) : 5_000;
  const max = r?.maxBackoffDuration && ms(r.maxBackoffDuration) > 0 ? ms(r.maxBackoffDuration) : 3_600_000;
  if (min > max)
    throw invalid("retry_config.min_backoff_duration must not be greater than retry_config.max_backoff_duration.");
  const maxDoublings = r?.maxDoublings ?? 5;
  if (!Number.isInteger(maxDoublings) || maxDoublings < 0)
    throw invalid("retry_config.max_doublings must not be negative.");
  return {
    retryCount,
    maxRetryDuration: toDuration(ms(r?.maxRetryDuration)),
    minBackoffDuration: toDuration(min),
    maxBackoffDuration: toDuration(max),
    maxDoublings,
  };
}

function normaliseTarget(job: Record<string, unknown>): HttpTarget {
  if (job.pubsubTarget || job.appEngineHttpTarget) {
    throw new ApiError(
      Code.UNIMPLEMENTED,
      "The emulator runs HTTP targets only; Pub/Sub and App Engine targets are not emulated.",
    );
  }
  const t = job.httpTarget as HttpTarget | undefined;
  if (!t) throw invalid("A job must have a target: set http_target.");
  const uri = t.uri ?? "";
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw invalid(`http_target.uri "${uri}" must be an absolute http:// or https:// URL.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw invalid(`http_target.uri "${uri}" must begin with http:// or https://.`);
  if (uri.length > 2083) throw invalid("http_target.uri must be at most 2083 characters.");
  const method = !t.httpMethod || t.httpMethod === "HTTP_METHOD_UNSPECIFIED" ? "POST" : t.httpMethod;
  if (!METHODS.includes(method)) throw invalid(`Unknown http_method ${method}.`);
  const body = t.body ? Buffer.from(t.body as Uint8Array) : Buffer.alloc(0);
  if (body.length && !BODY_METHODS.has(method))
    throw invalid(`A request body is allowed only with POST, PUT or PATCH, not ${method}.`);
  const out: HttpTarget = { uri, httpMethod: method, headers: { ...(t.headers ?? {}) } };
  if (body.length) out.body = body.toString("base64");
  if (t.oidcToken) {
    if (!t.oidcToken.serviceAccountEmail) throw invalid("http_target.oidc_token.service_account_email is required.");
    out.oidcToken = { serviceAccountEmail: t.oidcToken.serviceAccountEmail, audience: t.oidcToken.audience ?? "" };
  }
  if (t.oauthToken) {
    if (!t.oauthToken.serviceAccountEmail) throw invalid("http_target.oauth_token.service_account_email is required.");
    out.oauthToken = {
      serviceAccountEmail: t.oauthToken.serviceAccountEmail,
      scope: t.oauthToken.scope || "https://www.googleapis.com/auth/cloud-platform",
    };
  }
  return out;
}

/** Validates a job from a request and fills Google's defaults. */
export function normaliseJob(job: Record<string, unknown>): JobSpec {
  const description = (job.description as string | undefined) ?? "";
  if (description.length > 500) throw invalid("description must be at most 500 characters.");
  const httpTarget = normaliseTarget(job);
  const schedule = String(job.schedule ?? "").trim();
  if (!schedule) throw invalid("schedule is required for a job with an HTTP target.");
  const timeZone = checkTimeZone(job.timeZone as string | undefined);
  cronFor(schedule, timeZone);
  const deadline = job.attemptDeadline ? ms(job.attemptDeadline as Duration) : DEFAULT_DEADLINE_MS;
  if (deadline < 15_000 || deadline > 1_800_000)
    throw invalid("attempt_deadline for an HTTP target must be between 15 seconds and 30 minutes.");
  return {
    ...(description ? { description } : {}),
    httpTarget,
    schedule,
    timeZone,
    retryConfig: normaliseRetry(job.retryConfig as RetryConfig | undefined),
    attemptDeadline: toDuration(deadline),
  };
}

const MASKABLE = new Set(["description", "httpTarget", "schedule", "timeZone", "retryConfig", "attemptDeadline"]);
const OUTPUT_ONLY = new Set(["name", "userUpdateTime", "state", "status", "scheduleTime", "lastAttemptTime"]);
const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * The job after an update: with a mask, only the masked fields change
 * (`http_target.uri` style sub-paths replace that one field); without one,
 * every field the request sets. Output-only paths are ignored, as Google does.
 */
export function applyJobMask(
  stored: JobSpec,
  patch: Record<string, unknown>,
  paths: string[] | undefined,
): Record<string, unknown> {
  const next: Record<string, unknown> = JSON.parse(JSON.stringify({ ...stored, httpTarget: { ...stored.httpTarget } }));
  if (stored.httpTarget.body)
    (next.httpTarget as HttpTarget).body = Buffer.from(stored.httpTarget.body as string, "base64");
  const wanted = (paths ?? []).filter(Boolean).map((p) => p.split(".").map(camel));
  // Without a mask: every field the job sets (the mask is optional on Google).
  // The other targets are copied so validation refuses them; other keys (the
  // `target` oneof marker the gRPC loader adds, output-only fields) are ignored.
  if (!wanted.length) {
    for (const k of ["pubsubTarget", "appEngineHttpTarget"]) if (patch[k]) next[k] = patch[k];
  }
  const list = wanted.length
    ? wanted
    : Object.keys(patch)
        .filter((k) => MASKABLE.has(k) && patch[k] !== undefined && patch[k] !== null)
        .map((k) => [k]);
  for (const [top, sub, ...rest] of list) {
    if (OUTPUT_ONLY.has(top)) continue;
    if (!MASKABLE.has(top) || rest.length)
      throw invalid(`Invalid update_mask path "${[top, sub, ...rest].filter(Boolean).join(".")}".`);
    if (sub === undefined) next[top] = patch[top];
    else {
      const inner = { ...((next[top] as object) ?? {}) } as Record<string, unknown>;
      inner[sub] = (patch[top] as Record<string, unknown> | undefined)?.[sub];
      next[top] = inner;
    }
  }
  return next;
}
