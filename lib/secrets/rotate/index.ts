export { rotateDefinition, type RotateResult } from "./start";
export { pollRotation, followRotation, CHECKS_NEEDED } from "./follow";
export { findReaders, CHECK_PATH_ANNOTATION, type Reader } from "./readers";
export { RotateInput, ALPHABETS, ALPHABET_LABELS, type Alphabet } from "./schemas";
export { portalRotationDeps, type RotationDeps, type RotationClients } from "./deps";
export { secretName } from "./plan";
