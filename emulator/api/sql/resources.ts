// Cloud SQL Admin v1 resources in the shape the API returns them.
import { toTimestamp } from "../run/names";
import type { BackupRunRow, InstanceRow, OperationRow } from "./store";

const BASE = "https://sqladmin.googleapis.com/v1";

const time = (d: Date | null) => (d ? toTimestamp(d) : undefined);

export function instanceOut(r: InstanceRow) {
  return {
    kind: "sql#instance",
    name: r.name,
    project: r.project,
    state: r.state,
    databaseVersion: r.database_version,
    region: r.region,
    gceZone: `${r.region}-a`,
    connectionName: `${r.project}:${r.region}:${r.name}`,
    ipAddresses: [{ type: "PRIMARY", ipAddress: "127.0.0.1" }],
    instanceType: "CLOUD_SQL_INSTANCE",
    backendType: "SECOND_GEN",
    settings: r.settings,
    selfLink: `${BASE}/projects/${r.project}/instances/${r.name}`,
    createTime: toTimestamp(r.create_time),
    databaseInstalledVersion: r.database_version === "POSTGRES_15" ? "POSTGRES_15_8" : r.database_version,
    etag: r.etag,
  };
}

export function backupRunOut(r: BackupRunRow, region: string, databaseVersion: string) {
  return {
    kind: "sql#backupRun",
    id: String(r.id),
    status: r.status,
    type: r.type,
    description: r.description,
    enqueuedTime: time(r.enqueued_time),
    startTime: time(r.start_time),
    endTime: time(r.end_time),
    windowStartTime: time(r.window_start_time),
    instance: r.instance,
    location: region,
    databaseVersion,
    backupKind: "SNAPSHOT",
    selfLink: `${BASE}/projects/${r.project}/instances/${r.instance}/backupRuns/${r.id}`,
    ...(r.error ? { error: { kind: "sql#operationError", ...r.error } } : {}),
  };
}

export function operationOut(r: OperationRow) {
  return {
    kind: "sql#operation",
    name: r.name,
    status: r.status,
    operationType: r.operation_type,
    user: r.usr,
    targetId: r.instance,
    targetProject: r.project,
    targetLink: `${BASE}/projects/${r.project}/instances/${r.instance}`,
    selfLink: `${BASE}/projects/${r.project}/operations/${r.name}`,
    insertTime: time(r.insert_time),
    startTime: time(r.start_time),
    endTime: time(r.end_time),
    ...(r.error
      ? { error: { kind: "sql#operationErrors", errors: [{ kind: "sql#operationError", ...r.error }] } }
      : {}),
    ...(r.backup_id ? { backupContext: { kind: "sql#backupContext", backupId: String(r.backup_id) } } : {}),
  };
}
