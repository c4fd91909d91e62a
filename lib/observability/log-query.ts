// The log explorer's filters as a Cloud Logging query: the same string is sent
// to ListLogEntries / TailLogEntries and shown to the person for copy-paste
// into Google's Logs Explorer.
import { z } from "zod";

export const SEVERITIES = [
  "DEFAULT",
  "DEBUG",
  "INFO",
  "NOTICE",
  "WARNING",
  "ERROR",
  "CRITICAL",
  "ALERT",
  "EMERGENCY",
] as const;
export const RANGES = { "1h": 3_600_000, "6h": 21_600_000, "1d": 86_400_000, "7d": 604_800_000 } as const;

const name = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/);
const blankToUndefined = (v: unknown) => (v === "" || v === null ? undefined : v);
/** Accepts RFC 3339, or a datetime-local form value (no zone), read as UTC. */
const instant = z.preprocess(
  (v) => (typeof v === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(v) ? `${v}:00Z` : blankToUndefined(v)),
  z.iso.datetime({ offset: true }).optional(),
);

export const LogQuery = z
  .object({
    project: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/),
    service: z.preprocess(blankToUndefined, name.optional()),
    revision: z.preprocess(blankToUndefined, name.optional()),
    /** A Cloud Run job instead of a service: its executions' logs (resource cloud_run_job). */
    job: z.preprocess(blankToUndefined, name.optional()),
    execution: z.preprocess(blankToUndefined, name.optional()),
    /** Show entries at this severity or above. */
    severity: z.preprocess(blankToUndefined, z.enum(SEVERITIES).optional()),
    /** Words to find anywhere in an entry (Cloud Logging's global search). */
    text: z.preprocess(blankToUndefined, z.string().trim().max(200).optional()),
    /** requests: the request log only; app: what containers printed; all: everything. */
    kind: z.enum(["all", "requests", "app"]).default("all"),
    range: z.enum(["1h", "6h", "1d", "7d", "custom"]).default("1h"),
    from: instant,
    to: instant,
  })
  .refine((q) => q.range !== "custom" || Boolean(q.from), { path: ["from"], message: "A custom range needs a start." })
  .refine((q) => !q.from || !q.to || q.from < q.to, { path: ["to"], message: "The end must come after the start." });
export type LogQuery = z.infer<typeof LogQuery>;

/** A double-quoted Logging query string literal. */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

export function timeWindow(q: LogQuery, now = new Date()): { from: Date; to: Date | null } {
  if (q.range === "custom") return { from: new Date(q.from!), to: q.to ? new Date(q.to) : null };
  return { from: new Date(now.getTime() - RANGES[q.range]), to: null };
}

const LOG_IDS = {
  requests: ["run.googleapis.com%2Frequests"],
  app: ["run.googleapis.com%2Fstdout", "run.googleapis.com%2Fstderr"],
};

/** One comparison a line: Logging ANDs adjacent lines, and people read it easily. */
export function buildLogFilter(q: LogQuery, now = new Date()): string {
  const { from, to } = timeWindow(q, now);
  if (q.job) return jobFilter(q, from, to);
  const lines = ['resource.type="cloud_run_revision"'];
  if (q.service) lines.push(`resource.labels.service_name=${quote(q.service)}`);
  if (q.revision) lines.push(`resource.labels.revision_name=${quote(q.revision)}`);
  if (q.kind !== "all") {
    const names = LOG_IDS[q.kind].map((id) => `logName=${quote(`projects/${q.project}/logs/${id}`)}`);
    lines.push(names.length === 1 ? names[0] : `(${names.join(" OR ")})`);
  }
  if (q.severity && q.severity !== "DEFAULT") lines.push(`severity>=${q.severity}`);
  lines.push(`timestamp>=${quote(from.toISOString())}`);
  if (to) lines.push(`timestamp<=${quote(to.toISOString())}`);
  if (q.text) lines.push(quote(q.text));
  return lines.join("\n");
}

/** A Cloud Run job's logs, one execution's when given (the execution name is a label on each entry). */
function jobFilter(q: LogQuery, from: Date, to: Date | null): string {
  const lines = ['resource.type="cloud_run_job"', `resource.labels.job_name=${quote(q.job!)}`];
  if (q.execution) lines.push(`labels."run.googleapis.com/execution_name"=${quote(q.execution)}`);
  if (q.severity && q.severity !== "DEFAULT") lines.push(`severity>=${q.severity}`);
  lines.push(`timestamp>=${quote(from.toISOString())}`);
  if (to) lines.push(`timestamp<=${quote(to.toISOString())}`);
  if (q.text) lines.push(quote(q.text));
  return lines.join("\n");
}
