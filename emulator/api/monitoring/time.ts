// google.protobuf Timestamp / Duration as the proto loader hands them over
// (seconds as a string, nanos as a number), to and from epoch milliseconds.
type Json = Record<string, unknown>;

export const ts = (ms: number) => ({
  seconds: String(Math.floor(ms / 1000)),
  nanos: (((ms % 1000) + 1000) % 1000) * 1e6,
});
export const tsMs = (t: Json | undefined) =>
  t && (t.seconds !== undefined || t.nanos !== undefined)
    ? Number(t.seconds ?? 0) * 1000 + Math.floor(Number(t.nanos ?? 0) / 1e6)
    : undefined;
export const durMs = (d: Json | undefined) =>
  d ? Number(d.seconds ?? 0) * 1000 + Math.floor(Number(d.nanos ?? 0) / 1e6) : 0;
