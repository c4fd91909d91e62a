import type { Metadata } from "next";
import Link from "next/link";
import { IncidentTable } from "@/components/alerting/incident-table";
import { PageHeader, Panel } from "@/components/ui/panel";
import { IncidentQuery, listIncidents } from "@/lib/alerting";
import { hasRole } from "@/lib/auth/roles";
import { requireActor } from "@/lib/auth/session";
import { db } from "@/lib/db";

export const metadata: Metadata = { title: "Incidents" };

export default async function IncidentsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requireActor();
  const params = await searchParams;
  const query = IncidentQuery.parse(
    Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])),
  );
  const scope = { project: query.project, service: query.service };
  const [open, closed] = await Promise.all([
    query.state === "closed" ? [] : listIncidents(db(), { ...scope, state: "open" }),
    query.state === "open" ? [] : listIncidents(db(), { ...scope, state: "closed", limit: 100 }),
  ]);
  const canAct = hasRole(actor.role, "developer");
  const where = [query.service, query.project].filter(Boolean).join(" in ");
  const link = (state?: string) =>
    `/incidents?${new URLSearchParams(Object.entries({ ...scope, state }).filter((e): e is [string, string] => Boolean(e[1])))}`;
  const tab = (label: string, state?: string) => (
    <Link
      href={link(state)}
      aria-current={query.state === state ? "page" : undefined}
      className={`rounded-md px-2.5 py-1 text-sm ${query.state === state ? "bg-zinc-200 font-medium dark:bg-zinc-800" : "text-indigo-700 hover:underline dark:text-indigo-300"}`}
    >
      {label}
    </Link>
  );
  return (
    <>
      <PageHeader
        title="Incidents"
        description={`What Cloud Monitoring's alert policies opened${where ? ` for ${where}` : ""}, as delivered to Runway's webhook channels. Each links to the service's dashboard at the incident's time.`}
        actions={
          <nav aria-label="Incident state" className="flex gap-1">
            {tab("All")}
            {tab("Open", "open")}
            {tab("Closed", "closed")}
          </nav>
        }
      />
      {(query.project || query.service) && (
        <p className="mb-3 text-sm">
          <Link href="/incidents" className="text-indigo-600 hover:underline dark:text-indigo-400">
            Show every service
          </Link>
        </p>
      )}
      <div className="space-y-5">
        {query.state !== "closed" && (
          <Panel title={`Open (${open.length})`}>
            <IncidentTable
              incidents={open}
              canAct={canAct}
              emptyText="No open incidents."
              caption="Open incidents, newest first"
            />
          </Panel>
        )}
        {query.state !== "open" && (
          <Panel title={`Closed (${closed.length}${closed.length === 100 ? ", the latest" : ""})`}>
            <IncidentTable
              incidents={closed}
              canAct={canAct}
              emptyText="No closed incidents."
              caption="Closed incidents, newest first"
            />
          </Panel>
        )}
      </div>
    </>
  );
}
