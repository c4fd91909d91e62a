import type { Metadata } from "next";
import { AddEmailChannel, CreateRunwayWebhook } from "@/components/alerting/channel-forms";
import { DeleteButton } from "@/components/alerting/delete-button";
import { Forbidden } from "@/components/shell/forbidden";
import { Badge } from "@/components/ui/badge";
import { EmptyState, Notice, PageHeader, Panel } from "@/components/ui/panel";
import { Table, Td, Th } from "@/components/ui/table";
import { listChannels, type ChannelView } from "@/lib/alerting";
import { hasRole } from "@/lib/auth/roles";
import { requireActor } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { listLocations } from "@/lib/services";

export const metadata: Metadata = { title: "Notification channels" };
export const dynamic = "force-dynamic";

const VERIFICATION = {
  verified: <Badge tone="green">verified</Badge>,
  unverified: <Badge tone="amber">not verified</Badge>,
  "not applicable": <Badge>no verification needed</Badge>,
};

export default async function ChannelsPage() {
  const actor = await requireActor();
  if (!hasRole(actor.role, "operator")) return <Forbidden role={actor.role} needed="operator" />;
  const projects = [...new Set((await listLocations(db())).map((l) => l.project))].sort();
  const lists = await Promise.all(
    projects.map((p) =>
      listChannels(db(), p).then(
        (channels) => ({ channels, error: null }),
        (err: unknown) => ({
          channels: [] as ChannelView[],
          error: err instanceof AppError ? err.message : "Cloud Monitoring did not answer.",
        }),
      ),
    ),
  );
  return (
    <>
      <PageHeader
        title="Notification channels"
        description="Where each project's alert policies send incidents: e-mail addresses, and Runway's own webhook, which files them on the Incidents page."
      />
      <div className="space-y-5">
        {projects.length === 0 && (
          <Panel>
            <EmptyState title="No projects are configured yet." />
          </Panel>
        )}
        {projects.map((project, n) => {
          const { channels, error } = lists[n];
          const hasRunway = channels.some((c) => c.runway);
          return (
            <Panel key={project} title={project}>
              {error ? (
                <div className="p-4">
                  <Notice tone="error">{error}</Notice>
                </div>
              ) : channels.length === 0 ? (
                <EmptyState title="No channels yet." />
              ) : (
                <Table caption={`Notification channels of ${project}`}>
                  <thead>
                    <tr>
                      <Th>Channel</Th>
                      <Th>Type</Th>
                      <Th>Sends to</Th>
                      <Th>Verification</Th>
                      <Th>State</Th>
                      <Th>
                        <span className="sr-only">Actions</span>
                      </Th>
                    </tr>
                  </thead>
                  <tbody>
                    {channels.map((c) => (
                      <tr key={c.name}>
                        <Td>
                          <span className="font-medium">{c.displayName}</span>
                          <div className="font-mono text-[11px] text-zinc-500 dark:text-zinc-400">{c.name}</div>
                        </Td>
                        <Td>{c.runway ? <Badge tone="indigo">Runway webhook</Badge> : c.type}</Td>
                        <Td>{c.address}</Td>
                        <Td>{VERIFICATION[c.verification]}</Td>
                        <Td>{c.enabled ? "enabled" : "disabled"}</Td>
                        <Td className="text-right">
                          <DeleteButton what="channel" project={project} name={c.name} label={c.displayName} />
                        </Td>
                      </tr>
                    ))}
                  </tbody>
                </Table>
              )}
              <div className="flex flex-wrap items-end justify-between gap-4 border-t border-zinc-200 px-4 py-3 dark:border-zinc-800">
                <AddEmailChannel project={project} />
                {!error && <CreateRunwayWebhook project={project} exists={hasRunway} />}
              </div>
            </Panel>
          );
        })}
      </div>
    </>
  );
}
