// A Cloud Scheduler job as the portal shows it: the schedule in words and its
// next runs, the Cloud Run service it calls, state, last attempt and status.
import type { protos } from "@google-cloud/scheduler";
import type { ServiceRef } from "../services/names";
import type { ServiceView } from "../services/model";
import { toDate } from "../services/model";
import { describeSchedule, nextRuns, type NextRun } from "./cron";
import { parseScheduleName } from "./names";

type Job = protos.google.cloud.scheduler.v1.IJob;
type Duration = { seconds?: number | string | Long | null; nanos?: number | null } | null | undefined;
type Long = { toString(): string };

export type RetryView = {
  retryCount: number;
  minBackoffSeconds: number;
  maxBackoffSeconds: number;
  maxDoublings: number;
  maxRetryDurationSeconds: number;
};

export type ScheduleView = {
  name: string;
  project: string;
  location: string;
  id: string;
  description: string;
  schedule: string;
  timeZone: string;
  words: string;
  nextRuns: NextRun[];
  state: string;
  uri: string;
  httpMethod: string;
  /** The Cloud Run service the job calls, when its URL is one of the covered fleet's. */
  target: ServiceRef | null;
  lastAttemptAt: Date | null;
  /** The last attempt's answer (google.rpc.Status); null before the first attempt. */
  lastStatus: { ok: boolean; code: number; message: string } | null;
  retry: RetryView;
  attemptDeadlineSeconds: number;
};

export const seconds = (d: Duration) => Number(String(d?.seconds ?? 0)) + Number(d?.nanos ?? 0) / 1e9;

const hostOf = (uri: string) => {
  try {
    return new URL(uri).hostname;
  } catch {
    return null;
  }
};
/** Cloud Run's deterministic URL: https://{service}-{project number}.{region}.run.app */
const DETERMINISTIC = /^([a-z][a-z0-9-]*)-\d+\.([a-z]+-[a-z]+\d+)\.run\.app$/;

/**
 * The covered service a job's URL calls: the same host as the service's URL
 * (the port aside: the emulator's router port may change between starts), or
 * Cloud Run's deterministic URL of a service in that region (the job's own
 * project first).
 */
export function targetService(
  uri: string,
  services: Pick<ServiceView, "uri" | "project" | "region" | "id">[],
  project?: string,
): ServiceRef | null {
  const host = hostOf(uri);
  if (!host) return null;
  const ref = (s: (typeof services)[number]) => ({ project: s.project, region: s.region, service: s.id });
  const same = services.find((v) => v.uri && hostOf(v.uri) === host);
  if (same) return ref(same);
  const m = DETERMINISTIC.exec(host);
  if (!m) return null;
  const named = services.filter((v) => v.id === m[1] && v.region === m[2]);
  const pick = named.find((v) => v.project === project) ?? named[0];
  return pick ? ref(pick) : null;
}

export function toScheduleView(
  job: Job,
  services: Pick<ServiceView, "uri" | "project" | "region" | "id">[],
  now: Date,
): ScheduleView {
  const ref = parseScheduleName(job.name ?? "") ?? { project: "", location: "", job: job.name ?? "" };
  const timeZone = job.timeZone || "UTC";
  const schedule = job.schedule ?? "";
  const uri = job.httpTarget?.uri ?? "";
  const status = job.status;
  const attempted = toDate(job.lastAttemptTime as never);
  const r = job.retryConfig;
  return {
    name: job.name ?? "",
    project: ref.project,
    location: ref.location,
    id: ref.job,
    description: job.description ?? "",
    schedule,
    timeZone,
    words: describeSchedule(schedule),
    nextRuns: String(job.state) === "ENABLED" ? nextRuns(schedule, timeZone, now) : [],
    state: String(job.state ?? "STATE_UNSPECIFIED"),
    uri,
    httpMethod: String(job.httpTarget?.httpMethod ?? "POST"),
    target: targetService(uri, services, ref.project),
    lastAttemptAt: attempted,
    lastStatus: attempted
      ? { ok: !status?.code, code: Number(status?.code ?? 0), message: status?.message ?? "" }
      : null,
    retry: {
      retryCount: Number(r?.retryCount ?? 0),
      minBackoffSeconds: seconds(r?.minBackoffDuration),
      maxBackoffSeconds: seconds(r?.maxBackoffDuration),
      maxDoublings: Number(r?.maxDoublings ?? 0),
      maxRetryDurationSeconds: seconds(r?.maxRetryDuration),
    },
    attemptDeadlineSeconds: seconds(job.attemptDeadline) || 180,
  };
}
