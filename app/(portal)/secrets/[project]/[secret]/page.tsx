import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { RotateForm } from "@/components/secrets/rotate-form";
import { OperationProgress } from "@/components/services/operation-progress";
import { VersionBadge } from "@/components/secrets/version-badge";
import { Forbidden } from "@/components/shell/forbidden";
import { Badge, type Tone } from "@/components/ui/badge";
import { ago, utc } from "@/components/ui/format";
import { EmptyState, Notice, PageHeader, Panel } from "@/components/ui/panel";
import { Table, Td, Th } from "@/components/ui/table";
import { hasRole } from "@/lib/auth/roles";
import { requireActor } from "@/lib/auth/session";
import { listDatabases } from "@/lib/databases";
import { db } from "@/lib/db";
import { NotFound } from "@/lib/errors";
import { listTargetOperations, parseOperationId } from "@/lib/operations";
import { readSecret, SQL_LABELS } from "@/lib/secrets";
import { ALPHABET_LABELS, CHECKS_NEEDED, readersInFleet, secretName } from "@/lib/secrets/rotate";
import { servicePath } from "@/lib/services";

type Params = { project: string; secret: string };

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  return { title: `${(await params).secret} · Secrets` };
}
export const dynamic = "force-dynamic";

const OP_TONES: Record<string, Tone> = { succeeded: "green", failed: "red", running: "amber" };

