// Search, filters and sort of the fleet's rows: one pure function used by the
// table in the browser for small fleets (instant) and by /api/fleet on the
// server for large ones, so both answer the same rows in the same order. No
// server imports here: the table (a client component) imports it.
import type { FleetServiceRow } from "./view";

export const FLEET_SORTS = ["name", "project", "status", "deployed", "traffic", "cost"] as const;
export type FleetSort = (typeof FLEET_SORTS)[number];
export const FLEET_STATUSES = ["ready", "failed", "reconciling", "split", "incidents", "breaching"] as const;
export type FleetStatusFilter = (typeof FLEET_STATUSES)[number];

export type FleetFilter = {
  q: string;
  project: string;
  region: string;
  status: FleetStatusFilter | "";
  sort: FleetSort;
};
export const NO_FILTER: FleetFilter = { q: "", project: "", region: "", status: "", sort: "name" };

/**
 * Past this many services the table asks the server for one page of matching
 * rows at a time instead of holding the whole fleet in the browser.
 */
export const SERVER_SIDE_OVER = 400;

/** Sorting or filtering on these needs health and cost joined on first. */
export const needsMetrics = (f: FleetFilter) =>
  f.sort === "traffic" || f.sort === "cost" || f.status === "breaching" || f.status === "incidents";

const STATUS_ORDER = { failed: 0, reconciling: 1, unknown: 2, ready: 3 };
const by: Record<FleetSort, (a: FleetServiceRow, b: FleetServiceRow) => number> = {
  name: (a, b) => a.id.localeCompare(b.id) || a.project.localeCompare(b.project),
  traffic: (a, b) => (b.health?.requestsPerSecond ?? 0) - (a.health?.requestsPerSecond ?? 0) || by.name(a, b),
  cost: (a, b) => (b.costMonthToDate ?? 0) - (a.costMonthToDate ?? 0) || by.name(a, b),
  project: (a, b) => a.project.localeCompare(b.project) || by.name(a, b),
  status: (a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || by.name(a, b),
  deployed: (a, b) => (b.lastDeployedAt ?? "").localeCompare(a.lastDeployedAt ?? "") || by.name(a, b),
};

function matchesStatus(r: FleetServiceRow, status: FleetFilter["status"]): boolean {
  if (!status) return true;
  if (status === "split") return r.staleSplitHours !== null;
  if (status === "breaching") return (r.health?.breaches.length ?? 0) > 0;
  if (status === "incidents") return (r.alerts?.open ?? 0) > 0;
  return r.status === status;
}

/** The rows that match `f`, in its order (a new array; `rows` is not changed). */
export function queryFleet<R extends FleetServiceRow>(rows: readonly R[], f: FleetFilter): R[] {
  const needle = f.q.trim().toLowerCase();
  return rows
    .filter(
      (r) =>
        (!needle || r.id.includes(needle) || r.project.includes(needle) || r.imageTag.toLowerCase().includes(needle)) &&
        (!f.project || r.project === f.project) &&
        (!f.region || r.region === f.region) &&
        matchesStatus(r, f.status),
    )
    .sort(by[f.sort]);
}

/** The projects and regions the filter menus offer, sorted. */
export function fleetFacets(rows: readonly FleetServiceRow[]): { projects: string[]; regions: string[] } {
  return {
    projects: [...new Set(rows.map((r) => r.project))].sort(),
    regions: [...new Set(rows.map((r) => r.region))].sort(),
  };
}

/** The filter as query parameters of /api/fleet (defaults left out). */
export function fleetFilterParams(f: FleetFilter): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of ["q", "project", "region", "status", "sort"] as const)
    if (f[key] !== NO_FILTER[key]) params.set(key, f[key]);
  return params;
}
