// Cloud Run job and execution names, and the portal paths of their pages. Pure.

export type JobRef = { project: string; location: string; job: string };

const JOB_NAME =
  /^projects\/([a-z][a-z0-9-]{4,28}[a-z0-9])\/locations\/([a-z]+-[a-z]+\d+)\/jobs\/([a-z][a-z0-9-]{0,62})$/;
export const RUN_JOB_ID = /^[a-z][a-z0-9-]{0,62}$/;
export const EXECUTION_ID = /^[a-z][a-z0-9-]{0,62}$/;

export function parseJobName(name: string): JobRef | null {
  const m = JOB_NAME.exec(name);
  return m ? { project: m[1], location: m[2], job: m[3] } : null;
}

export function jobName({ project, location, job }: JobRef): string {
  return `projects/${project}/locations/${location}/jobs/${job}`;
}

export function executionName(ref: JobRef & { execution: string }): string {
  return `${jobName(ref)}/executions/${ref.execution}`;
}

export function jobPath({ project, location, job }: JobRef): string {
  return `/schedules/jobs/${project}/${location}/${job}`;
}

/** The logs page, filtered to one execution's entries. */
export function executionLogsPath(ref: JobRef & { execution: string }): string {
  return `/logs?${new URLSearchParams({ project: ref.project, job: ref.job, execution: ref.execution, range: "7d" })}`;
}
