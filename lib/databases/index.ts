export { listDatabases, listBackupRuns, type InstanceView, type BackupView, type DatabasesByProject } from "./read";
export { backupDefinition } from "./backup";
export { restoreDefinition } from "./restore";
export { pollDatabaseOperation, databaseFollowers } from "./follow";
export { BackupInput, RestoreInput } from "./schemas";
export { instanceName, parseInstanceName, type InstanceRef } from "./names";
export { portalDatabaseDeps, type DatabaseDeps } from "./deps";
export type { DatabaseWriteResult } from "./start";
