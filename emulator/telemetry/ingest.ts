// Turns the runtime's event stream into what Cloud Run would have written:
// LogEntries (request logs, container stdout/stderr, varlog/system) in their
// JSON form (google-apis.md §2.1) and per-minute request aggregates.
import { randomBytes } from "node:crypto";
import type { EventSource, LifecycleEvent, LogEvent, RequestEvent, RuntimeEvents } from "../runtime/events";
import { severityRank } from "../api/logging/filter";
import type { LogRow, TelemetryStore } from "./store";

export type Entry = Record<string, unknown>;

let counter = 0;
/** Unique and sortable within one timestamp, like Google's insert ids. */
export const newInsertId = () =>
  `${Date.now().toString(36)}${(counter++ % 1e6).toString(36).padStart(4, "0")}${randomBytes(3).toString("hex")}`;

export const logName = (project: string, id: string) => `projects/${project}/logs/${encodeURIComponent(id)}`;

function resource(e: EventSource) {
  return {
    type: "cloud_run_revision",
    labels: {
      project_id: e.project,
      service_name: e.service,
      revision_name: e.revision,
      location: e.region,
      configuration_name: e.service,
    },
  };
}

/** Lowercased text of every value, what bare-word search and ILIKE run over. */
export function searchText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "object")
    return Object.values(v as object)
      .map(searchText)
      .filter(Boolean)
      .join(" ");
  return String(v).toLowerCase();
}

export function toRow(entry: Entry, service: string, revision: string): LogRow {
  const name = String(entry.logName);
  return {
    project: name.split("/")[1],
    service,
    revision,
    logName: name,
    severity: Math.max(0, severityRank(String(entry.severity ?? "DEFAULT"))),
    ts: new Date(String(entry.timestamp)),
    insertId: String(entry.insertId),
    text: searchText(entry),
    entry,
  };
}

export function requestEntry(e: RequestEvent): Entry {
  const scheme = "http";
  return {
    logName: logName(e.project, "run.googleapis.com/requests"),
    resource: resource(e),
    timestamp: e.time.toISOString(),
    receiveTimestamp: new Date().toISOString(),
    severity: e.status >= 500 ? "ERROR" : e.status >= 400 ? "WARNING" : "INFO",
    insertId: newInsertId(),
    httpRequest: {
      requestMethod: e.method,
      requestUrl: `${scheme}://${e.host}${e.url}`,
      requestSize: String(e.requestBytes),
      status: e.status,
      responseSize: String(e.responseBytes),
      userAgent: e.userAgent,
      remoteIp: e.remoteIp,
      latency: `${(e.latencyMs / 1000).toFixed(9).replace(/\.?0+$/, "")}s`,
      protocol: "HTTP/1.1",
    },
    ...(e.instanceId ? { labels: { instanceId: e.instanceId } } : {}),
    trace: e.trace,
    spanId: e.spanId,
    traceSampled: true,
    ...(e.instanceId
      ? {}
      : {
          textPayload:
            e.status === 429
              ? "The request was aborted because there was no available instance."
              : "The request failed because no instance could serve it.",
        }),
  };
}

const LIFTED = "logging.googleapis.com/";

/** A container line: one JSON object → jsonPayload with the special keys lifted; else textPayload. */
export function containerEntry(e: LogEvent): Entry {
  const entry: Entry = {
    logName: logName(e.project, `run.googleapis.com/${e.stream}`),
    resource: resource(e),
    timestamp: e.time.toISOString(),
    receiveTimestamp: new Date().toISOString(),
    severity: "DEFAULT",
    insertId: newInsertId(),
    labels: { instanceId: e.instanceId },
  };
  let obj: unknown;
  try {
    obj = e.line.trimStart().startsWith("{") ? JSON.parse(e.line) : undefined;
  } catch {
    obj = undefined;
  }
  if (!obj || typeof obj !== "object" || Array.isArray(obj)) return { ...entry, textPayload: e.line };
  const payload = { ...(obj as Record<string, unknown>) };
  const take = (k: string) => {
    const v = payload[k];
    delete payload[k];
    return v;
  };
  const sev = take("severity");
  if (typeof sev === "string" && severityRank(sev) >= 0) entry.severity = sev.toUpperCase();
  const time = take("time") ?? take("timestamp");
  if (typeof time === "string" && !Number.isNaN(Date.parse(time))) entry.timestamp = new Date(time).toISOString();
  const http = take("httpRequest");
  if (http && typeof http === "object") entry.httpRequest = http;
  const trace = take(`${LIFTED}trace`);
  if (typeof trace === "string") entry.trace = trace;
  const span = take(`${LIFTED}spanId`);
  if (typeof span === "string") entry.spanId = span;
  const sampled = take(`${LIFTED}trace_sampled`);
  if (typeof sampled === "boolean") entry.traceSampled = sampled;
  const labels = take(`${LIFTED}labels`);
  if (labels && typeof labels === "object") entry.labels = { ...(labels as object), instanceId: e.instanceId };
  const insertId = take(`${LIFTED}insertId`);
  if (typeof insertId === "string") entry.insertId = insertId;
  const op = take(`${LIFTED}operation`);
  if (op && typeof op === "object") entry.operation = op;
  const loc = take(`${LIFTED}sourceLocation`);
  if (loc && typeof loc === "object") entry.sourceLocation = loc;
  return { ...entry, jsonPayload: payload };
}

const SYSTEM: Record<LifecycleEvent["kind"], string> = {
  starting: "INFO",
  ready: "INFO",
  "probe-failed": "ERROR",
  stopping: "INFO",
  stopped: "INFO",
  crashed: "ERROR",
};

export function systemEntry(e: LifecycleEvent): Entry {
  return {
    logName: logName(e.project, "run.googleapis.com/varlog/system"),
    resource: resource(e),
    timestamp: e.time.toISOString(),
    receiveTimestamp: new Date().toISOString(),
    severity: SYSTEM[e.kind],
    insertId: newInsertId(),
    labels: { instanceId: e.instanceId },
    textPayload: e.message || `Instance ${e.kind}`,
  };
}

/** Subscribes to the runtime; returns the unsubscribe function. */
export function ingest(events: RuntimeEvents, store: TelemetryStore): () => void {
  const onRequest = (e: RequestEvent) => {
    store.addLog(toRow(requestEntry(e), e.service, e.revision));
    store.instances.onRequest(e);
    store.addRequest(
      { project: e.project, region: e.region, service: e.service, revision: e.revision, code: e.status },
      e.time,
      e.latencyMs,
    );
  };
  const onLog = (e: LogEvent) => store.addLog(toRow(containerEntry(e), e.service, e.revision));
  const onLifecycle = (e: LifecycleEvent) => {
    store.instances.onLifecycle(e);
    store.addLog(toRow(systemEntry(e), e.service, e.revision));
  };
  events.on("request", onRequest);
  events.on("log", onLog);
  events.on("lifecycle", onLifecycle);
  return () => {
    events.off("request", onRequest);
    events.off("log", onLog);
    events.off("lifecycle", onLifecycle);
  };
}
