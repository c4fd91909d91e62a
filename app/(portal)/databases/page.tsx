import type { Metadata } from "next";
import { BackupButton } from "@/components/databases/backup-button";
import { RestoreDialog } from "@/components/databases/restore-dialog";
import { OperationProgress } from "@/components/services/operation-progress";
import { Forbidden } from "@/components/shell/forbidden";
import { Badge, type Tone } from "@/components/ui/badge";
import { ago, utc } from "@/components/ui/format";
import { EmptyState, Notice, PageHeader, Panel } from "@/components/ui/panel";
import { Table, Td, Th } from "@/components/ui/table";
import { hasRole } from "@/lib/auth/roles";
import { requireActor } from "@/lib/auth/session";
import { listDatabases, type InstanceView } from "@/lib/databases";
import { db } from "@/lib/db";
import { getOperation } from "@/lib/operations";
import { listLocations } from "@/lib/services";

export const metadata: Metadata = { title: "Databases" };
export const dynamic = "force-dynamic";

const STATE_TONES: Record<string, Tone> = {
  RUNNABLE: "green",
  MAINTENANCE: "amber",
  PENDING_CREATE: "amber",
  SUSPENDED: "neutral",
  FAILED: "red",
};
const BACKUP_TONES: Record<string, Tone> = { SUCCESSFUL: "green", RUNNING: "amber", ENQUEUED: "amber", FAILED: "red" };

function backupConfig(i: InstanceView) {
  if (!i.backups.enabled)
    return <span className="text-xs text-zinc-500 dark:text-zinc-400">automated backups off</span>;
  return (
    <span className="text-xs">
      daily at {i.backups.startTime ?? "?"} UTC{i.backups.retained ? `, keeps ${i.backups.retained}` : ""}
      {i.backups.pointInTime ? ", point-in-time" : ""}
    </span>
  );
}

export default async function DatabasesPage({ searchParams }: { searchParams: Promise<{ op?: string }> }) {
  const actor = await requireActor();
  if (!hasRole(actor.role, "operator")) return <Forbidden role={actor.role} needed="operator" />;
  const { op } = await searchParams;
  const locations = await listLocations(db());
  const projects = [...new Set(locations.map((l) => l.project))];
  const [byProject, operation] = await Promise.all([listDatabases(projects), getOperation(db(), op)]);
  const shown = byProject.filter((p) => p.error || p.instances.length > 0);
  return (
    <>
      <PageHeader
        title="Databases"
        description="Cloud SQL instances per project with their backups. Back up now, or restore a backup: an automatic backup of the target is always taken first."
      />
      <div className="space-y-5">
        {operation && (operation.kind === "backup" || operation.kind === "restore") && (
          <OperationProgress key={operation.id} id={operation.id} initial={JSON.parse(JSON.stringify(operation))} />
        )}
        {shown.length === 0 && <EmptyState title="No Cloud SQL instances in the covered projects." />}
        {shown.map(({ project, instances, error }) => (
          <Panel key={project} title={project}>
            {error ? (
              <div className="p-4">
                <Notice tone="error">{error}</Notice>
              </div>
            ) : (
              <div className="space-y-4">
                <Table caption={`Cloud SQL instances in ${project}`}>
                  <thead>
                    <tr>
                      <Th>Instance</Th>
                      <Th>State</Th>
                      <Th>Version</Th>
                      <Th>Region</Th>
                      <Th>Connection name</Th>
                      <Th>Backups</Th>
                    </tr>
                  </thead>
                  <tbody>
                    {instances.map((i) => (
                      <tr key={i.name} data-testid={`instance-row-${i.name}`}>
                        <Td>
                          <span className="font-mono text-xs font-medium">{i.name}</span>
                        </Td>
                        <Td>
                          <Badge tone={STATE_TONES[i.state] ?? "neutral"}>{i.state.toLowerCase()}</Badge>
                        </Td>
                        <Td>
                          <span className="text-xs">{i.version}</span>
                        </Td>
                        <Td>
                          <span className="text-xs">{i.region}</span>
                        </Td>
                        <Td>
                          <code className="text-xs">{i.connectionName}</code>
                        </Td>
                        <Td>{backupConfig(i)}</Td>
                      </tr>
                    ))}
                  </tbody>
                </Table>
                {instances.map((i) => (
                  <section
                    key={i.name}
                    aria-label={`Backups of ${i.name}`}
                    data-testid={`backups-${i.name}`}
                    className="px-4 pb-4"
                  >
                    <div className="mb-2 flex items-center justify-between gap-2">
                      <h3 className="text-sm font-semibold">
                        Backups of <span className="font-mono">{i.name}</span>
                      </h3>
                      <div className="flex items-center gap-2">
                        <BackupButton project={project} instance={i.name} />
                        <RestoreDialog
                          project={project}
                          source={i.name}
                          targets={instances.map((t) => t.name)}
                          backups={i.backupRuns
                            .filter((b) => b.status === "SUCCESSFUL")
                            .map((b) => ({
                              id: b.id,
                              label: `${utc(b.startedAt ?? b.enqueuedAt)} · ${b.type.toLowerCase().replace("_", "-")}${b.description ? ` · ${b.description.slice(0, 50)}` : ""}`,
                            }))}
                        />
                      </div>
                    </div>
                    {i.backupError ? (
                      <Notice tone="error">{i.backupError}</Notice>
                    ) : i.backupRuns.length === 0 ? (
                      <EmptyState title="No backups yet." />
                    ) : (
                      <Table caption={`Backups of ${i.name}, newest first`}>
                        <thead>
                          <tr>
                            <Th>Started</Th>
                            <Th>Ended</Th>
                            <Th>Type</Th>
                            <Th>Status</Th>
                            <Th>Description</Th>
                          </tr>
                        </thead>
                        <tbody>
                          {i.backupRuns.map((b) => (
                            <tr key={b.id} data-testid={`backup-row-${b.id}`}>
                              <Td>
                                <span className="text-xs" title={b.startedAt?.toISOString()}>
                                  {utc(b.startedAt ?? b.enqueuedAt)}
                                </span>{" "}
                                <span className="text-xs text-zinc-500 dark:text-zinc-400">
                                  ({ago(b.startedAt ?? b.enqueuedAt)})
                                </span>
                              </Td>
                              <Td>
                                <span className="text-xs">{utc(b.endedAt)}</span>
                              </Td>
                              <Td>
                                <span className="text-xs">{b.type.toLowerCase().replace("_", "-")}</span>
                              </Td>
                              <Td>
                                <Badge tone={BACKUP_TONES[b.status] ?? "neutral"}>{b.status}</Badge>
                              </Td>
                              <Td>
                                <span className="text-xs">
                                  {b.description || <span className="text-zinc-500 dark:text-zinc-400">—</span>}
                                </span>
                                {b.error && <div className="text-xs text-red-600 dark:text-red-400">{b.error}</div>}
                              </Td>
                            </tr>
                          ))}
                        </tbody>
                      </Table>
                    )}
                  </section>
                ))}
              </div>
            )}
          </Panel>
        ))}
      </div>
    </>
  );
}
