// What the fleet table needs on the client: how a row's health and cost are
// joined on, and how many rows the page's HTML carries. No server imports here
// (the table is a client component).
import type { FleetMetrics, FleetServiceRow } from "./view";

/**
 * Rows in the fleet page's HTML (the first screen and some): about 3.4 kB each,
 * so the page stays under 150 kB however large the fleet; the table fetches the
 * rest (/api/fleet) after it has shown.
 */
export const FIRST_SCREEN_ROWS = 30;

export const healthKey = (project: string, service: string) => `${project}/${service}`;

/** A row with its health and cost joined on. */
export function withMetrics<R extends FleetServiceRow>(row: R, metrics: FleetMetrics | undefined): R {
  if (!metrics) return row;
  return { ...row, health: metrics.health[healthKey(row.project, row.id)] ?? null, costMonthToDate: metrics.cost[row.name] ?? null };
}
