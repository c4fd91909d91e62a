// The fleet page's rows: every covered service joined with its last 5 minutes
// of health and its month-to-date cost. The three reads run in parallel and
// each fails alone: a service still shows without health or cost.
import { config } from "../config";
import { monthToDateFor, loadUsageAndPrices } from "../cost";
import { db as portalDb, type Db } from "../db";
import { observabilityClients, runClients, type GcpTarget } from "../gcp/clients";
import { recentFleetHealth, type ServiceHealth } from "../observability";
import { listFleet, listLocations, servicePath, type LocationFailure, type TrafficEntry } from "../services";

export type FleetServiceRow = {
  name: string;
  id: string;
  project: string;
  region: string;
  href: string;
  status: "ready" | "failed" | "reconciling" | "unknown";
  statusMessage: string | null;
  uri: string | null;
  traffic: TrafficEntry[];
  imageTag: string;
  lastDeployedBy: string | null;
  lastDeployedAt: string | null;
  etag: string;
  /** Hours the traffic has been split or pinned, when past the threshold. */
  staleSplitHours: number | null;
  /** Last 5 minutes from Cloud Monitoring; null when it has nothing (or failed). */
  health: ServiceHealth | null;
  /** This month's cost so far (USD), when prices and usage could be read. */
  costMonthToDate: number | null;
};

export type FleetView = {
  locations: number;
  rows: FleetServiceRow[];
  staleSplitAfterHours: number;
  failures: { locations: LocationFailure[]; health: { project: string; error: string }[]; cost: string[] };
};

export type FleetViewDeps = { db: Db; splitStaleHours: number; target: GcpTarget; now?: Date };

const portalDeps = (): FleetViewDeps => ({ db: portalDb(), splitStaleHours: config().splitStaleHours, target: config().gcp });

export async function fleetView(deps: FleetViewDeps = portalDeps()): Promise<FleetView> {
  const now = deps.now ?? new Date();
  const locations = await listLocations(deps.db);
  const projects = [...new Set(locations.map((l) => l.project))];
  const [fleet, health, costInputs] = await Promise.all([
    listFleet(locations, runClients(deps.target)),
    recentFleetHealth(projects, observabilityClients(deps.target)),
    loadUsageAndPrices(projects, { now, target: deps.target }),
  ]);
  const healthOf = new Map(health.rows.map((h) => [`${h.project}/${h.service}`, h]));
  const costOf = monthToDateFor(fleet.services, costInputs);
  const rows = fleet.services.map((s): FleetServiceRow => {
    const splitHours = s.splitSince ? (now.getTime() - s.splitSince.getTime()) / 3_600_000 : 0;
    return {
      name: s.name, id: s.id, project: s.project, region: s.region, href: servicePath({ project: s.project, region: s.region, service: s.id }),
      status: s.status, statusMessage: s.statusMessage, uri: s.uri, traffic: s.traffic, imageTag: s.imageTag,
      lastDeployedBy: s.lastDeployedBy, lastDeployedAt: s.lastDeployedAt?.toISOString() ?? null, etag: s.etag,
      staleSplitHours: s.splitSince && splitHours >= deps.splitStaleHours ? splitHours : null,
      health: healthOf.get(`${s.project}/${s.id}`) ?? null,
      costMonthToDate: costOf?.get(s.name) ?? null,
    };
  });
  return {
    locations: locations.length,
    rows,
    staleSplitAfterHours: deps.splitStaleHours,
    failures: { locations: fleet.failures, health: health.failures, cost: costInputs.failures },
  };
}
