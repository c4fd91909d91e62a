// The entries Cloud Scheduler writes per attempt to
// projects/P/logs/cloudscheduler.googleapis.com%2Fexecutions, resource
// cloud_scheduler_job: AttemptStarted (with the scheduled time) and
// AttemptFinished (the HTTP status in httpRequest, the rpc status name and
// debugInfo in the payload; severity ERROR when the attempt failed). Job
// history, as on Google, is read back from these.
import { Code } from "../../grpc/errors";
import { logName, newInsertId, toRow, type Entry } from "../../telemetry/ingest";
import type { LogRow } from "../../telemetry/store";
import type { AttemptOutcome } from "./attempt";
import { jobName, type JobKey } from "./job";

export const EXECUTIONS_LOG = "cloudscheduler.googleapis.com/executions";
const TYPE = "type.googleapis.com/google.cloud.scheduler.logging";

const resource = (k: JobKey) => ({
  type: "cloud_scheduler_job",
  labels: { project_id: k.project, job_id: k.jobId, location: k.location },
});

function base(k: JobKey, time: Date, severity: string): Entry {
  return {
    logName: logName(k.project, EXECUTIONS_LOG),
    resource: resource(k),
    timestamp: time.toISOString(),
    receiveTimestamp: time.toISOString(),
    severity,
    insertId: newInsertId(),
  };
}

export function attemptStarted(k: JobKey, url: string, scheduledTime: Date, time: Date): Entry {
  return {
    ...base(k, time, "INFO"),
    jsonPayload: {
      "@type": `${TYPE}.AttemptStarted`,
      jobName: jobName(k),
      scheduledTime: scheduledTime.toISOString(),
      targetType: "HTTP",
      url,
    },
  };
}

export function attemptFinished(
  k: JobKey,
  url: string,
  outcome: Pick<AttemptOutcome, "code" | "httpStatus" | "debugInfo">,
  time: Date,
): Entry {
  const ok = outcome.code === Code.OK;
  return {
    ...base(k, time, ok ? "INFO" : "ERROR"),
    ...(outcome.httpStatus ? { httpRequest: { status: outcome.httpStatus } } : {}),
    jsonPayload: {
      "@type": `${TYPE}.AttemptFinished`,
      jobName: jobName(k),
      targetType: "HTTP",
      url,
      debugInfo: outcome.debugInfo,
      ...(ok ? {} : { status: Code[outcome.code] }),
    },
  };
}

/**
 * The stored row. The job id, lowercased (filters compare case-insensitively),
 * goes in the indexed `service` column, so a job's history is one index range.
 */
export const executionRow = (k: JobKey, entry: Entry): LogRow => toRow(entry, k.jobId.toLowerCase(), "");
