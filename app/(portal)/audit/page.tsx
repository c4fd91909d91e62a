import type { Metadata } from "next";
import Link from "next/link";
import { AuditFilters } from "@/components/audit/audit-filters";
import { AuditTable } from "@/components/audit/audit-table";
import { Notice, PageHeader, Panel } from "@/components/ui/panel";
import { AuditQuery, listAuditActions, listAuditEvents } from "@/lib/audit";
import { requireActor } from "@/lib/auth/session";
import { db } from "@/lib/db";

export const metadata: Metadata = { title: "Audit" };

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireActor();
  const params = await searchParams;
  const parsed = AuditQuery.safeParse(
    Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])),
  );
  const query = parsed.success ? parsed.data : AuditQuery.parse({});
  const [page, actions] = await Promise.all([listAuditEvents(db(), query), listAuditActions(db())]);
  const filters = {
    actor: query.actor,
    action: query.action,
    target: query.target,
    outcome: query.outcome,
    limit: query.limit === 50 ? undefined : String(query.limit),
  };
  const olderHref = page.nextBefore
    ? `/audit?${new URLSearchParams({ ...clean(filters), before: page.nextBefore })}`
    : null;
  return (
    <>
      <PageHeader
        title="Audit"
        description="Every attempt to change something (allowed, denied, invalid or failed), newest first."
      />
      {!parsed.success && (
        <div className="mb-3">
          <Notice tone="error">Some filters were not understood and were ignored.</Notice>
        </div>
      )}
      <AuditFilters actions={actions} values={filters} />
      <Panel className="mt-4">
        <AuditTable events={page.events} />
        <div className="flex items-center justify-between px-4 py-2.5 text-sm">
          {query.before ? (
            <Link
              href={`/audit?${new URLSearchParams(clean(filters))}`}
              className="font-medium text-indigo-600 hover:underline dark:text-indigo-400"
            >
              ← Newest
            </Link>
          ) : (
            <span />
          )}
          {olderHref ? (
            <Link href={olderHref} className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
              Older →
            </Link>
          ) : (
            <span className="text-zinc-500 dark:text-zinc-400">End of trail</span>
          )}
        </div>
      </Panel>
    </>
  );
}

function clean(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => Boolean(e[1])));
}
