// Incidents as Runway stored them from Cloud Monitoring's deliveries (the v3
// API has no incident list): the incidents page, a service's open incidents,
// the fleet's counts, and acknowledging one (developer+, audited).
import "server-only";
import { z } from "zod";
import type { ActionDefinition } from "../actions";
import type { Db } from "../db";
import { NotFound } from "../errors";
import { servicePath } from "../services/names";
import { AcknowledgeIncidentInput } from "./schemas";

export type IncidentView = {
  id: string;
  incidentId: string;
  state: "open" | "closed";
  project: string;
  region: string | null;
  service: string | null;
  policy: string;
  policyName: string | null;
  condition: string;
  summary: string;
  /** As Cloud Monitoring sent them, and in words with their unit when the policy's template says it. */
  observedValue: string | null;
  thresholdValue: string | null;
  observed: string;
  threshold: string;
  url: string | null;
  startedAt: string;
  endedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  /** The service page with its dashboard on the incident's time range, when the service is known. */
  dashboardHref: string | null;
};

type Row = Awaited<ReturnType<Db["alertIncident"]["findFirstOrThrow"]>>;

/** The dashboard's window: from 15 min before the start to 15 min after the end (or now). */
export function dashboardHref(
  i: Pick<Row, "project" | "region" | "service" | "startedAt" | "endedAt">,
  now = new Date(),
): string | null {
  if (!i.service || !i.region) return null;
  const pad = 15 * 60_000;
  const from = new Date(i.startedAt.getTime() - pad);
  const to = new Date(Math.min(now.getTime(), (i.endedAt ?? now).getTime() + pad));
  const minute = (d: Date) => d.toISOString().slice(0, 16);
  return `${servicePath({ project: i.project, region: i.region, service: i.service })}?${new URLSearchParams({ from: minute(from), to: minute(to) })}#metrics`;
}

/** A value Monitoring sent as text, with the unit its template implies: 0.41 → "41 %" for a 5xx share. */
export function valueWords(v: string | null, template: string | null): string {
  if (v === null || v === "") return "—";
  const n = Number(v);
  if (!Number.isFinite(n)) return v;
  const short = (x: number) => String(Number(x.toPrecision(3)));
  switch (template) {
    case "error-share":
    case "memory":
      return `${short(n * 100)} %`;
    case "latency-p99":
      return `${short(n)} ms`;
    case "slo-fast-burn":
    case "slo-slow-burn":
      return `${short(n)}×`;
    default:
      return short(n);
  }
}

function view(r: Row): IncidentView {
  return {
    id: r.id,
    incidentId: r.incidentId,
    state: r.state === "closed" ? "closed" : "open",
    project: r.project,
    region: r.region,
    service: r.service,
    policy: r.policyDisplayName,
    policyName: r.policyName,
    condition: r.conditionName,
    summary: r.summary,
    observedValue: r.observedValue,
    thresholdValue: r.thresholdValue,
    url: r.url,
    observed: valueWords(r.observedValue, r.template),
    threshold: valueWords(r.thresholdValue, r.template),
    startedAt: r.startedAt.toISOString(),
    endedAt: r.endedAt?.toISOString() ?? null,
    acknowledgedAt: r.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: r.acknowledgedBy,
    dashboardHref: dashboardHref(r),
  };
}

/** The incidents page's filters, from its query string; anything not understood is dropped. */
export const IncidentQuery = z.object({
  state: z.enum(["open", "closed"]).optional().catch(undefined),
  project: z
    .string()
    .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/)
    .optional()
    .catch(undefined),
  service: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,48}$/)
    .optional()
    .catch(undefined),
});

export type IncidentFilter = {
  state?: "open" | "closed";
  project?: string;
  region?: string;
  service?: string;
  limit?: number;
};

/** Newest first. */
export async function listIncidents(db: Db, f: IncidentFilter = {}): Promise<IncidentView[]> {
  const rows = await db.alertIncident.findMany({
    where: { state: f.state, project: f.project, region: f.region, service: f.service },
    orderBy: [{ startedAt: "desc" }, { id: "asc" }],
    take: Math.min(f.limit ?? 200, 500),
  });
  return rows.map(view);
}

export const incidentKey = (project: string, service: string) => `${project}/${service}`;

/** Open incidents per `project/service`, for the fleet. */
export async function openIncidentCounts(db: Db): Promise<Record<string, number>> {
  const groups = await db.alertIncident.groupBy({
    by: ["project", "service"],
    where: { state: "open", service: { not: null } },
    _count: { _all: true },
  });
  return Object.fromEntries(groups.map((g) => [incidentKey(g.project, g.service!), g._count._all]));
}

export const acknowledgeIncidentDefinition: ActionDefinition<typeof AcknowledgeIncidentInput, null> = {
  name: "alerting.acknowledge-incident",
  role: "developer",
  input: AcknowledgeIncidentInput,
  target: (i) => `incidents/${i.id}`,
  // The incident's project (and region): Settings may have dropped it since the incident was delivered.
  // An unknown id has nothing to protect; run answers NotFound.
  scope: async ({ id }, { db }) => {
    const incident = await db.alertIncident.findUnique({ where: { id }, select: { project: true, region: true } });
    return incident ? { project: incident.project, region: incident.region } : "portal";
  },
  async run({ db, actor }, { id }) {
    const incident = await db.alertIncident.findUnique({ where: { id } });
    if (!incident) throw new NotFound("No such incident.");
    if (incident.acknowledgedAt) return { data: null, message: `Already acknowledged by ${incident.acknowledgedBy}.` };
    // Only the first acknowledgement counts, even when two people click at once.
    const done = await db.alertIncident.updateMany({
      where: { id, acknowledgedAt: null },
      data: { acknowledgedAt: new Date(), acknowledgedBy: actor.email },
    });
    return {
      data: null,
      message: done.count ? `Acknowledged "${incident.policyDisplayName}".` : "Someone acknowledged it a moment ago.",
      details: { incident: incident.incidentId, policy: incident.policyDisplayName },
    };
  },
};
