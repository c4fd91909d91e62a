// Trace context for routed requests, as Cloud Run's front end adds it:
// keep the caller's trace id (X-Cloud-Trace-Context or W3C traceparent),
// start a new span for this hop.
import { randomFillSync } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

export type TraceContext = { traceId: string; spanId: string };

// Ids come from a pool of crypto random bytes refilled 4 KiB at a time: one
// randomBytes call per id showed in the router's profile (3 % of its time).
const pool = Buffer.alloc(4096);
let used = pool.length;

/** `bytes` fresh random bytes as lowercase hex. */
export function randomHex(bytes: number): string {
  if (used + bytes > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const hex = pool.toString("hex", used, used + bytes);
  used += bytes;
  return hex;
}

function header(headers: IncomingHttpHeaders, name: string): string {
  const v = headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? "";
}

const CLOUD = /^([0-9a-f]{32})(?:\/\d+)?(?:;o=\d)?$/i;
const W3C = /^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/i;

export function traceFrom(headers: IncomingHttpHeaders): TraceContext {
  const spanId = randomHex(8);
  const cloudValue = header(headers, "x-cloud-trace-context");
  const cloud = cloudValue ? CLOUD.exec(cloudValue) : null;
  if (cloud) return { traceId: cloud[1].toLowerCase(), spanId };
  const w3cValue = header(headers, "traceparent");
  const w3c = w3cValue ? W3C.exec(w3cValue) : null;
  if (w3c) return { traceId: w3c[1].toLowerCase(), spanId };
  return { traceId: randomHex(16), spanId };
}

/** `TRACE_ID/SPAN_ID;o=1` with the span id in decimal, as Google sends it. */
export function cloudTraceHeader(t: TraceContext): string {
  return `${t.traceId}/${BigInt(`0x${t.spanId}`).toString(10)};o=1`;
}

export function traceparentHeader(t: TraceContext): string {
  return `00-${t.traceId}-${t.spanId}-01`;
}
