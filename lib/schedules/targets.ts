// Targets from the plans (AI analytics: a run under 10 minutes, data no older
// than 24 hours), kept per schedule in Postgres, and whether a schedule's
// history breaches them. The check is pure; reads and writes are below it.
import type { HistorySummary } from "./history";

export type ScheduleTargets = { maxDurationSeconds: number | null; maxFreshnessHours: number | null };
export type Breach = { kind: "duration" | "freshness"; message: string };

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Duration: the last successful run took longer than the target. Freshness: no success within the target (or at all in the window). */
export function targetBreaches(summary: HistorySummary, targets: ScheduleTargets, now: Date): Breach[] {
  const out: Breach[] = [];
  if (
    targets.maxDurationSeconds !== null &&
    summary.duration &&
    summary.duration.last > targets.maxDurationSeconds * 1000
  ) {
    out.push({
      kind: "duration",
      message: `The last successful run took ${formatDuration(summary.duration.last)}; the target is under ${formatDuration(targets.maxDurationSeconds * 1000)}.`,
    });
  }
  if (targets.maxFreshnessHours !== null) {
    const limit = targets.maxFreshnessHours * 3_600_000;
    if (!summary.lastSuccessAt)
      out.push({
        kind: "freshness",
        message: `No successful run in the history; the target is a success within ${targets.maxFreshnessHours} h.`,
      });
    else if (now.getTime() - summary.lastSuccessAt.getTime() > limit) {
      out.push({
        kind: "freshness",
        message: `The last success was ${formatDuration(now.getTime() - summary.lastSuccessAt.getTime())} ago; the target is within ${targets.maxFreshnessHours} h.`,
      });
    }
  }
  return out;
}

/** Runs of the history whose successful attempt took longer than the duration target. */
export function runsOverDuration(summary: HistorySummary, targets: ScheduleTargets): number {
  if (targets.maxDurationSeconds === null) return 0;
  return summary.attempts.filter((a) => a.ok && a.durationMs! > targets.maxDurationSeconds! * 1000).length;
}
