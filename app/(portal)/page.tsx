import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { EmptyState, PageHeader, Panel } from "@/components/ui/panel";
import { Time } from "@/components/ui/time";
import { listAuditEvents } from "@/lib/audit";
import { ROLE_DESCRIPTIONS } from "@/lib/auth/roles";
import { requireActor } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { OutcomeBadge } from "@/components/audit/outcome-badge";

export default async function FleetPage() {
  const actor = await requireActor();
  const recent = await listAuditEvents(db(), { limit: 8 });
  return (
    <>
      <PageHeader title="Fleet" description="Every Cloud Run service across your projects and regions." />
      <div className="grid gap-5 lg:grid-cols-3">
        <Panel title="Services" className="lg:col-span-2">
          <EmptyState title="No Cloud Run projects are connected yet.">
            The fleet view (services, revisions, traffic) is being built; this page will list every service once it lands.
          </EmptyState>
        </Panel>
        <Panel title="You">
          <dl className="space-y-2 px-4 py-3 text-sm">
            <div className="flex justify-between gap-3"><dt className="text-zinc-500">Signed in as</dt><dd className="truncate font-medium">{actor.email}</dd></div>
            <div className="flex justify-between gap-3"><dt className="text-zinc-500">Role</dt><dd><Badge tone="indigo">{actor.role}</Badge></dd></div>
            <p className="pt-1 text-xs text-zinc-500 dark:text-zinc-400">{ROLE_DESCRIPTIONS[actor.role]}.</p>
          </dl>
        </Panel>
        <Panel title="Recent activity" className="lg:col-span-3" actions={<Link href="/audit" className="text-xs font-medium text-indigo-600 hover:underline dark:text-indigo-400">Open audit →</Link>}>
          {recent.events.length === 0 ? (
            <EmptyState title="Nothing has happened yet." />
          ) : (
            <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {recent.events.map((e) => (
                <li key={e.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-4 py-2 text-sm">
                  <Time value={e.at} />
                  <span className="font-medium">{e.actorEmail}</span>
                  <code className="text-xs">{e.action}</code>
                  <span className="truncate text-zinc-500">{e.target}</span>
                  <OutcomeBadge outcome={e.outcome} />
                </li>
              ))}
            </ul>
          )}
        </Panel>
      </div>
    </>
  );
}
