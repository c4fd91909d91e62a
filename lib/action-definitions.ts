// Every server action the portal exposes, as one list: each is a guarded
// definition built with the portal's own clients and job queue. The "use
// server" entry points (components/<feature>/actions.ts) wrap these with
// guardedAction, and the guard test (every-action.test.ts) runs its
// refusals over this list, so an action is covered by being listed here.
// It sits above the capabilities, like lib/followers.ts, so that lib/actions
// stays generic and imports none of them.
import {
  acknowledgeIncidentDefinition,
  createEmailChannelDefinition,
  createPolicyDefinition,
  createSloDefinition,
  createUptimeCheckDefinition,
  createWebhookChannelDefinition,
  deleteChannelDefinition,
  deletePolicyDefinition,
  deleteSloDefinition,
  deleteUptimeCheckDefinition,
  setPolicyEnabledDefinition,
  updatePolicyDefinition,
} from "./alerting";
import { saveBudgetDefinition } from "./cost/budget-actions";
import { setVarianceThresholdDefinition } from "./cost/thresholds";
import { backupDefinition, restoreDefinition } from "./databases";
import { cancelExecutionDefinition, runJobDefinition } from "./run-jobs";
import {
  pauseDefinition,
  resumeDefinition,
  runNowDefinition,
  updateScheduleDefinition,
  updateTargetsDefinition,
} from "./schedules";
import {
  abortReleaseDefinition,
  deployCanaryDefinition,
  pauseReleaseDefinition,
  promoteReleaseDefinition,
  resumeReleaseDefinition,
  savePlanDefinition,
  startReleaseDefinition,
} from "./releases";
import { rotateDefinition } from "./secrets/rotate";
import {
  deployDefinition,
  rollbackDefinition,
  sendAllToLatestDefinition,
  shiftTrafficDefinition,
  updateLocationsDefinition,
} from "./services";
import { changeRole } from "./users";

export const ACTION_DEFINITIONS = {
  deploy: deployDefinition(),
  shiftTraffic: shiftTrafficDefinition(),
  rollback: rollbackDefinition(),
  sendAllToLatest: sendAllToLatestDefinition(),
  backupNow: backupDefinition(),
  restoreBackup: restoreDefinition(),
  rotateSecret: rotateDefinition(),
  updateLocations: updateLocationsDefinition,
  changeRole,
  runScheduleNow: runNowDefinition(),
  pauseSchedule: pauseDefinition(),
  resumeSchedule: resumeDefinition(),
  updateSchedule: updateScheduleDefinition(),
  updateScheduleTargets: updateTargetsDefinition,
  runJob: runJobDefinition(),
  cancelExecution: cancelExecutionDefinition(),
  createAlertPolicy: createPolicyDefinition(),
  updateAlertPolicy: updatePolicyDefinition(),
  setAlertPolicyEnabled: setPolicyEnabledDefinition(),
  deleteAlertPolicy: deletePolicyDefinition(),
  createEmailChannel: createEmailChannelDefinition(),
  createWebhookChannel: createWebhookChannelDefinition(),
  deleteChannel: deleteChannelDefinition(),
  acknowledgeIncident: acknowledgeIncidentDefinition,
  createUptimeCheck: createUptimeCheckDefinition(),
  deleteUptimeCheck: deleteUptimeCheckDefinition(),
  createSlo: createSloDefinition(),
  deleteSlo: deleteSloDefinition(),
  startRelease: startReleaseDefinition(),
  deployCanary: deployCanaryDefinition(),
  pauseRelease: pauseReleaseDefinition(),
  resumeRelease: resumeReleaseDefinition(),
  promoteRelease: promoteReleaseDefinition(),
  abortRelease: abortReleaseDefinition(),
  saveReleasePlan: savePlanDefinition(),
  saveBudget: saveBudgetDefinition,
  setVarianceThreshold: setVarianceThresholdDefinition,
} as const;

export type ActionKey = keyof typeof ACTION_DEFINITIONS;
