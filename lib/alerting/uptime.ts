// Uptime checks of a service (developer+): Cloud Monitoring probes a path of
// the Cloud Run service from several regions on a period, with a timeout. The
// service page shows each check's latest result and latency per region, read
// from uptime_check/check_passed and request_latency.
import "server-only";
import type { protos } from "@google-cloud/monitoring";
import { z } from "zod";
import type { ActionDefinition } from "../actions";
import { alertingClients, type AlertingClients } from "../gcp/clients";
import { upstreamError } from "../gcp/errors";
import type { ServiceRef } from "../services/names";
import { ServiceRefInput } from "../services/schemas";
import { alertingDeps, type AlertingDeps } from "./channels";
import { inProject } from "./schemas";
import { LABEL } from "./templates";

type Check = protos.google.monitoring.v3.IUptimeCheckConfig;
type TimeSeries = protos.google.monitoring.v3.ITimeSeries;

export const UPTIME_REGIONS = ["USA", "EUROPE", "SOUTH_AMERICA", "ASIA_PACIFIC"] as const;
export const UPTIME_PERIODS = [60, 300, 600, 900] as const;

const list = (v: unknown) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v]);

export const CreateUptimeCheckInput = ServiceRefInput.extend({
  path: z
    .string()
    .trim()
    .regex(/^\/[\w\-./~%!$&'()*+,;=:@?]{0,200}$/, "A path starting with /, e.g. /health."),
  periodSeconds: z.coerce
    .number()
    .refine((p) => (UPTIME_PERIODS as readonly number[]).includes(p), "Every 1, 5, 10 or 15 minutes."),
  timeoutSeconds: z.coerce
    .number({ error: "Give a timeout in seconds." })
    .int("Whole seconds.")
    .min(1, "1 to 60 seconds.")
    .max(60, "1 to 60 seconds."),
  regions: z.preprocess(
    list,
    z
      .array(z.enum(UPTIME_REGIONS, "Not a checker region."))
      .refine((r) => r.length === 0 || r.length >= 3, "Choose at least three regions, or none for all."),
  ),
});
export const DeleteUptimeCheckInput = z
  .object({ project: ServiceRefInput.shape.project, checkName: z.string().max(300) })
  .refine((v) => inProject("uptimeCheckConfigs")(v.checkName, v.project), {
    path: ["checkName"],
    message: "Not an uptime check of this project.",
  });

export type UptimeResult = { region: string; passed: boolean; latencyMs: number | null; at: string };
export type UptimeCheckView = {
  name: string;
  id: string;
  displayName: string;
  path: string;
  periodSeconds: number;
  timeoutSeconds: number;
  regions: string[];
  /** The latest result per checker location; empty until the first probe. */
  results: UptimeResult[];
};

const idOf = (name: string) => name.slice(name.lastIndexOf("/") + 1);

function watches(c: Check, ref: ServiceRef): boolean {
  const labels = c.monitoredResource?.labels ?? {};
  if (c.monitoredResource?.type === "cloud_run_revision")
    return labels.service_name === ref.service && labels.location === ref.region;
  return c.userLabels?.[LABEL.service] === ref.service;
}

/** Newest point per checker location, from a FULL ListTimeSeries answer. */
function latestByLocation(series: TimeSeries[]): Map<string, { value: number | boolean; at: number }> {
  const out = new Map<string, { value: number | boolean; at: number }>();
  for (const s of series) {
    const location = s.metric?.labels?.checker_location ?? s.resource?.labels?.zone ?? "?";
    for (const p of s.points ?? []) {
      const at = Number(p.interval?.endTime?.seconds ?? 0) * 1000;
      const v = p.value;
      const value = v?.boolValue ?? Number(v?.doubleValue ?? v?.int64Value ?? 0);
      if (!out.has(location) || out.get(location)!.at < at) out.set(location, { value, at });
    }
  }
  return out;
}

async function results(clients: AlertingClients, project: string, check: Check): Promise<UptimeResult[]> {
  const end = Math.floor(Date.now() / 1000);
  // Two periods back (at least 10 minutes) holds each region's latest probe.
  const window = Math.max(600, 2 * Number(check.period?.seconds ?? 60));
  const base = {
    name: `projects/${project}`,
    interval: { startTime: { seconds: end - window }, endTime: { seconds: end } },
    view: "FULL" as const,
  };
  const metric = (m: string) =>
    `metric.type="monitoring.googleapis.com/uptime_check/${m}" AND metric.labels.check_id="${idOf(check.name ?? "")}"`;
  const [[passed], [latency]] = await Promise.all([
    clients.metrics.listTimeSeries({ ...base, filter: metric("check_passed") }, { timeout: 15_000 }),
    clients.metrics.listTimeSeries({ ...base, filter: metric("request_latency") }, { timeout: 15_000 }),
  ]);
  const latencies = latestByLocation(latency);
  return [...latestByLocation(passed).entries()]
    .map(([region, r]) => ({
      region,
      passed: r.value === true || r.value === 1,
      latencyMs: latencies.has(region) ? Number(latencies.get(region)!.value) : null,
      at: new Date(r.at).toISOString(),
    }))
    .sort((a, b) => a.region.localeCompare(b.region));
}

/** The checks that probe this service, with their latest results (a failed results read leaves them empty). */
async function watchingChecks(ref: ServiceRef, clients: AlertingClients): Promise<Check[]> {
  const [checks] = await clients.uptime
    .listUptimeCheckConfigs({ parent: `projects/${ref.project}` }, { timeout: 15_000 })
    .catch((err) => {
      throw upstreamError(err, "Cloud Monitoring", `listing the uptime checks of ${ref.project}`);
    });
  return checks.filter((c) => watches(c, ref));
}

/** The ids of the uptime checks that probe one service, without their results. */
export async function serviceUptimeCheckIds(ref: ServiceRef, clients = alertingClients()): Promise<string[]> {
  return (await watchingChecks(ref, clients)).map((c) => idOf(c.name ?? ""));
}

export async function serviceUptimeChecks(ref: ServiceRef, clients = alertingClients()): Promise<UptimeCheckView[]> {
  const mine = await watchingChecks(ref, clients);
  return Promise.all(
    mine.map(async (c) => ({
      name: c.name ?? "",
      id: idOf(c.name ?? ""),
      displayName: c.displayName ?? "",
      path: c.httpCheck?.path ?? (c.tcpCheck ? `tcp:${c.tcpCheck.port}` : "/"),
      periodSeconds: Number(c.period?.seconds ?? 60),
      timeoutSeconds: Number(c.timeout?.seconds ?? 10),
      regions: (c.selectedRegions ?? []).map(String),
      results: await results(clients, ref.project, c).catch(() => []),
    })),
  );
}

export function createUptimeCheckDefinition(
  deps: () => AlertingDeps = alertingDeps,
): ActionDefinition<typeof CreateUptimeCheckInput, { name: string }> {
  return {
    name: "alerting.create-uptime-check",
    role: "developer",
    input: CreateUptimeCheckInput,
    target: (i) => `projects/${i.project}/locations/${i.region}/services/${i.service}`,
    scope: ({ project, region, service }) => ({ project, region, service }),
    async run(_ctx, i) {
      const { clients } = deps();
      const [created] = await clients.uptime
        .createUptimeCheckConfig({
          parent: `projects/${i.project}`,
          uptimeCheckConfig: {
            displayName: `${i.service} ${i.path}`,
            monitoredResource: {
              type: "cloud_run_revision",
              labels: { project_id: i.project, service_name: i.service, location: i.region },
            },
            httpCheck: { path: i.path, requestMethod: "GET" },
            period: { seconds: i.periodSeconds },
            timeout: { seconds: i.timeoutSeconds },
            selectedRegions: i.regions as unknown as protos.google.monitoring.v3.UptimeCheckRegion[],
            userLabels: { [LABEL.service]: i.service, [LABEL.region]: i.region },
          },
        })
        .catch((err) => {
          throw upstreamError(err, "Cloud Monitoring", `creating an uptime check of ${i.service}`);
        });
      return {
        data: { name: created.name ?? "" },
        message: `Checking ${i.path} every ${i.periodSeconds / 60} min.`,
        details: { check: created.name },
      };
    },
  };
}

export function deleteUptimeCheckDefinition(
  deps: () => AlertingDeps = alertingDeps,
): ActionDefinition<typeof DeleteUptimeCheckInput, null> {
  return {
    name: "alerting.delete-uptime-check",
    role: "developer",
    input: DeleteUptimeCheckInput,
    target: (i) => i.checkName,
    scope: ({ project }) => ({ project }),
    async run(_ctx, i) {
      await deps()
        .clients.uptime.deleteUptimeCheckConfig({ name: i.checkName })
        .catch((err) => {
          throw upstreamError(err, "Cloud Monitoring", `deleting ${i.checkName}`);
        });
      return { data: null, message: "Uptime check deleted." };
    },
  };
}
