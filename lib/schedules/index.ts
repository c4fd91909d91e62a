// Scheduled work: Cloud Scheduler jobs that call Cloud Run services — reads,
// history from the execution log, targets, and the guarded actions.
export { listSchedules, getSchedule, schedulesCalling, invalidateSchedules, type SchedulesByLocation } from "./read";
export {
  scheduleHistories,
  readExecutionLog,
  executionLogFilter,
  invalidateHistory,
  HISTORY_DAYS,
  EXECUTIONS_LOG,
} from "./history-read";
export { summarizeHistory, type HistorySummary, type Attempt, type ExecutionLogEntry } from "./history";
export { targetBreaches, runsOverDuration, formatDuration, type ScheduleTargets, type Breach } from "./targets";
export { readTargets, updateTargetsDefinition, NO_TARGETS } from "./targets-store";
export { runNowDefinition, pauseDefinition, resumeDefinition } from "./run-now";
export { updateScheduleDefinition } from "./update";
export { ScheduleRefInput, UpdateScheduleInput, UpdateTargetsInput } from "./schemas";
export { describeSchedule, nextRuns, cronError, timeZoneError, formatInZone, type NextRun } from "./cron";
export { parseScheduleName, scheduleName, schedulePath, type ScheduleRef } from "./names";
export { coveredLocations } from "./scope";
export { portalScheduleDeps, type ScheduleDeps } from "./deps";
export type { ScheduleView, RetryView } from "./model";
export { schedulesOverview, scheduleDetail, type ScheduleRow, type SchedulesOverview } from "./overview";
