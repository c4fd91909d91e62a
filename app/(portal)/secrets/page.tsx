import type { Metadata } from "next";
import Link from "next/link";
import { VersionBadge } from "@/components/secrets/version-badge";
import { Forbidden } from "@/components/shell/forbidden";
import { Badge } from "@/components/ui/badge";
import { ago } from "@/components/ui/format";
import { EmptyState, Notice, PageHeader, Panel } from "@/components/ui/panel";
import { Table, Td, Th } from "@/components/ui/table";
import { hasRole } from "@/lib/auth/roles";
import { requireActor } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { listSecrets } from "@/lib/secrets";
import { listFleet, listLocations, servicePath } from "@/lib/services";

export const metadata: Metadata = { title: "Secrets" };

export default async function SecretsPage() {
  const actor = await requireActor();
  if (!hasRole(actor.role, "developer")) return <Forbidden role={actor.role} needed="developer" />;
  const locations = await listLocations(db());
  const projects = [...new Set(locations.map((l) => l.project))];
  // The secrets and the services that read them are independent reads: in parallel.
  const byProject = await listSecrets(
    projects,
    listFleet(locations).then((f) => f.services),
  );
  return (
    <>
      <PageHeader
        title="Secrets"
        description="Secret Manager secrets per project, their versions, and which services read which version. Values are never shown. Open a secret to rotate it (operators and admins)."
      />
      <div className="space-y-5">
        {byProject.map(({ project, secrets, error }) => (
          <Panel key={project} title={project}>
            {error ? (
              <div className="p-4">
                <Notice tone="error">{error}</Notice>
              </div>
            ) : secrets.length === 0 ? (
              <EmptyState title="No secrets in this project." />
            ) : (
              <Table caption={`Secrets in ${project}: versions and the services that read them`}>
                <thead>
                  <tr>
                    <Th>Secret</Th>
                    <Th>Versions (newest first)</Th>
                    <Th>Read by</Th>
                  </tr>
                </thead>
                <tbody>
                  {secrets.map((s) => (
                    <tr key={s.id} data-testid={`secret-row-${s.id}`}>
                      <Td>
                        <Link
                          href={`/secrets/${project}/${s.id}`}
                          className="font-mono text-xs font-medium text-indigo-600 hover:underline dark:text-indigo-400"
                        >
                          {s.id}
                        </Link>
                        <div className="text-xs text-zinc-500 dark:text-zinc-400">
                          created {ago(s.createdAt)}
                          {s.rotation ? ` · rotation ${s.rotation}` : ""}
                        </div>
                      </Td>
                      <Td>
                        <ul className="flex flex-wrap gap-1.5">
                          {s.versions.map((v) => (
                            <li
                              key={v.id}
                              title={v.createdAt?.toISOString()}
                              className="flex items-center gap-1 text-xs"
                            >
                              <span className="font-mono">v{v.id}</span>
                              <VersionBadge state={v.state} />
                            </li>
                          ))}
                        </ul>
                      </Td>
                      <Td>
                        {s.references.length === 0 ? (
                          <span className="text-xs text-zinc-500 dark:text-zinc-400">no service</span>
                        ) : (
                          <ul className="space-y-0.5 text-xs">
                            {s.references.map((r) => (
                              <li key={`${r.service}-${r.env}`}>
                                <Link
                                  href={servicePath({ project, region: r.region, service: r.service })}
                                  className="text-indigo-600 underline underline-offset-2 dark:text-indigo-400"
                                >
                                  {r.service}
                                </Link>{" "}
                                <span className="font-mono">{r.env}</span> ←{" "}
                                {r.version === "latest" ? (
                                  <>
                                    latest
                                    {r.resolves && (
                                      <span className="text-zinc-500 dark:text-zinc-400"> (v{r.resolves})</span>
                                    )}
                                  </>
                                ) : (
                                  <>
                                    v{r.version} <Badge tone="sky">pinned</Badge>
                                  </>
                                )}
                              </li>
                            ))}
                          </ul>
                        )}
                      </Td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            )}
          </Panel>
        ))}
      </div>
    </>
  );
}
