// A schedule's attempts come from Cloud Scheduler's execution log, as on
// Google: one ListLogEntries query for every covered project at once (filter
// on the log name, the resource type and the time range; Google's largest page,
// 1000 entries), never one call per attempt. Answers are shared for a short
// while, so reloads and several viewers do not re-read (Logging allows 60 reads
// a minute per project).
import type { protos } from "@google-cloud/logging";
import { TtlCache } from "../cache";
import { observabilityClients } from "../gcp/clients";
import { upstreamError } from "../gcp/errors";
import { structToObject } from "../observability/log-entries";
import { quote } from "../observability/log-query";
import { toDate } from "../services/model";
import { summarizeHistory, type ExecutionLogEntry, type HistorySummary } from "./history";
import type { ScheduleRef } from "./names";

type Logging = ReturnType<typeof observabilityClients>["logging"];
type Entry = protos.google.logging.v2.ILogEntry;

export const EXECUTIONS_LOG = "cloudscheduler.googleapis.com%2Fexecutions";
export const HISTORY_DAYS = 30;
const PAGE_SIZE = 1000;
const TTL_MS = 30_000;
const reads = new TtlCache<{ entries: ExecutionLogEntry[]; calls: number }>(TTL_MS, 100);

export function toExecutionLogEntry(e: Entry): ExecutionLogEntry | null {
  const json = e.jsonPayload ? structToObject(e.jsonPayload) : {};
  const type = String(json["@type"] ?? "");
  const kind = type.endsWith("AttemptStarted") ? "started" : type.endsWith("AttemptFinished") ? "finished" : null;
  const at = toDate(e.timestamp as never);
  if (!kind || !at) return null;
  const labels = e.resource?.labels ?? {};
  const job =
    typeof json.jobName === "string" && json.jobName
      ? json.jobName
      : `projects/${labels.project_id}/locations/${labels.location}/jobs/${labels.job_id}`;
  const http = Number(e.httpRequest?.status ?? 0);
  return {
    timestamp: at,
    job,
    kind,
    scheduledTime: typeof json.scheduledTime === "string" ? json.scheduledTime : null,
    httpStatus: kind === "finished" && http > 0 ? http : null,
    status: typeof json.status === "string" && json.status ? json.status : null,
    severity: String(e.severity ?? "DEFAULT"),
    insertId: e.insertId ?? "",
  };
}

/** The Logging query: the execution log of each project, one job or all, since `from`. */
export function executionLogFilter(projects: string[], from: Date, job?: ScheduleRef): string {
  const names = projects.map((p) => `logName=${quote(`projects/${p}/logs/${EXECUTIONS_LOG}`)}`);
  const lines = [
    'resource.type="cloud_scheduler_job"',
    names.length === 1 ? names[0] : `(${names.join(" OR ")})`,
    `timestamp>=${quote(from.toISOString())}`,
  ];
  if (job) lines.push(`resource.labels.job_id=${quote(job.job)}`, `resource.labels.location=${quote(job.location)}`);
  return lines.join("\n");
}

/** Every execution-log entry of the window, all pages of one query; `calls` counts the pages read. */
export async function readExecutionLog(
  projects: string[],
  opts: { job?: ScheduleRef; now?: Date; logging?: Logging } = {},
): Promise<{ entries: ExecutionLogEntry[]; calls: number }> {
  if (projects.length === 0) return { entries: [], calls: 0 };
  const now = opts.now ?? new Date();
  // The window starts on a whole minute, so readers within the cache's life share one key.
  const from = new Date(Math.floor((now.getTime() - HISTORY_DAYS * 86_400_000) / 60_000) * 60_000);
  const filter = executionLogFilter(projects, from, opts.job);
  const logging = opts.logging ?? observabilityClients().logging;
  const key = `${projects.join(",")}\n${filter}`;
  return reads.get(key, async () => {
    const entries: ExecutionLogEntry[] = [];
    let pageToken = "";
    let calls = 0;
    try {
      do {
        const [page, , response] = await logging.listLogEntries(
          {
            resourceNames: projects.map((p) => `projects/${p}`),
            filter,
            orderBy: "timestamp asc",
            pageSize: PAGE_SIZE,
            pageToken,
          },
          { autoPaginate: false, timeout: 30_000 },
        );
        calls++;
        for (const e of page) {
          const x = toExecutionLogEntry(e);
          if (x) entries.push(x);
        }
        pageToken = response?.nextPageToken ?? "";
      } while (pageToken);
    } catch (err) {
      throw upstreamError(err, "Cloud Logging", "reading Cloud Scheduler's execution log");
    }
    // While an attempt runs, its end is seconds away: keep such an answer 2 s, not 30.
    if (hasRunningAttempt(entries)) setTimeout(() => reads.invalidate(key), RUNNING_TTL_MS).unref?.();
    return { entries, calls };
  });
}

const RUNNING_TTL_MS = 2_000;

/** A job whose newest entry is a start: an attempt is in flight. */
function hasRunningAttempt(entries: ExecutionLogEntry[]): boolean {
  const last = new Map<string, ExecutionLogEntry["kind"]>();
  for (const e of entries) last.set(e.job, e.kind);
  return [...last.values()].includes("started");
}

/** Forget cached history (after "Run now", so the new attempt shows at once). */
export function invalidateHistory(): void {
  reads.invalidate("");
}

/** One summary per job name, from one read. */
export async function scheduleHistories(
  projects: string[],
  opts: { job?: ScheduleRef; now?: Date; logging?: Logging } = {},
): Promise<Map<string, HistorySummary>> {
  const { entries } = await readExecutionLog(projects, opts);
  const byJob = new Map<string, ExecutionLogEntry[]>();
  for (const e of entries) (byJob.get(e.job) ?? byJob.set(e.job, []).get(e.job)!).push(e);
  return new Map([...byJob].map(([job, list]) => [job, summarizeHistory(list)]));
}
