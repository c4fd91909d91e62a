// Custom metric descriptors (custom.googleapis.com/, external.googleapis.com/,
// workload.googleapis.com/): created, read and deleted per project, with
// Google's validation, or auto-created by the first CreateTimeSeries write.
// Built-in Cloud Run metrics come from metrics.ts and cannot be changed.
import type { Db, Queryable } from "../../db";
import { ensureSchema } from "../../db";
import { invalid, notFound } from "../../grpc/errors";
import type { Kind, ValueType } from "./aggregate";
import { METRICS } from "./metrics";

type Json = Record<string, unknown>;
export type Label = { key: string; valueType: string; description: string };
export type Descriptor = {
  name: string;
  type: string;
  labels: Label[];
  metricKind: Kind;
  valueType: ValueType;
  unit: string;
  description: string;
  displayName: string;
  monitoredResourceTypes: string[];
  launchStage?: string;
};

const SCHEMA = [
  // auto: created by a CreateTimeSeries write, so a later write may add labels to it.
  `CREATE TABLE IF NOT EXISTS emu_metric_descriptors (
     project text NOT NULL, type text NOT NULL, auto boolean NOT NULL, descriptor jsonb NOT NULL,
     PRIMARY KEY (project, type))`,
  `CREATE TABLE IF NOT EXISTS emu_custom_points (
     project text NOT NULL, type text NOT NULL, series text NOT NULL, resource_type text NOT NULL,
     metric_labels jsonb NOT NULL, resource_labels jsonb NOT NULL, start_time timestamptz NOT NULL,
     end_time timestamptz NOT NULL, value jsonb NOT NULL, PRIMARY KEY (project, type, series, end_time))`,
  `CREATE INDEX IF NOT EXISTS emu_custom_points_read ON emu_custom_points (project, type, end_time)`,
];

export const ensureDescriptorSchema = (db: Db) => ensureSchema(db, SCHEMA);

const CUSTOM = /^(custom|external|workload)\.googleapis\.com\/[A-Za-z0-9_./-]+$/;
export const isCustomType = (type: string) => CUSTOM.test(type);
const KINDS = ["GAUGE", "CUMULATIVE"];
const VALUE_TYPES = ["BOOL", "INT64", "DOUBLE", "STRING", "DISTRIBUTION"];

export function builtinDescriptor(project: string, type: string): Descriptor {
  const d = METRICS[type];
  return {
    name: `projects/${project}/metricDescriptors/${type}`,
    type,
    metricKind: d.kind,
    valueType: d.type,
    unit: d.unit,
    description: d.description,
    displayName: type.split("/").pop()!,
    labels: d.labels.map((key) => ({ key, valueType: "STRING", description: "" })),
    monitoredResourceTypes: [d.source === "jobs" ? "cloud_run_job" : "cloud_run_revision"],
    launchStage: "GA",
  };
}

/** Validates a custom metric type as Google does; the message names the field. */
export function checkCustomType(type: string, field: string): void {
  if (!type) throw invalid(`${field} is required`);
  if (type.length > 200) throw invalid(`${field}: the metric type "${type}" is longer than 200 characters`);
  if (!isCustomType(type)) {
    throw invalid(
      `${field}: the metric type "${type}" cannot be written; custom metric types start with "custom.googleapis.com/", "external.googleapis.com/" or "workload.googleapis.com/"`,
    );
  }
}

function checkLabels(labels: Json[]): Label[] {
  if (labels.length > 30) throw invalid(`metric_descriptor.labels: at most 30 labels, got ${labels.length}`);
  const seen = new Set<string>();
  return labels.map((l, i) => {
    const key = String(l.key ?? "");
    if (!/^[a-z][a-z0-9_]{0,99}$/.test(key))
      throw invalid(
        `metric_descriptor.labels[${i}].key "${key}" must start with a lowercase letter and contain only lowercase letters, digits and underscores (at most 100)`,
      );
    if (seen.has(key)) throw invalid(`metric_descriptor.labels[${i}].key "${key}" is repeated`);
    seen.add(key);
    const valueType = String(l.valueType ?? "STRING");
    if (!["STRING", "BOOL", "INT64"].includes(valueType))
      throw invalid(`metric_descriptor.labels[${i}].value_type must be STRING, BOOL or INT64`);
    return { key, valueType, description: String(l.description ?? "") };
  });
}

/** Google's supported custom combinations: GAUGE of any value type, CUMULATIVE of numbers or distributions. */
export function checkKindAndType(kind: string, valueType: string, field: string): void {
  if (!KINDS.includes(kind))
    throw invalid(
      `${field}.metric_kind must be GAUGE or CUMULATIVE for a custom metric, got ${kind || "METRIC_KIND_UNSPECIFIED"}`,
    );
  if (!VALUE_TYPES.includes(valueType))
    throw invalid(
      `${field}.value_type must be one of ${VALUE_TYPES.join(", ")}, got ${valueType || "VALUE_TYPE_UNSPECIFIED"}`,
    );
  if (kind === "CUMULATIVE" && (valueType === "BOOL" || valueType === "STRING"))
    throw invalid(`${field}: a CUMULATIVE metric cannot have value type ${valueType}`);
}

