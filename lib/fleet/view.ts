// The fleet page's rows: every covered service (fleetList, from ListServices
// alone: the page's first screen), and its last 5 minutes of health and
// month-to-date cost (fleetMetrics: streamed in after). The reads run in
// parallel and each fails alone: a service still shows without health or cost.
import { fleetAlerts } from "../alerting";
import { config } from "../config";
import { idlePerDayFor, monthToDateFor, loadUsageAndPrices, varianceFlagsFor, varianceThresholds } from "../cost";
import { db as portalDb, type Db } from "../db";
import { alertingClients, observabilityClients, runClients, type GcpTarget } from "../gcp/clients";
import { recentFleetHealth, type ServiceHealth } from "../observability";
import {
  listFleet,
  listFleetFirst,
  listLocations,
  servicePath,
  type Location,
  type LocationFailure,
  type TrafficEntry,
} from "../services";
import type { ServiceView } from "../services/model";
import { activeReleases } from "../releases";
import { healthKey, withMetrics } from "./rows";

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
  /** This month's cost so far (in `costCurrency`), when prices and usage could be read. */
  costMonthToDate: number | null;
  /** Open incidents, and whether alert policies of its own watch it (else the fixed thresholds judge it). */
  alerts: { open: number; policies: boolean } | null;
  /** The canary's step while a release runs ("releasing 25 %"), else null. */
  releasingPercent: number | null;
  /** Set when the cost rose above the service's variance threshold: how much and where it came from. */
  costFlag?: string | null;
  costCurrency?: string;
};

export type FleetView = {
  locations: number;
  rows: FleetServiceRow[];
  staleSplitAfterHours: number;
  failures: {
    locations: LocationFailure[];
    health: { project: string; error: string }[];
    cost: string[];
    alerts: { project: string; error: string }[];
  };
};

/** The list alone (ListServices per location): rows without health and cost. */
export type FleetList = Omit<FleetView, "failures"> & { failures: { locations: LocationFailure[] } };

/** Health per `project/service` and month-to-date cost per service name, for joining onto a FleetList's rows. */
export type FleetMetrics = {
  health: Record<string, ServiceHealth>;
  cost: Record<string, number>;
  /** Open incidents per `project/service`, and the services with alert policies of their own. */
  alerts: { open: Record<string, number>; withPolicies: string[] };
  failures: {
    health: { project: string; error: string }[];
    cost: string[];
    alerts: { project: string; error: string }[];
  };
  /** Variance flags by service name (lib/cost). */
  costFlags: Record<string, string>;
  currency: string;
};

export type FleetViewDeps = { db: Db; splitStaleHours: number; target: GcpTarget; now?: Date };

const portalDeps = (): FleetViewDeps => ({
  db: portalDb(),
  splitStaleHours: config().splitStaleHours,
  target: config().gcp,
});

/** The canary's step of every release in progress, by service name ("releasing 25 %"). */
async function releasingPercents(db: Db): Promise<Map<string, number>> {
  return new Map((await activeReleases(db)).map((r) => [r.service, r.plan.steps[r.stepIndex]]));
}

function toRow(s: ServiceView, deps: FleetViewDeps, now: Date, releasing: Map<string, number>): FleetServiceRow {
  const splitHours = s.splitSince ? (now.getTime() - s.splitSince.getTime()) / 3_600_000 : 0;
  return {
    name: s.name,
    id: s.id,
    project: s.project,
    region: s.region,
    href: servicePath({ project: s.project, region: s.region, service: s.id }),
    status: s.status,
    statusMessage: s.statusMessage,
    uri: s.uri,
    traffic: s.traffic,
    imageTag: s.imageTag,
    lastDeployedBy: s.lastDeployedBy,
    lastDeployedAt: s.lastDeployedAt?.toISOString() ?? null,
    etag: s.etag,
    staleSplitHours: s.splitSince && splitHours >= deps.splitStaleHours ? splitHours : null,
    health: null,
    costMonthToDate: null,
    alerts: null,
    releasingPercent: releasing.get(s.name) ?? null,
  };
}

/** Every service, from ListServices alone: rows without health and cost. */
export async function fleetList(deps: FleetViewDeps = portalDeps()): Promise<FleetList> {
  const now = deps.now ?? new Date();
  const locations = await listLocations(deps.db);
  const [fleet, releasing] = await Promise.all([
    listFleet(locations, runClients(deps.target)),
    releasingPercents(deps.db),
  ]);
  return {
    locations: locations.length,
    rows: fleet.services.map((s) => toRow(s, deps, now, releasing)),
    staleSplitAfterHours: deps.splitStaleHours,
    failures: { locations: fleet.failures },
  };
}

/** The locations the last first screen covered: the next one's Google calls start with them, before the database answers. */
let lastLocations: Location[] = [];

/**
 * What the fleet page shows first: its first `n` rows in name order, from one
 * page of ListServices per location. `complete` when they are the whole fleet
 * (then the page needs nothing else); otherwise fleetList follows. The
 * portal's database (locations, releases) is read while the Google calls run,
 * so one call's latency is the whole wait.
 */
export async function fleetFirstScreen(
  n: number,
  deps: FleetViewDeps = portalDeps(),
): Promise<FleetList & { complete: boolean }> {
  const now = deps.now ?? new Date();
  const locations = listLocations(deps.db);
  const [fleet, releasing, covered] = await Promise.all([
    listFleetFirst(locations, n, runClients(deps.target), lastLocations),
    releasingPercents(deps.db),
    locations,
  ]);
  lastLocations = covered;
  return {
    locations: covered.length,
    rows: fleet.services.map((s) => toRow(s, deps, now, releasing)),
    staleSplitAfterHours: deps.splitStaleHours,
    failures: { locations: fleet.failures },
    complete: fleet.complete,
  };
}

/** Health (cached briefly, shared) and month-to-date cost; slower than the list, so the page streams them in after it. */
export async function fleetMetrics(deps: FleetViewDeps = portalDeps()): Promise<FleetMetrics> {
  const now = deps.now ?? new Date();
  const locations = await listLocations(deps.db);
  const projects = [...new Set(locations.map((l) => l.project))];
  const [fleet, health, costInputs, alerts] = await Promise.all([
    listFleet(locations, runClients(deps.target)),
    recentFleetHealth(projects, observabilityClients(deps.target)),
    loadUsageAndPrices(projects, { now, target: deps.target }),
    fleetAlerts(deps.db, projects, alertingClients(deps.target)),
  ]);
  const idle = await idlePerDayFor(fleet.services, costInputs, { now, target: deps.target });
  const costOf = monthToDateFor(fleet.services, costInputs, idle.idlePerDay, now);
  const flags = varianceFlagsFor(fleet.services, costInputs, await varianceThresholds(deps.db), now);
  return {
    health: Object.fromEntries(health.rows.map((h) => [healthKey(h.project, h.service), h])),
    cost: costOf ? Object.fromEntries(costOf) : {},
    alerts: { open: alerts.open, withPolicies: alerts.withPolicies },
    failures: { health: health.failures, cost: [...costInputs.failures, ...idle.failures], alerts: alerts.failures },
    costFlags: Object.fromEntries(flags),
    currency: costInputs.currency,
  };
}

/** The list and its metrics together (both reads in parallel). */
export async function fleetView(deps: FleetViewDeps = portalDeps()): Promise<FleetView> {
  const [list, metrics] = await Promise.all([fleetList(deps), fleetMetrics(deps)]);
  return {
    ...list,
    rows: list.rows.map((r) => withMetrics(r, metrics)),
    failures: { ...list.failures, ...metrics.failures },
  };
}
