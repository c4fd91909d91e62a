// The fixed latency buckets every stored minute uses, so minutes merge by
// adding counts. Exponential like Cloud Run's request_latencies: bucket i
// (1..50) holds [1.25^(i-1), 1.25^i) ms; 0 is < 1 ms, 51 is ≥ 1.25^50 ≈ 70 s.
// Resolution is 25% of the value, which is what percentile asserts allow for.
export const GROWTH = 1.25;
export const SCALE = 1;
export const FINITE = 50;
export const BUCKETS = FINITE + 2;

export function bucketIndex(ms: number): number {
  if (ms < SCALE) return 0;
  const i = Math.floor(Math.log(ms / SCALE) / Math.log(GROWTH)) + 1;
  return Math.min(i, BUCKETS - 1);
}

/** [lower, upper) of bucket i in ms. */
export function bucketBounds(i: number): [number, number] {
  if (i === 0) return [0, SCALE];
  const lower = SCALE * GROWTH ** (i - 1);
  return [lower, i === BUCKETS - 1 ? lower : SCALE * GROWTH ** i];
}

/** Percentile (0–100) of a bucketed distribution, linear within the bucket holding rank p·count. */
export function percentile(
  buckets: number[],
  p: number,
  min?: number,
  max?: number,
  bounds: (i: number) => [number, number] = bucketBounds,
): number {
  const count = buckets.reduce((a, b) => a + b, 0);
  if (!count) return 0;
  const rank = (p / 100) * count;
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    const n = buckets[i];
    if (!n) continue;
    if (seen + n >= rank) {
      let [lo, hi] = bounds(i);
      if (min !== undefined) lo = Math.max(lo, Math.min(min, hi));
      if (max !== undefined) hi = Math.min(hi, Math.max(max, lo));
      return lo + ((rank - seen) / n) * (hi - lo);
    }
    seen += n;
  }
  return bounds(buckets.length - 1)[0];
}