export default async function SecretPage({
  params,
  searchParams,
}: {
  params: Promise<Params>;
  searchParams: Promise<{ op?: string }>;
}) {
  const actor = await requireActor();
  if (!hasRole(actor.role, "developer")) return <Forbidden role={actor.role} needed="developer" />;
  const { project, secret: id } = await params;
  if (!/^[a-z][a-z0-9-]{4,61}[a-z0-9]$/.test(project) || !/^[A-Za-z0-9_-]{1,255}$/.test(id)) notFound();
  const { op } = await searchParams;
  const canRotate = hasRole(actor.role, "operator");
  const name = secretName({ project, secret: id });
  const secret = await readSecret(project, id).catch((err) => {
    if (err instanceof NotFound) notFound();
    throw err;
  });
  const [readers, databases, rotations] = await Promise.all([
    readersInFleet(db(), project, id).then(
      (r) => ({ list: r, error: null }),
      (err: Error) => ({ list: [], error: err.message }),
    ),
    canRotate ? listDatabases([project]) : null,
    listTargetOperations(db(), name, 10),
  ]);
  const meta = "error" in secret.meta ? null : secret.meta;
  const versions = Array.isArray(secret.versions) ? secret.versions : null;
  const shown = rotations.find((r) => r.id === parseOperationId(op)) ?? rotations.find((r) => r.status === "running");
  const running = rotations.find((r) => r.status === "running");
  return (
    <>
      <PageHeader
        title={id}
        description={
          <>
            Secret in <span className="font-mono">{project}</span>
            {meta && <>, created {ago(meta.createdAt)}</>}. Values are never shown.
          </>
        }
        actions={
          <Link href="/secrets" className="text-sm text-indigo-600 hover:underline dark:text-indigo-400">
            All secrets
          </Link>
        }
      />
      <div className="space-y-5">
        {"error" in secret.meta && <Notice tone="error">{secret.meta.error}</Notice>}
        {shown && <OperationProgress key={shown.id} id={shown.id} initial={JSON.parse(JSON.stringify(shown))} />}
        <div className="grid gap-5 lg:grid-cols-2">
          <Panel title="Versions (newest first)">
            {!versions ? (
              <div className="p-4">
                <Notice tone="error">{(secret.versions as { error: string }).error}</Notice>
              </div>
            ) : (
              <Table caption={`Versions of ${secret.id}, newest first`}>
                <thead>
                  <tr>
                    <Th>Version</Th>
                    <Th>State</Th>
                    <Th>Created</Th>
                  </tr>
                </thead>
                <tbody>
                  {versions.map((v) => (
                    <tr key={v.id} data-testid={`version-${v.id}`}>
                      <Td className="font-mono">
                        v{v.id}
                        {v === versions[0] && (
                          <span className="ml-2 text-xs text-zinc-500 dark:text-zinc-400">latest</span>
                        )}
                      </Td>
                      <Td>
                        <VersionBadge state={v.state} />
                      </Td>
                      <Td className="text-xs" title={v.createdAt?.toISOString()}>
                        {utc(v.createdAt)}
                      </Td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            )}
          </Panel>
          <Panel title="Read by">
            {readers.error ? (
              <div className="p-4">
                <Notice tone="error">{readers.error}</Notice>
              </div>
            ) : readers.list.length === 0 ? (
              <EmptyState title="No service reads this secret." />
            ) : (
              <Table caption={`Services that read ${secret.id}, and which version`}>
                <thead>
                  <tr>
                    <Th>Service</Th>
                    <Th>Env var ← version</Th>
                  </tr>
                </thead>
                <tbody>
                  {readers.list.map((r) => (
                    <tr key={r.service}>
                      <Td>
                        <Link
                          href={servicePath({ project, region: r.region, service: r.id })}
                          className="text-indigo-600 underline underline-offset-2 dark:text-indigo-400"
                        >
                          {r.id}
                        </Link>{" "}
                        <span className="text-xs text-zinc-500 dark:text-zinc-400">{r.region}</span>
                      </Td>
                      <Td className="font-mono text-xs">{r.envs.map((e) => `${e.name} ← ${e.version}`).join(", ")}</Td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            )}
          </Panel>
        </div>
        {canRotate ? (
          <Panel title="Rotate">
            {running ? (
              <div className="p-4">
                <Notice>A rotation started by {running.actorEmail} is running; its progress is shown above.</Notice>
              </div>
            ) : !meta || !versions ? (
              <div className="p-4">
                <Notice>
                  Rotation needs the secret&apos;s labels and versions, which Secret Manager did not return; reload the
                  page to try again.
                </Notice>
              </div>
            ) : (
              <RotateForm
                project={project}
                secret={id}
                previousVersion={versions[0]?.id ?? null}
                checksNeeded={CHECKS_NEEDED}
                alphabets={Object.entries(ALPHABET_LABELS)}
                readers={readers.list.map((r) => ({
                  service: r.service,
                  id: r.id,
                  region: r.region,
                  checkPath: r.checkPath,
                }))}
                instances={databases?.[0]?.instances.map((i) => i.name) ?? []}
                sql={
                  meta.labels[SQL_LABELS.instance]
                    ? { instance: meta.labels[SQL_LABELS.instance], user: meta.labels[SQL_LABELS.user] ?? "" }
                    : null
                }
              />
            )}
          </Panel>
        ) : (
          <Notice>Rotation needs the operator role; you are {actor.role}.</Notice>
        )}
        {rotations.length > 0 && (
          <Panel title="Rotations">
            <Table caption={`Rotations of ${secret.id}`}>
              <thead>
                <tr>
                  <Th>Started</Th>
                  <Th>By</Th>
                  <Th>New version</Th>
                  <Th>Outcome</Th>
                </tr>
              </thead>
              <tbody>
                {rotations.map((r) => (
                  <tr key={r.id}>
                    <Td className="text-xs">
                      <Link href={`?op=${r.id}`} className="text-indigo-600 hover:underline dark:text-indigo-400">
                        {utc(r.createdAt)}
                      </Link>
                    </Td>
                    <Td className="text-xs">{r.actorEmail}</Td>
                    <Td className="font-mono text-xs">{r.revision ?? "—"}</Td>
                    <Td className="max-w-xl text-xs">
                      <Badge tone={OP_TONES[r.status] ?? "neutral"}>{r.status}</Badge>
                      {r.error && <span className="ml-2 text-zinc-500 dark:text-zinc-400">{r.error}</span>}
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          </Panel>
        )}
      </div>
    </>
  );
}
