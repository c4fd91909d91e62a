// The uptime check metrics the prober writes: descriptors (served by
// Get/ListMetricDescriptors and read by ListTimeSeries) and the write of one
// probe's points into emu_custom_points, the store custom metrics use.
import type { Db } from "../../../db";
import type { Descriptor } from "../descriptors";

export const UPTIME_METRICS: Record<string, { valueType: "BOOL" | "DOUBLE"; unit: string; description: string }> = {
  "monitoring.googleapis.com/uptime_check/check_passed": {
    valueType: "BOOL",
    unit: "",
    description: "Whether the resource passed the check.",
  },
  "monitoring.googleapis.com/uptime_check/request_latency": {
    valueType: "DOUBLE",
    unit: "ms",
    description: "Request latency in milliseconds measured by the uptime check.",
  },
};

export function uptimeDescriptor(project: string, type: string): Descriptor {
  const d = UPTIME_METRICS[type];
  return {
    name: `projects/${project}/metricDescriptors/${type}`,
    type,
    metricKind: "GAUGE",
    valueType: d.valueType,
    unit: d.unit,
    description: d.description,
    displayName: type.endsWith("check_passed") ? "Check passed" : "Request latency",
    launchStage: "GA",
    labels: [
      { key: "check_id", valueType: "STRING", description: "The ID of the uptime check." },
      { key: "checker_location", valueType: "STRING", description: "The location of the checker." },
    ],
    monitoredResourceTypes: ["uptime_url", "cloud_run_revision"],
  };
}

const sorted = (o: Record<string, string>) =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

export type ProbeResult = { location: string; passed: boolean; latencyMs: number };

/** Writes check_passed and request_latency for each checker location of one probe round. */
export async function writeProbe(
  db: Db,
  project: string,
  checkId: string,
  resource: { type: string; labels: Record<string, string> },
  results: ProbeResult[],
  atMs: number,
): Promise<void> {
  const rows: unknown[][] = [];
  for (const r of results) {
    const metric = { check_id: checkId, checker_location: r.location };
    const series = JSON.stringify([resource.type, sorted(resource.labels), sorted(metric)]);
    rows.push([
      "monitoring.googleapis.com/uptime_check/check_passed",
      series,
      JSON.stringify(metric),
      { boolValue: r.passed },
    ]);
    rows.push([
      "monitoring.googleapis.com/uptime_check/request_latency",
      series,
      JSON.stringify(metric),
      { doubleValue: r.latencyMs },
    ]);
  }
  for (const [type, series, metric, value] of rows) {
    await db.query(
      `INSERT INTO emu_custom_points (project, type, series, resource_type, metric_labels, resource_labels, start_time, end_time, value)
       VALUES ($1, $2, $3, $4, $5, $6, to_timestamp($7 / 1000.0), to_timestamp($7 / 1000.0), $8) ON CONFLICT DO NOTHING`,
      [project, type, series, resource.type, metric, JSON.stringify(resource.labels), atMs, JSON.stringify(value)],
    );
  }
}
