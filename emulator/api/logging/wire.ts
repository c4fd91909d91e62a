// LogEntry between its JSON form (what we store and what filters address:
// RFC 3339 timestamps, plain-object jsonPayload, "1.5s" durations) and the
// proto-loader form on the wire ({seconds, nanos}, Struct, oneof names).
export type Json = Record<string, unknown>;

export function toValue(v: unknown): Json {
  if (v === null || v === undefined) return { nullValue: "NULL_VALUE" };
  if (typeof v === "number") return { numberValue: v };
  if (typeof v === "boolean") return { boolValue: v };
  if (typeof v === "string") return { stringValue: v };
  if (Array.isArray(v)) return { listValue: { values: v.map(toValue) } };
  return { structValue: toStruct(v as Json) };
}

export const toStruct = (o: Json): Json => ({
  fields: Object.fromEntries(Object.entries(o).map(([k, v]) => [k, toValue(v)])),
});

export function fromValue(v: Json): unknown {
  if ("numberValue" in v) return v.numberValue;
  if ("stringValue" in v) return v.stringValue;
  if ("boolValue" in v) return v.boolValue;
  if ("listValue" in v) return (((v.listValue as Json)?.values as Json[]) ?? []).map(fromValue);
  if ("structValue" in v) return fromStruct(v.structValue as Json);
  return null;
}

export const fromStruct = (s: Json | undefined): Json =>
  Object.fromEntries(Object.entries((s?.fields as Record<string, Json>) ?? {}).map(([k, v]) => [k, fromValue(v)]));

/** RFC 3339 (up to nanoseconds) → Timestamp. */
export function toTimestamp(iso: string): Json {
  const m = /\.(\d+)Z$/.exec(iso);
  const ms = Date.parse(iso);
  const nanos = m ? Number(m[1].padEnd(9, "0").slice(0, 9)) : 0;
  return { seconds: String(Math.floor(ms / 1000)), nanos };
}

export function fromTimestamp(t: Json | undefined): string | undefined {
  if (!t || (t.seconds === undefined && t.nanos === undefined)) return undefined;
  const seconds = Number(t.seconds ?? 0);
  const nanos = Number(t.nanos ?? 0);
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  return `${base}.${String(nanos).padStart(9, "0")}Z`;
}

function toDuration(s: string): Json {
  const secs = Number(s.replace(/s$/, ""));
  const whole = Math.floor(secs);
  return { seconds: String(whole), nanos: Math.round((secs - whole) * 1e9) };
}

const fromDuration = (d: Json) => `${Number(d.seconds ?? 0) + Number(d.nanos ?? 0) / 1e9}s`;

export function entryToProto(e: Json): Json {
  const out: Json = { ...e };
  // Written proto payloads keep only their type (the emulator cannot decode them).
  delete out.protoPayload;
  for (const k of ["timestamp", "receiveTimestamp"]) if (typeof e[k] === "string") out[k] = toTimestamp(e[k] as string);
  if (e.jsonPayload) out.jsonPayload = toStruct(e.jsonPayload as Json);
  if (e.httpRequest) {
    const h = { ...(e.httpRequest as Json) };
    if (typeof h.latency === "string") h.latency = toDuration(h.latency);
    out.httpRequest = h;
  }
  return out;
}

export function entryFromProto(p: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(p)) {
    if (k === "payload" || v === undefined || v === null || v === "") continue;
    if (Array.isArray(v) && !v.length) continue;
    if (typeof v === "object" && !Array.isArray(v) && !Buffer.isBuffer(v) && !Object.keys(v as object).length) continue;
    out[k] = v;
  }
  for (const k of ["timestamp", "receiveTimestamp"]) if (p[k]) out[k] = fromTimestamp(p[k] as Json);
  if (p.jsonPayload) out.jsonPayload = fromStruct(p.jsonPayload as Json);
  if (p.httpRequest) {
    const h = { ...(p.httpRequest as Json) };
    if (h.latency && typeof h.latency === "object") h.latency = fromDuration(h.latency as Json);
    out.httpRequest = h;
  }
  if (p.protoPayload)
    out.protoPayload = { "@type": String((p.protoPayload as Json).typeUrl ?? (p.protoPayload as Json).type_url ?? "") };
  return out;
}
