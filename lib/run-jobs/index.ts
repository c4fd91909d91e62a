// Cloud Run jobs: reads of jobs, executions and tasks; run with overrides (a
// followed "job-run" operation) and cancel.
export {
  listRunJobs,
  getRunJob,
  listExecutions,
  getExecution,
  invalidateRunJobs,
  EXECUTIONS_SHOWN,
  type RunJobsByLocation,
} from "./read";
export { runJobDefinition, JOB_RUN_STEPS, type JobRunPlan } from "./run";
export { cancelExecutionDefinition } from "./cancel";
export { jobFollowers, pollJobRun } from "./follow";
export { RunJobInput, CancelExecutionInput } from "./schemas";
export { jobName, executionName, parseJobName, jobPath, executionLogsPath, type JobRef } from "./names";
export { portalJobDeps, type JobDeps } from "./deps";
export type { JobView, ExecutionView, TaskView, RunState } from "./model";
