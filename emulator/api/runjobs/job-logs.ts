// Log entries of Cloud Run jobs as Cloud Run writes them: container lines of a
// task attempt (run.googleapis.com/stdout|stderr) and the execution's system
// messages (run.googleapis.com/varlog/system), under resource cloud_run_job
// with the execution, task index and attempt as entry labels.
import type { LogEvent } from "../../runtime/events";
import { containerEntry, logName, newInsertId, toRow, type Entry } from "../../telemetry/ingest";
import type { LogRow } from "../../telemetry/store";

export type JobWhere = { project: string; location: string; jobId: string };

const resource = (j: JobWhere) => ({
  type: "cloud_run_job",
  labels: { project_id: j.project, job_name: j.jobId, location: j.location },
});

/** The job id (lowercase already) keys the indexed service column, the execution the revision column. */
const row = (j: JobWhere, executionId: string, entry: Entry): LogRow => toRow(entry, j.jobId, executionId);

export function taskLine(
  j: JobWhere,
  executionId: string,
  index: number,
  attempt: number,
  instanceId: string,
  stream: "stdout" | "stderr",
  line: string,
  time = new Date(),
): LogRow {
  const event: LogEvent = {
    type: "log",
    time,
    project: j.project,
    region: j.location,
    service: j.jobId,
    revision: executionId,
    instanceId,
    stream,
    line,
  };
  const entry = containerEntry(event);
  return row(j, executionId, {
    ...entry,
    resource: resource(j),
    labels: {
      ...(entry.labels as Record<string, string>),
      "run.googleapis.com/execution_name": executionId,
      "run.googleapis.com/task_index": String(index),
      "run.googleapis.com/task_attempt": String(attempt),
    },
  });
}

export function systemLine(
  j: JobWhere,
  executionId: string,
  severity: "INFO" | "WARNING" | "ERROR",
  text: string,
  time = new Date(),
  task?: { index: number; attempt: number },
): LogRow {
  return row(j, executionId, {
    logName: logName(j.project, "run.googleapis.com/varlog/system"),
    resource: resource(j),
    timestamp: time.toISOString(),
    receiveTimestamp: new Date().toISOString(),
    severity,
    insertId: newInsertId(),
    labels: {
      "run.googleapis.com/execution_name": executionId,
      ...(task
        ? {
            "run.googleapis.com/task_index": String(task.index),
            "run.googleapis.com/task_attempt": String(task.attempt),
          }
        : {}),
    },
    textPayload: text,
  });
}
