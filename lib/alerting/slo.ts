// Service level objectives of a service (developer+), kept in Cloud
// Monitoring's Service Monitoring: availability (requests without 5xx) and
// latency (requests under a threshold), e.g. 99.9 % over a rolling 30 days.
// Attainment, error budget left and burn rates over 1 h and 6 h are read with
// Monitoring's own SLO selectors, so the numbers are Monitoring's.
import "server-only";
import type { protos } from "@google-cloud/monitoring";
import { z } from "zod";
import type { ActionDefinition } from "../actions";
import { Conflict } from "../errors";
import { alertingClients, type AlertingClients } from "../gcp/clients";
import { grpcCode, GRPC, upstreamError } from "../gcp/errors";
import type { ServiceRef } from "../services/names";
import { ServiceRefInput } from "../services/schemas";
import { alertingDeps, type AlertingDeps } from "./channels";

type Slo = protos.google.monitoring.v3.IServiceLevelObjective;

export const CreateSloInput = ServiceRefInput.extend({
  kind: z.enum(["availability", "latency"], "Availability or latency."),
  goalPercent: z.coerce
    .number({ error: "Give a percentage." })
    .min(50, "Between 50 and 99.99 %.")
    .max(99.99, "Between 50 and 99.99 %."),
  days: z.coerce
    .number({ error: "Give a number of days." })
    .int("Whole days.")
    .min(1, "1 to 30 days.")
    .max(30, "1 to 30 days."),
  latencyMs: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.coerce.number().int("Whole milliseconds.").min(1, "At least 1 ms.").max(300_000, "At most 300000 ms.").optional(),
  ),
}).refine((v) => v.kind !== "latency" || v.latencyMs !== undefined, {
  path: ["latencyMs"],
  message: "A latency SLO needs its threshold in ms.",
});
export const DeleteSloInput = z
  .object({ project: ServiceRefInput.shape.project, sloName: z.string().max(400) })
  .refine(
    (v) =>
      new RegExp(`^projects/${v.project}/services/[A-Za-z0-9-]+/serviceLevelObjectives/[A-Za-z0-9-]+$`).test(v.sloName),
    { path: ["sloName"], message: "Not an SLO of this project." },
  );

export type SloView = {
  name: string;
  displayName: string;
  goal: number;
  /** Share of good requests over the whole compliance period; null before any traffic. */
  attainment: number | null;
  /** Fraction of the error budget left (negative when overspent). */
  budgetLeft: number | null;
  burnRate1h: number | null;
  burnRate6h: number | null;
};

/** The id Runway gives Monitoring's service for a Cloud Run service when it makes one (at most 63 characters). */
export const monitoringServiceId = (ref: ServiceRef) => `${ref.service.slice(0, 39)}-${ref.region}`;

/** Monitoring's service for this Cloud Run service, whoever made it (Runway, the console, a seed); null when none. */
async function findMonitoringService(clients: AlertingClients, ref: ServiceRef): Promise<string | null> {
  const [services] = await clients.slos.listServices({ parent: `projects/${ref.project}` }, { timeout: 15_000 });
  const match = services.find((s) => {
    const run =
      s.cloudRun ??
      (s.basicService?.serviceType === "CLOUD_RUN"
        ? { serviceName: s.basicService.serviceLabels?.service_name, location: s.basicService.serviceLabels?.location }
        : null);
    return run?.serviceName === ref.service && run.location === ref.region;
  });
  return match?.name ?? null;
}

const RUN = (ref: ServiceRef, metric: string) =>
  `metric.type="run.googleapis.com/${metric}" AND resource.type="cloud_run_revision" AND resource.labels.service_name="${ref.service}" AND resource.labels.location="${ref.region}"`;

/** The SLO Google stores for a form's input. Pure. */
export function buildSlo(
  ref: ServiceRef,
  i: { kind: "availability" | "latency"; goalPercent: number; days: number; latencyMs?: number },
): { id: string; slo: Slo } {
  const goal = Number((i.goalPercent / 100).toPrecision(6));
  const sli =
    i.kind === "availability"
      ? {
          requestBased: {
            goodTotalRatio: {
              badServiceFilter: `${RUN(ref, "request_count")} AND metric.labels.response_code_class="5xx"`,
              totalServiceFilter: RUN(ref, "request_count"),
            },
          },
        }
      : {
          requestBased: {
            distributionCut: {
              distributionFilter: RUN(ref, "request_latencies"),
              range: { min: 0, max: i.latencyMs! },
            },
          },
        };
  const what = i.kind === "availability" ? "of requests without a 5xx" : `of requests under ${i.latencyMs} ms`;
  return {
    id: i.kind === "availability" ? `availability-${i.days}d` : `latency-${i.latencyMs}ms-${i.days}d`,
    slo: {
      displayName: `${i.goalPercent} % ${what} over ${i.days} days`,
      goal,
      rollingPeriod: { seconds: i.days * 86_400 },
      serviceLevelIndicator: sli,
    },
  };
}

