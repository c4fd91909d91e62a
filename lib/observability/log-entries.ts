// Log entries as the explorer shows them, from the raw LoggingServiceV2
// client (Struct payloads, Duration latencies, enum names).
import type { protos } from "@google-cloud/logging";

type Entry = protos.google.logging.v2.ILogEntry;
type Value = protos.google.protobuf.IValue;

export type LogLine = {
  id: string;
  timestamp: string;
  severity: string;
  service: string | null;
  revision: string | null;
  log: "requests" | "stdout" | "stderr" | "system" | "other";
  /** One line of text to show: the message, the text payload, or the request. */
  summary: string;
  request: { method: string; url: string; status: number; latencyMs: number | null; userAgent: string | null } | null;
  trace: string | null;
  /** The whole entry as plain JSON, for the expanded view. */
  entry: Record<string, unknown>;
};

/** A Struct Value as plain JS. The client decodes with defaults, so only the oneof's `kind` says which field is set. */
export function valueToJs(v: Value | null | undefined): unknown {
  if (!v) return null;
  switch ((v as { kind?: string }).kind) {
    case "structValue":
      return structToObject(v.structValue);
    case "listValue":
      return (v.listValue?.values ?? []).map(valueToJs);
    case "stringValue":
      return v.stringValue;
    case "numberValue":
      return v.numberValue;
    case "boolValue":
      return v.boolValue;
    default:
      return null;
  }
}

export function structToObject(s: protos.google.protobuf.IStruct | null | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(s?.fields ?? {}).map(([k, v]) => [k, valueToJs(v)]));
}

const durationMs = (d: protos.google.protobuf.IDuration | null | undefined) =>
  d ? Number(d.seconds ?? 0) * 1000 + Math.round(Number(d.nanos ?? 0) / 1e6) : null;

const timestamp = (t: protos.google.protobuf.ITimestamp | null | undefined) =>
  new Date(Number(t?.seconds ?? 0) * 1000 + Math.floor(Number(t?.nanos ?? 0) / 1e6)).toISOString();

function logKind(logName: string): LogLine["log"] {
  const id = decodeURIComponent(logName.slice(logName.indexOf("/logs/") + 6));
  if (id === "run.googleapis.com/requests") return "requests";
  if (id === "run.googleapis.com/stdout") return "stdout";
  if (id === "run.googleapis.com/stderr") return "stderr";
  if (id.startsWith("run.googleapis.com/varlog/system")) return "system";
  return "other";
}

export function toLogLine(e: Entry): LogLine {
  const json = e.jsonPayload ? structToObject(e.jsonPayload) : null;
  const http = e.httpRequest;
  const request = http?.requestMethod
    ? {
        method: http.requestMethod,
        url: http.requestUrl ?? "",
        status: Number(http.status ?? 0),
        latencyMs: durationMs(http.latency),
        userAgent: http.userAgent || null,
      }
    : null;
  const message = typeof json?.message === "string" ? json.message : null;
  const summary =
    message ??
    e.textPayload ??
    (request ? `${request.method} ${request.status} ${request.url}` : json ? JSON.stringify(json) : "");
  const labels = e.resource?.labels ?? {};
  return {
    id: e.insertId ?? `${timestamp(e.timestamp)}-${summary.slice(0, 20)}`,
    timestamp: timestamp(e.timestamp),
    severity: String(e.severity ?? "DEFAULT"),
    service: labels.service_name ?? null,
    revision: labels.revision_name ?? null,
    log: logKind(e.logName ?? ""),
    summary,
    request,
    trace: e.trace || null,
    entry: {
      logName: e.logName,
      timestamp: timestamp(e.timestamp),
      severity: e.severity,
      insertId: e.insertId,
      resource: e.resource,
      labels: e.labels,
      trace: e.trace,
      spanId: e.spanId,
      ...(request
        ? { httpRequest: { ...http, latency: request.latencyMs !== null ? `${request.latencyMs / 1000}s` : undefined } }
        : {}),
      ...(e.textPayload ? { textPayload: e.textPayload } : {}),
      ...(json ? { jsonPayload: json } : {}),
    },
  };
}
