export { listSecrets, type SecretView, type SecretsByProject, type VersionView, type SecretReference } from "./list";
