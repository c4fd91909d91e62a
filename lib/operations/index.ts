// Long work recorded in Postgres and followed to the end by any portal
// instance. Generic: capabilities register followers by kind (followers.ts).
export {
  claimOperation,
  getOperation,
  listTargetOperations,
  operationPlan,
  runningOperations,
  updateOperation,
  type OperationView,
} from "./record";
export {
  combineFollowers,
  followOperation,
  pollOperation,
  type Follower,
  type Followers,
  type Looked,
} from "./followers";
export { finishOperation, type Ending } from "./finish";
export { parseOperationId } from "./ids";
export { startOperation, type Sent, type StartSpec, type StartedOperation } from "./start";
export { startJobs, type Jobs } from "./jobs";
export { enqueueFollow } from "./runtime";
export { auditOperation } from "./audit";
export { advance, fail, initialSteps, type Step, type StepPlan } from "./steps";
export { readOperationAs, type OperationRead } from "./access";
