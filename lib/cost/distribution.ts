// A percentile of a Monitoring Distribution as the API returns it (bucket
// counts and exponential or linear bucket options), linear within the bucket
// that holds the rank, clamped to the distribution's range. Pure.
export type WireDistribution = {
  count?: string | number | null;
  mean?: number | null;
  range?: { min?: number | null; max?: number | null } | null;
  bucketOptions?: {
    exponentialBuckets?: {
      numFiniteBuckets?: number | null;
      growthFactor?: number | null;
      scale?: number | null;
    } | null;
    linearBuckets?: { numFiniteBuckets?: number | null; width?: number | null; offset?: number | null } | null;
  } | null;
  bucketCounts?: (string | number | null)[] | null;
};

/** [lower, upper) of bucket i (0 = underflow, n + 1 = overflow). */
function bounds(d: WireDistribution, i: number): [number, number] {
  const exp = d.bucketOptions?.exponentialBuckets;
  if (exp) {
    const n = Number(exp.numFiniteBuckets ?? 0),
      g = Number(exp.growthFactor ?? 2),
      s = Number(exp.scale ?? 1);
    if (i === 0) return [0, s];
    const lower = s * g ** (i - 1);
    return [lower, i > n ? lower : s * g ** i];
  }
  const lin = d.bucketOptions?.linearBuckets;
  const n = Number(lin?.numFiniteBuckets ?? 0),
    w = Number(lin?.width ?? 1),
    o = Number(lin?.offset ?? 0);
  if (i === 0) return [o, o];
  if (i > n) return [o + n * w, o + n * w];
  return [o + (i - 1) * w, o + i * w];
}

export function distributionPercentile(d: WireDistribution, p: number): number | null {
  const counts = (d.bucketCounts ?? []).map(Number);
  const total = counts.reduce((a, b) => a + b, 0);
  if (!total) return null;
  const rank = (p / 100) * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    if (!counts[i]) continue;
    if (seen + counts[i] >= rank) {
      let [lo, hi] = bounds(d, i);
      if (d.range?.min != null) lo = Math.max(lo, Math.min(d.range.min, hi));
      if (d.range?.max != null) hi = Math.min(hi, Math.max(d.range.max, lo));
      return lo + ((rank - seen) / counts[i]) * (hi - lo);
    }
    seen += counts[i];
  }
  return bounds(d, counts.length - 1)[0];
}
