export { listSecrets, type SecretView, type SecretsByProject, type VersionView, type SecretReference } from "./list";
export { readSecret, SQL_LABELS, type SecretDetail } from "./detail";
