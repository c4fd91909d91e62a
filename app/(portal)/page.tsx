import Link from "next/link";
import { FleetTable, type FleetRow } from "@/components/services/fleet-table";
import { ago, hoursSince } from "@/components/ui/format";
import { EmptyState, Notice, PageHeader, Panel } from "@/components/ui/panel";
import { hasRole } from "@/lib/auth/roles";
import { requireActor } from "@/lib/auth/session";
import { config } from "@/lib/config";
import { db } from "@/lib/db";
import { observabilityClients } from "@/lib/gcp/clients";
import { fleetHealth } from "@/lib/observability";
import { loadUsageAndPrices, reportFor } from "@/lib/cost";
import { listFleet, listLocations, servicePath } from "@/lib/services";

export default async function FleetPage() {
  const actor = await requireActor();
  const locations = await listLocations(db());
  const projects = [...new Set(locations.map((l) => l.project))];
  // Health is a constant number of Monitoring calls per project; if it fails, the list still renders.
  const [fleet, health, costInputs] = await Promise.all([
    listFleet(locations),
    fleetHealth(observabilityClients(), projects).catch((err: Error) => ({ rows: [], failures: [{ project: "all", error: err.message }] })),
    loadUsageAndPrices(projects),
  ]);
  const healthOf = new Map(health.rows.map((h) => [`${h.project}/${h.service}`, h]));
  const costOf = new Map((reportFor(fleet.services, costInputs)?.services ?? []).map((c) => [`${c.project}/${c.service}`, c.monthToDate.total]));
  const staleAfter = config().splitStaleHours;
  const rows: FleetRow[] = fleet.services.map((s) => {
    const splitHours = s.splitSince ? hoursSince(s.splitSince) : 0;
    return {
      name: s.name, id: s.id, project: s.project, region: s.region, href: servicePath({ project: s.project, region: s.region, service: s.id }),
      status: s.status, statusMessage: s.statusMessage, uri: s.uri, traffic: s.traffic, imageTag: s.imageTag,
      lastDeployedBy: s.lastDeployedBy, lastDeployedAgo: ago(s.lastDeployedAt), lastDeployedAt: s.lastDeployedAt?.toISOString() ?? null,
      etag: s.etag, staleSplitHours: s.splitSince && splitHours >= staleAfter ? splitHours : null,
      health: healthOf.get(`${s.project}/${s.id}`) ?? null,
      costMonthToDate: costOf.get(`${s.project}/${s.id}`) ?? null,
    };
  });
  const problems = rows.filter((r) => r.status === "failed" || (r.health?.breaches.length ?? 0) > 0).length;
  const splits = rows.filter((r) => r.staleSplitHours !== null).length;
  return (
    <>
      <PageHeader
        title="Fleet"
        description={`${rows.length} services in ${locations.length} project/region pairs${problems ? ` · ${problems} failing or breaching alert thresholds` : ""}${splits ? ` · ${splits} with a split left in place over ${staleAfter} h` : ""}`}
      />
      {fleet.failures.length + health.failures.length + costInputs.failures.length > 0 && (
        <div className="mb-4 space-y-1">
          {fleet.failures.map((f) => (
            <Notice key={`${f.project}/${f.region}`} tone="error">{f.project} / {f.region}: {f.error}</Notice>
          ))}
          {health.failures.map((f) => <Notice key={`health-${f.project}`} tone="error">Request metrics of {f.project}: {f.error}</Notice>)}
          {costInputs.failures.map((f) => <Notice key={`cost-${f}`} tone="error">Costs: {f}</Notice>)}
        </div>
      )}
      <Panel>
        {locations.length === 0 ? (
          <EmptyState title="No projects are configured yet.">
            {hasRole(actor.role, "admin") ? <Link href="/settings" className="text-indigo-600 hover:underline">Add projects and regions in Settings.</Link> : "Ask an admin to add projects and regions in Settings."}
          </EmptyState>
        ) : (
          <FleetTable rows={rows} canAct={hasRole(actor.role, "developer")} />
        )}
      </Panel>
    </>
  );
}
