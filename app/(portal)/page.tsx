import Link from "next/link";
import { FleetTable, type FleetRow } from "@/components/services/fleet-table";
import { ago } from "@/components/ui/format";
import { EmptyState, Notice, PageHeader, Panel } from "@/components/ui/panel";
import { hasRole } from "@/lib/auth/roles";
import { requireActor } from "@/lib/auth/session";
import { fleetView } from "@/lib/fleet";

export default async function FleetPage() {
  const actor = await requireActor();
  const fleet = await fleetView();
  const rows: FleetRow[] = fleet.rows.map((r) => ({ ...r, lastDeployedAgo: ago(r.lastDeployedAt) }));
  const { failures, staleSplitAfterHours: staleAfter } = fleet;
  const problems = rows.filter((r) => r.status === "failed" || (r.health?.breaches.length ?? 0) > 0).length;
  const splits = rows.filter((r) => r.staleSplitHours !== null).length;
  return (
    <>
      <PageHeader
        title="Fleet"
        description={`${rows.length} services in ${fleet.locations} project/region pairs${problems ? ` · ${problems} failing or breaching alert thresholds` : ""}${splits ? ` · ${splits} with a split left in place over ${staleAfter} h` : ""}`}
      />
      {failures.locations.length + failures.health.length + failures.cost.length > 0 && (
        <div className="mb-4 space-y-1">
          {failures.locations.map((f) => (
            <Notice key={`${f.project}/${f.region}`} tone="error">{f.project} / {f.region}: {f.error}</Notice>
          ))}
          {failures.health.map((f) => <Notice key={`health-${f.project}`} tone="error">Request metrics of {f.project}: {f.error}</Notice>)}
          {failures.cost.map((f) => <Notice key={`cost-${f}`} tone="error">Costs: {f}</Notice>)}
        </div>
      )}
      <Panel>
        {fleet.locations === 0 ? (
          <EmptyState title="No projects are configured yet.">
            {hasRole(actor.role, "admin") ? <Link href="/settings" className="text-indigo-600 hover:underline dark:text-indigo-400">Add projects and regions in Settings.</Link> : "Ask an admin to add projects and regions in Settings."}
          </EmptyState>
        ) : (
          <FleetTable rows={rows} canAct={hasRole(actor.role, "developer")} />
        )}
      </Panel>
    </>
  );
}