export function projectOf(name: unknown): string {
  const project = /^projects\/([^/]+)$/.exec(String(name ?? ""))?.[1];
  if (!project) throw invalid(`name: expected projects/{project}, got "${name ?? ""}"`);
  return project;
}

export function descriptorName(name: unknown): { project: string; type: string } {
  const m = /^projects\/([^/]+)\/metricDescriptors\/(.+)$/.exec(String(name ?? ""));
  if (!m) throw invalid(`name: expected projects/{project}/metricDescriptors/{metric_type}, got "${name ?? ""}"`);
  return { project: m[1], type: m[2] };
}

export async function readDescriptor(
  db: Queryable,
  project: string,
  type: string,
): Promise<(Descriptor & { auto: boolean }) | undefined> {
  const { rows } = await db.query<{ descriptor: Descriptor; auto: boolean }>(
    "SELECT descriptor, auto FROM emu_metric_descriptors WHERE project = $1 AND type = $2",
    [project, type],
  );
  return rows[0] && { ...rows[0].descriptor, auto: rows[0].auto };
}

export async function listCustomDescriptors(db: Db, project: string): Promise<Descriptor[]> {
  const { rows } = await db.query<{ descriptor: Descriptor }>(
    "SELECT descriptor FROM emu_metric_descriptors WHERE project = $1 ORDER BY type",
    [project],
  );
  return rows.map((r) => r.descriptor);
}

export async function createDescriptor(db: Db, project: string, input: Json): Promise<Descriptor> {
  const type = String(input.type ?? "");
  checkCustomType(type, "metric_descriptor.type");
  const metricKind = String(input.metricKind ?? "");
  const valueType = String(input.valueType ?? "");
  checkKindAndType(metricKind, valueType, "metric_descriptor");
  const d: Descriptor = {
    name: `projects/${project}/metricDescriptors/${type}`,
    type,
    labels: checkLabels((input.labels as Json[]) ?? []),
    metricKind: metricKind as Kind,
    valueType: valueType as ValueType,
    unit: String(input.unit ?? ""),
    description: String(input.description ?? ""),
    displayName: String(input.displayName ?? ""),
    monitoredResourceTypes: (input.monitoredResourceTypes as string[]) ?? [],
    ...(input.launchStage && input.launchStage !== "LAUNCH_STAGE_UNSPECIFIED"
      ? { launchStage: String(input.launchStage) }
      : {}),
  };
  // Re-creating is an update (labels, unit, wording); kind and value type are fixed once data may exist.
  const old = await readDescriptor(db, project, type);
  if (old && (old.metricKind !== d.metricKind || old.valueType !== d.valueType)) {
    throw invalid(
      `metric_descriptor: "${type}" exists as ${old.metricKind} ${old.valueType}; its kind and value type cannot change (delete it first)`,
    );
  }
  await db.query(
    `INSERT INTO emu_metric_descriptors (project, type, auto, descriptor) VALUES ($1, $2, false, $3)
     ON CONFLICT (project, type) DO UPDATE SET auto = false, descriptor = excluded.descriptor`,
    [project, type, JSON.stringify(d)],
  );
  return d;
}

export async function deleteDescriptor(db: Db, project: string, type: string): Promise<void> {
  if (METRICS[type]) throw invalid(`The metric descriptor "${type}" is built in and cannot be deleted`);
  const { rowCount } = await db.query("DELETE FROM emu_metric_descriptors WHERE project = $1 AND type = $2", [
    project,
    type,
  ]);
  if (!rowCount) throw notFound(`Could not find descriptor for metric '${type}'.`);
  // The metric's data goes with it, as on Google.
  await db.query("DELETE FROM emu_custom_points WHERE project = $1 AND type = $2", [project, type]);
}

/** A descriptor as the first write of a custom metric creates it (GAUGE unless the series says). */
export async function autoCreate(
  db: Queryable,
  project: string,
  type: string,
  kind: Kind,
  valueType: string,
  unit: string,
  labelKeys: string[],
): Promise<Descriptor> {
  const d: Descriptor = {
    name: `projects/${project}/metricDescriptors/${type}`,
    type,
    metricKind: kind,
    valueType: valueType as ValueType,
    unit,
    description: "",
    displayName: "",
    labels: labelKeys.sort().map((key) => ({ key, valueType: "STRING", description: "" })),
    monitoredResourceTypes: [],
  };
  await db.query(
    "INSERT INTO emu_metric_descriptors (project, type, auto, descriptor) VALUES ($1, $2, true, $3) ON CONFLICT DO NOTHING",
    [project, type, JSON.stringify(d)],
  );
  return (await readDescriptor(db, project, type))!;
}

/** An auto-created descriptor learns the labels later writes bring. */
export async function addLabels(db: Queryable, project: string, d: Descriptor, keys: string[]): Promise<void> {
  const labels = [...d.labels, ...keys.map((key) => ({ key, valueType: "STRING", description: "" }))];
  await db.query(
    "UPDATE emu_metric_descriptors SET descriptor = jsonb_set(descriptor, '{labels}', $3) WHERE project = $1 AND type = $2",
    [project, d.type, JSON.stringify(labels)],
  );
  d.labels = labels;
}
