// What the fleet page needs from alerting: open incidents per service, and
// which services have alert policies of their own (one ListAlertPolicies per
// project, cached). Services without any keep the fixed thresholds as a fallback.
import "server-only";
import type { Db } from "../db";
import { alertingClients } from "../gcp/clients";
import { upstreamError } from "../gcp/errors";
import { watchedServices } from "./describe";
import { incidentKey, openIncidentCounts } from "./incidents";
import { projectPolicies } from "./policies";

export type FleetAlerts = {
  /** Open incidents per `project/service`. */
  open: Record<string, number>;
  /** `project/service` keys of services that at least one enabled policy watches. */
  withPolicies: string[];
  failures: { project: string; error: string }[];
};

export async function fleetAlerts(db: Db, projects: string[], clients = alertingClients()): Promise<FleetAlerts> {
  const [open, results] = await Promise.all([
    openIncidentCounts(db),
    Promise.allSettled(projects.map((p) => projectPolicies(p, clients))),
  ]);
  const withPolicies = new Set<string>();
  const failures: FleetAlerts["failures"] = [];
  results.forEach((r, i) => {
    if (r.status === "rejected")
      failures.push({
        project: projects[i],
        error: upstreamError(r.reason, "Cloud Monitoring", `reading the alert policies of ${projects[i]}`).message,
      });
    else
      for (const p of r.value)
        if (p.enabled?.value !== false)
          for (const s of watchedServices(p)) withPolicies.add(incidentKey(projects[i], s));
  });
  return { open, withPolicies: [...withPolicies].sort(), failures };
}
