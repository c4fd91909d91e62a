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

/**
 * A row with its health, cost and alerts joined on. A service that alert
 * policies of its own watch is judged by them (its open incidents): the fixed
 * thresholds' breaches are kept only for services without any.
 */
export function withMetrics<R extends FleetServiceRow>(row: R, metrics: FleetMetrics | undefined): R {
  if (!metrics) return row;
  const key = healthKey(row.project, row.id);
  const policies = metrics.alerts.withPolicies.includes(key);
  const health = metrics.health[key] ?? null;
  return {
    ...row,
    health: health && policies ? { ...health, breaches: [] } : health,
    costMonthToDate: metrics.cost[row.name] ?? null,
    alerts: { open: metrics.alerts.open[key] ?? 0, policies },
    costFlag: metrics.costFlags?.[row.name] ?? null,
    costCurrency: metrics.currency,
  };
}
