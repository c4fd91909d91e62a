// Everything the Alerts panel of a service page shows, read in parallel; each
// part fails alone (a Monitoring outage leaves the incidents Runway stored).
import "server-only";
import type { Db } from "../db";
import { upstreamError } from "../gcp/errors";
import type { ServiceRef } from "../services/names";
import { alertingDeps, listChannels, type ChannelView } from "./channels";
import { listIncidents, type IncidentView } from "./incidents";
import { servicePolicies, type PolicyView } from "./policies";
import { serviceSlos, type SloView } from "./slo";
import { serviceUptimeChecks, type UptimeCheckView } from "./uptime";

export type ServiceAlerting = {
  policies: PolicyView[] | null;
  /** Open incidents per policy name (or display name when the delivery named no policy). */
  openByPolicy: Record<string, number>;
  incidents: IncidentView[];
  channels: ChannelView[] | null;
  uptimeChecks: UptimeCheckView[] | null;
  slos: SloView[] | null;
  errors: string[];
  uptimeError: string | null;
  sloError: string | null;
};

const message = (err: unknown, what: string) => upstreamError(err, "Cloud Monitoring", what).message;

export async function serviceAlerting(db: Db, ref: ServiceRef, deps = alertingDeps()): Promise<ServiceAlerting> {
  const errors: string[] = [];
  let uptimeError: string | null = null;
  let sloError: string | null = null;
  // Checks and SLOs first: policies that watch them (without naming the service) belong here too.
  const [uptimeChecks, slos, incidents, channels] = await Promise.all([
    serviceUptimeChecks(ref, deps.clients).catch((err) => {
      uptimeError = message(err, "reading uptime checks");
      return null;
    }),
    serviceSlos(ref, deps.clients).catch((err) => {
      sloError = message(err, "reading SLOs");
      return null;
    }),
    listIncidents(db, { project: ref.project, region: ref.region, service: ref.service, limit: 20 }),
    listChannels(db, ref.project, deps.clients).catch((err) => {
      errors.push(message(err, "reading notification channels"));
      return null;
    }),
  ]);
  const related = { uptimeCheckIds: (uptimeChecks ?? []).map((c) => c.id), sloNames: (slos ?? []).map((s) => s.name) };
  const policies = await servicePolicies(ref, related, deps.clients).catch((err) => {
    errors.push(message(err, "reading alert policies"));
    return null;
  });
  const openByPolicy: Record<string, number> = {};
  for (const i of incidents.filter((x) => x.state === "open")) {
    const policy = policies?.find((p) => p.name === i.policyName || p.displayName === i.policy);
    const key = policy?.name ?? i.policy;
    openByPolicy[key] = (openByPolicy[key] ?? 0) + 1;
  }
  return { policies, openByPolicy, incidents, channels, uptimeChecks, slos, errors, uptimeError, sloError };
}
