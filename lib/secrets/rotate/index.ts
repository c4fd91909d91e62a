export { rotateDefinition, type RotateResult } from "./start";
export { pollRotation, rotationFollowers, CHECKS_NEEDED } from "./follow";
export { findReaders, readersInFleet } from "./readers";
export { ALPHABET_LABELS } from "./schemas";
export type { RotationDeps } from "./deps";
export { secretName } from "./plan";
