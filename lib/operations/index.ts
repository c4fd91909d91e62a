export { claimOperation, getOperation, listServiceOperations, updateOperation, type OperationView } from "./record";
export { followOperation, pollOperation } from "./follow";
export { startJobs, type Jobs } from "./jobs";
export { initialSteps, type Step, type OperationKind } from "./steps";
