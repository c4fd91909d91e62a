// Cloud SQL instances per project with their backup runs (newest first).
import { sqlClients, type SqlClients } from "../gcp/clients";
import { upstreamError } from "../gcp/errors";
import { toDate } from "../services/model";

export type BackupView = {
  id: string;
  type: string;
  status: string;
  description: string;
  startedAt: Date | null;
  endedAt: Date | null;
  enqueuedAt: Date | null;
  error: string | null;
};
export type InstanceView = {
  project: string;
  name: string;
  state: string;
  version: string;
  region: string;
  connectionName: string;
  backups: { enabled: boolean; startTime: string | null; pointInTime: boolean; retained: number | null };
  backupRuns: BackupView[];
  backupError: string | null;
};
export type DatabasesByProject = { project: string; instances: InstanceView[]; error: string | null };

const CALL = { timeout: 15_000 };
const bool = (v: { value?: boolean | null } | null | undefined) => Boolean(v?.value);

export async function listBackupRuns(
  sql: SqlClients,
  project: string,
  instance: string,
  max = 20,
): Promise<BackupView[]> {
  const [list] = await sql.backupRuns.list({ project, instance, maxResults: max }, CALL);
  return (list.items ?? []).map((b) => ({
    id: String(b.id),
    type: String(b.type ?? ""),
    status: String(b.status ?? ""),
    description: b.description ?? "",
    startedAt: toDate(b.startTime),
    endedAt: toDate(b.endTime),
    enqueuedAt: toDate(b.enqueuedTime),
    error: b.error?.message ?? null,
  }));
}

async function projectInstances(sql: SqlClients, project: string): Promise<InstanceView[]> {
  const [list] = await sql.instances.list({ project }, CALL);
  return Promise.all(
    (list.items ?? []).map(async (i) => {
      const name = i.name ?? "";
      const cfg = i.settings?.backupConfiguration;
      let backupRuns: BackupView[] = [];
      let backupError: string | null = null;
      try {
        backupRuns = await listBackupRuns(sql, project, name);
      } catch (err) {
        backupError = upstreamError(err, "Cloud SQL", `listing backups of ${name}`).message;
      }
      return {
        project,
        name,
        state: String(i.state ?? ""),
        version: String(i.databaseVersion ?? ""),
        region: i.region ?? "",
        connectionName: i.connectionName ?? "",
        backups: {
          enabled: bool(cfg?.enabled),
          startTime: cfg?.startTime ?? null,
          pointInTime: bool(cfg?.pointInTimeRecoveryEnabled),
          retained: cfg?.backupRetentionSettings?.retainedBackups?.value ?? null,
        },
        backupRuns,
        backupError,
      };
    }),
  );
}

/** One project failing (no access, say) is reported beside the others. */
export async function listDatabases(projects: string[], sql = sqlClients()): Promise<DatabasesByProject[]> {
  return Promise.all(
    projects.map(async (project) => {
      try {
        return {
          project,
          instances: (await projectInstances(sql, project)).sort((a, b) => a.name.localeCompare(b.name)),
          error: null,
        };
      } catch (err) {
        return {
          project,
          instances: [],
          error: upstreamError(err, "Cloud SQL", `listing Cloud SQL instances of ${project}`).message,
        };
      }
    }),
  );
}
