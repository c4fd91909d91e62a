// How much synthetic traffic each service gets in the demo history, so the
// cost views have honest shapes: different volumes per service, a daily
// cycle, latencies and memory use of their own. Seeded services are named;
// others (synthetic load-test services) get a profile from their name's hash.
export type Profile = {
  /** Requests per hour at the daily mean. */
  perHour: number;
  /** Typical latency in ms (log-normal spread around it). */
  latencyMs: number;
  /** Memory in use, as a fraction of the latest revision's limit. */
  memory: number;
  /** CPU busy while serving, as a fraction of the vCPU limit. */
  cpu: number;
};

export const PROFILES: Record<string, Profile> = {
  "intentvision-api": { perHour: 3000, latencyMs: 150, memory: 0.35, cpu: 0.5 },
  "intentvision-worker": { perHour: 120, latencyMs: 900, memory: 0.3, cpu: 0.6 },
  "pyplots-api": { perHour: 1200, latencyMs: 250, memory: 0.55, cpu: 0.4 },
  "pyplots-frontend": { perHour: 1500, latencyMs: 60, memory: 0.45, cpu: 0.3 },
  // Memory far below its limit: a right-sizing candidate.
  elevendops: { perHour: 700, latencyMs: 120, memory: 0.12, cpu: 0.35 },
  "shortfactory-backend": { perHour: 400, latencyMs: 600, memory: 0.5, cpu: 0.7 },
  // Its warm min instance idles most of the time.
  "shortfactory-frontend": { perHour: 12, latencyMs: 60, memory: 0.4, cpu: 0.2 },
  // Slow requests that wait on BigQuery (little CPU) at concurrency 10: more instances than needed.
  "ai-usage-analytics-pipeline": { perHour: 2400, latencyMs: 2500, memory: 0.4, cpu: 0.05 },
};

export function profileOf(service: string): Profile {
  const known = PROFILES[service];
  if (known) return known;
  let h = 0;
  for (const c of service) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return {
    perHour: 20 + (h % 300),
    latencyMs: 30 + (h % 120),
    memory: 0.15 + ((h >> 8) % 40) / 100,
    cpu: 0.2 + ((h >> 16) % 40) / 100,
  };
}

/** The daily cycle: quiet at night (UTC), busiest mid-afternoon; mean 1. */
export const dailyCycle = (hour: number) => 1 + 0.6 * Math.sin(((hour - 9) / 24) * 2 * Math.PI);
