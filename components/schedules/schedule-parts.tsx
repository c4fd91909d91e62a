// Small server-rendered pieces shared by the schedule and job pages.
import { Badge, type Tone } from "@/components/ui/badge";
import { formatDuration, type Breach, type HistorySummary } from "@/lib/schedules";
import type { RunState } from "@/lib/run-jobs";

const STATE_TONES: Record<string, Tone> = {
  ENABLED: "green",
  PAUSED: "amber",
  DISABLED: "neutral",
  UPDATE_FAILED: "red",
};
const RUN_TONES: Record<RunState, Tone> = {
  pending: "neutral",
  running: "amber",
  succeeded: "green",
  failed: "red",
  cancelled: "neutral",
};

export function ScheduleStateBadge({ state }: { state: string }) {
  return <Badge tone={STATE_TONES[state] ?? "neutral"}>{state.toLowerCase().replace("_", " ")}</Badge>;
}

export function RunStateBadge({ state }: { state: RunState }) {
  return <Badge tone={RUN_TONES[state]}>{state}</Badge>;
}

export function AttemptBadge({ ok }: { ok: boolean | null }) {
  return ok === null ? (
    <Badge tone="amber">running</Badge>
  ) : ok ? (
    <Badge tone="green">succeeded</Badge>
  ) : (
    <Badge tone="red">failed</Badge>
  );
}

/** "96 % of 30 runs" with the median duration; a dash without history. */
export function SuccessRate({ history }: { history: HistorySummary | null }) {
  if (!history) return <span className="text-xs text-zinc-500 dark:text-zinc-400">unknown</span>;
  const runs = history.runs.succeeded + history.runs.failed;
  if (history.successRate === null) return <span className="text-xs text-zinc-500 dark:text-zinc-400">no runs</span>;
  const pct = Math.round(history.successRate * 1000) / 10;
  return (
    <span className="text-xs">
      <span className={pct < 100 ? "font-medium text-amber-800 dark:text-amber-400" : "font-medium"}>{pct} %</span> of{" "}
      {runs} run{runs === 1 ? "" : "s"}
    </span>
  );
}

export function DurationSummary({ history }: { history: HistorySummary | null }) {
  if (!history?.duration) return <span className="text-xs text-zinc-500 dark:text-zinc-400">—</span>;
  const d = history.duration;
  return (
    <span
      className="text-xs"
      title={`median ${formatDuration(d.median)}, p95 ${formatDuration(d.p95)}, longest ${formatDuration(d.max)}`}
    >
      last {formatDuration(d.last)} · median {formatDuration(d.median)}
    </span>
  );
}

export function Breaches({ breaches }: { breaches: Breach[] }) {
  if (!breaches.length) return null;
  return (
    <ul className="space-y-0.5">
      {breaches.map((b) => (
        <li key={b.kind}>
          <Badge tone="red">{b.kind === "duration" ? "slow" : "stale"}</Badge>{" "}
          <span className="text-xs text-red-700 dark:text-red-400">{b.message}</span>
        </li>
      ))}
    </ul>
  );
}