/** The newest value a selector answers for the last five minutes. */
async function selectValue(clients: AlertingClients, project: string, filter: string): Promise<number | null> {
  const end = Math.floor(Date.now() / 1000);
  const [series] = await clients.metrics.listTimeSeries(
    {
      name: `projects/${project}`,
      filter,
      interval: { startTime: { seconds: end - 300 }, endTime: { seconds: end } },
      view: "FULL",
    },
    { timeout: 15_000 },
  );
  const points = series
    .flatMap((s) => s.points ?? [])
    .sort((a, b) => Number(b.interval?.endTime?.seconds ?? 0) - Number(a.interval?.endTime?.seconds ?? 0));
  const v = points[0]?.value;
  return v ? Number(v.doubleValue ?? v.int64Value ?? 0) : null;
}

/** The service's SLOs; none when Monitoring has no service for it yet. */
async function listSlos(ref: ServiceRef, clients: AlertingClients): Promise<Slo[]> {
  try {
    const parent = await findMonitoringService(clients, ref);
    if (!parent) return [];
    const [slos] = await clients.slos.listServiceLevelObjectives({ parent }, { timeout: 15_000 });
    return slos;
  } catch (err) {
    throw upstreamError(err, "Cloud Monitoring", `listing the SLOs of ${ref.service}`);
  }
}

/** The names of one service's SLOs, without their values. */
export async function serviceSloNames(ref: ServiceRef, clients = alertingClients()): Promise<string[]> {
  return (await listSlos(ref, clients)).map((s) => s.name ?? "");
}

/** The service's SLOs with their numbers. */
export async function serviceSlos(ref: ServiceRef, clients = alertingClients()): Promise<SloView[]> {
  const slos = await listSlos(ref, clients);
  return Promise.all(
    slos.map(async (s) => {
      const name = s.name ?? "";
      const read = (selector: string) => selectValue(clients, ref.project, selector).catch(() => null);
      const [attainment, budgetLeft, burnRate1h, burnRate6h] = await Promise.all([
        read(`select_slo_compliance("${name}")`),
        read(`select_slo_budget_fraction("${name}")`),
        read(`select_slo_burn_rate("${name}", "3600s")`),
        read(`select_slo_burn_rate("${name}", "21600s")`),
      ]);
      return {
        name,
        displayName: s.displayName ?? "",
        goal: Number(s.goal ?? 0),
        attainment,
        budgetLeft,
        burnRate1h,
        burnRate6h,
      };
    }),
  );
}

export function createSloDefinition(
  deps: () => AlertingDeps = alertingDeps,
): ActionDefinition<typeof CreateSloInput, { name: string }> {
  return {
    name: "alerting.create-slo",
    role: "developer",
    input: CreateSloInput,
    target: (i) => `projects/${i.project}/locations/${i.region}/services/${i.service}`,
    scope: ({ project, region, service }) => ({ project, region, service }),
    async run(_ctx, i) {
      const { clients } = deps();
      const ref = { project: i.project, region: i.region, service: i.service };
      // Monitoring's service for this Cloud Run service: the one that exists, else one made now.
      const found = await findMonitoringService(clients, ref).catch((err) => {
        throw upstreamError(err, "Cloud Monitoring", `reading the services of ${i.project}`);
      });
      const parent = found ?? `projects/${i.project}/services/${monitoringServiceId(ref)}`;
      if (!found) {
        await clients.slos
          .createService({
            parent: `projects/${i.project}`,
            serviceId: monitoringServiceId(ref),
            service: {
              displayName: `${i.service} (${i.region})`,
              cloudRun: { serviceName: i.service, location: i.region },
            },
          })
          .catch((err) => {
            if (grpcCode(err) !== GRPC.ALREADY_EXISTS)
              throw upstreamError(err, "Cloud Monitoring", `registering ${i.service} with Service Monitoring`);
          });
      }
      const { id, slo } = buildSlo(ref, i);
      const [created] = await clients.slos
        .createServiceLevelObjective({ parent, serviceLevelObjectiveId: id, serviceLevelObjective: slo })
        .catch((err) => {
          if (grpcCode(err) === GRPC.ALREADY_EXISTS)
            throw new Conflict(`${i.service} already has the SLO "${slo.displayName}".`);
          throw upstreamError(err, "Cloud Monitoring", `creating an SLO of ${i.service}`);
        });
      return {
        data: { name: created.name ?? "" },
        message: `Created the SLO "${created.displayName}".`,
        details: { slo: created.name },
      };
    },
  };
}

export function deleteSloDefinition(
  deps: () => AlertingDeps = alertingDeps,
): ActionDefinition<typeof DeleteSloInput, null> {
  return {
    name: "alerting.delete-slo",
    role: "developer",
    input: DeleteSloInput,
    target: (i) => i.sloName,
    scope: ({ project }) => ({ project }),
    async run(_ctx, i) {
      await deps()
        .clients.slos.deleteServiceLevelObjective({ name: i.sloName })
        .catch((err) => {
          throw upstreamError(err, "Cloud Monitoring", `deleting ${i.sloName}`);
        });
      return { data: null, message: "SLO deleted." };
    },
  };
}
