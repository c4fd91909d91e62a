// Canary releases: a plan per service, releases followed step by step and
// judged from Cloud Monitoring (docs/decisions/0009-release-analysis.md).
export {
  DEFAULT_PLAN,
  PlanFields,
  describeSteps,
  GOOGLE_MIN_SECONDS,
  LOW_TRAFFIC_WAIT_FACTOR,
  type ReleasePlan,
} from "./plan";
export { readPlan, savePlanDefinition, SavePlanInput } from "./plan-store";
export { judgeCheck, decideStep, dataUpTo, errorPercent, type RevisionStats, type CheckResult } from "./analysis";
export { startReleaseDefinition, deployCanaryDefinition, StartReleaseInput, DeployCanaryInput } from "./start";
export {
  pauseReleaseDefinition,
  resumeReleaseDefinition,
  promoteReleaseDefinition,
  abortReleaseDefinition,
  ReleaseControlInput,
} from "./control";
export { releaseFollowers, pollRelease, type ReleaseDeps } from "./follower";
export {
  activeRelease,
  activeReleases,
  releaseEntries,
  releaseHistory,
  getRelease,
  type ReleaseRow,
  type ReleaseEntryView,
  type ReleaseState,
} from "./store";
export { canaryPercent, describeTraffic, type Target } from "./split";
export { portalReleaseDeps, type ReleaseActionDeps } from "./deps";
export {
  releaseJson,
  releaseHistoryJson,
  readRelease,
  type ReleaseJson,
  type ReleaseRead,
  type CheckJson,
} from "./view";
