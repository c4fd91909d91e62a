import Link from "next/link";
import { FleetTable, type FleetRow } from "@/components/services/fleet-table";
import { ago } from "@/components/ui/format";
import { EmptyState, Notice, PageHeader, Panel } from "@/components/ui/panel";
import { hasRole } from "@/lib/auth/roles";
import { requireActor } from "@/lib/auth/session";
import { FIRST_SCREEN_ROWS, fleetList } from "@/lib/fleet";

// The first screen comes from ListServices alone; the table streams health and
// cost in, and the rows past FIRST_SCREEN_ROWS, after it has shown.
export default async function FleetPage() {
  const actor = await requireActor();
  const fleet = await fleetList();
  const now = Date.now();
  const firstRows: FleetRow[] = fleet.rows.slice(0, FIRST_SCREEN_ROWS).map((r) => ({ ...r, lastDeployedAgo: ago(r.lastDeployedAt, now) }));
  const { failures, staleSplitAfterHours: staleAfter, rows } = fleet;
  const failed = rows.filter((r) => r.status === "failed").length;
  const splits = rows.filter((r) => r.staleSplitHours !== null).length;
  return (
    <>
      <PageHeader
        title="Fleet"
        description={`${rows.length} services in ${fleet.locations} project/region pairs${failed ? ` · ${failed} failing` : ""}${splits ? ` · ${splits} with a split left in place over ${staleAfter} h` : ""}`}
      />
      {failures.locations.length > 0 && (
        <div className="mb-4 space-y-1">
          {failures.locations.map((f) => (
            <Notice key={`${f.project}/${f.region}`} tone="error">{f.project} / {f.region}: {f.error}</Notice>
          ))}
        </div>
      )}
      <Panel>
        {fleet.locations === 0 ? (
          <EmptyState title="No projects are configured yet.">
            {hasRole(actor.role, "admin") ? <Link href="/settings" className="text-indigo-600 hover:underline dark:text-indigo-400">Add projects and regions in Settings.</Link> : "Ask an admin to add projects and regions in Settings."}
          </EmptyState>
        ) : (
          <FleetTable initialRows={firstRows} total={rows.length} canAct={hasRole(actor.role, "developer")} />
        )}
      </Panel>
    </>
  );
}
