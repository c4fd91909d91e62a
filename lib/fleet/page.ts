// One page of the fleet for large fleets: /api/fleet searches, filters and
// sorts on the server (the same queryFleet as the table uses in the browser for
// small fleets) and answers `limit` rows from `offset`, with the match count
// and the filter menus' choices. Health and cost are joined on only when the
// filter or sort needs them; otherwise the table joins them as they arrive.
import { z } from "zod";
import { FLEET_SORTS, FLEET_STATUSES, fleetFacets, needsMetrics, queryFleet, type FleetFilter } from "./query";
import { withMetrics } from "./rows";
import { fleetList, fleetMetrics, type FleetServiceRow, type FleetViewDeps } from "./view";

export const FleetPageQuery = z.object({
  q: z.string().max(200).default(""),
  project: z.string().max(100).default(""),
  region: z.string().max(100).default(""),
  status: z.enum(FLEET_STATUSES).or(z.literal("")).default(""),
  sort: z.enum(FLEET_SORTS).default("name"),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});
export type FleetPageQuery = z.infer<typeof FleetPageQuery>;

export type FleetPage = {
  rows: FleetServiceRow[];
  /** Services matching the filter, of `total`. */
  matched: number;
  total: number;
  projects: string[];
  regions: string[];
};

export async function fleetPage(query: FleetPageQuery, deps?: FleetViewDeps): Promise<FleetPage> {
  const filter: FleetFilter = query;
  const [list, metrics] = await Promise.all([fleetList(deps), needsMetrics(filter) ? fleetMetrics(deps) : undefined]);
  const rows = metrics ? list.rows.map((r) => withMetrics(r, metrics)) : list.rows;
  const matching = queryFleet(rows, filter);
  return {
    rows: matching.slice(query.offset, query.offset + query.limit),
    matched: matching.length,
    total: rows.length,
    ...fleetFacets(rows),
  };
}
