// Trace context for routed requests, as Cloud Run's front end adds it:
// keep the caller's trace id (X-Cloud-Trace-Context or W3C traceparent),
// start a new span for this hop.
import { randomBytes } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

export type TraceContext = { traceId: string; spanId: string };

function header(headers: IncomingHttpHeaders, name: string): string {
  const v = headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? "";
}

export function traceFrom(headers: IncomingHttpHeaders): TraceContext {
  const spanId = randomBytes(8).toString("hex");
  const cloud = /^([0-9a-f]{32})(?:\/\d+)?(?:;o=\d)?$/i.exec(header(headers, "x-cloud-trace-context"));
  if (cloud) return { traceId: cloud[1].toLowerCase(), spanId };
  const w3c = /^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/i.exec(header(headers, "traceparent"));
  if (w3c) return { traceId: w3c[1].toLowerCase(), spanId };
  return { traceId: randomBytes(16).toString("hex"), spanId };
}

/** `TRACE_ID/SPAN_ID;o=1` with the span id in decimal, as Google sends it. */
export function cloudTraceHeader(t: TraceContext): string {
  return `${t.traceId}/${BigInt(`0x${t.spanId}`).toString(10)};o=1`;
}

export function traceparentHeader(t: TraceContext): string {
  return `00-${t.traceId}-${t.spanId}-01`;
}
