// A schedule's history from Cloud Scheduler's execution log
// (cloudscheduler.googleapis.com/executions): each attempt writes an
// AttemptStarted entry and an AttemptFinished entry. Pairs them into attempts,
// groups attempts by the run they retry (same scheduledTime), and sums up the
// success rate and durations. Pure: the Logging read is in history-read.ts.

/** One execution-log entry, reduced to what the history needs. */
export type ExecutionLogEntry = {
  timestamp: Date;
  /** projects/{p}/locations/{l}/jobs/{id} */
  job: string;
  kind: "started" | "finished";
  /** The run's scheduled time: every retry of one run carries the same one. */
  scheduledTime: string | null;
  /** HTTP status the target answered (finished only; 0 when none: a timeout, no connection). */
  httpStatus: number | null;
  /** Cloud Scheduler's status name on a failed attempt ("DEADLINE_EXCEEDED", "NOT_FOUND"…). */
  status: string | null;
  severity: string;
  insertId: string;
};

export type Attempt = {
  job: string;
  scheduledTime: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  /** null while it runs. */
  ok: boolean | null;
  httpStatus: number | null;
  status: string | null;
  durationMs: number | null;
  /** The started entry's insertId: links the attempt to its log entries. */
  id: string;
};

export type HistorySummary = {
  /** Newest first. */
  attempts: Attempt[];
  /** Runs whose outcome is known: a run succeeds when one of its attempts does. */
  runs: { succeeded: number; failed: number; running: number };
  /** succeeded / (succeeded + failed), null without any finished run. */
  successRate: number | null;
  /** Of successful attempts, in milliseconds. */
  duration: { median: number; p95: number; max: number; last: number } | null;
  lastAttempt: Attempt | null;
  lastSuccessAt: Date | null;
};

function attemptOk(e: ExecutionLogEntry): boolean {
  if (e.status && e.status !== "OK") return false;
  if (e.httpStatus !== null) return e.httpStatus >= 200 && e.httpStatus < 300;
  return e.severity !== "ERROR";
}

/** Started and finished entries paired into attempts, oldest first. */
export function pairAttempts(entries: ExecutionLogEntry[]): Attempt[] {
  const sorted = [...entries].sort(
    (a, b) => a.timestamp.getTime() - b.timestamp.getTime() || (a.kind === b.kind ? 0 : a.kind === "started" ? -1 : 1),
  );
  const attempts: Attempt[] = [];
  const open = new Map<string, Attempt[]>();
  for (const e of sorted) {
    if (e.kind === "started") {
      const a: Attempt = {
        job: e.job,
        scheduledTime: e.scheduledTime,
        startedAt: e.timestamp,
        finishedAt: null,
        ok: null,
        httpStatus: null,
        status: null,
        durationMs: null,
        id: e.insertId,
      };
      attempts.push(a);
      (open.get(e.job) ?? open.set(e.job, []).get(e.job)!).push(a);
      continue;
    }
    const waiting = open.get(e.job) ?? [];
    // The newest open attempt of the same run; else the newest open one (entries without scheduledTime).
    let i = waiting.findLastIndex((a) => e.scheduledTime !== null && a.scheduledTime === e.scheduledTime);
    if (i < 0) i = waiting.length - 1;
    if (i < 0) continue; // Its start fell before the window.
    const [a] = waiting.splice(i, 1);
    a.finishedAt = e.timestamp;
    a.httpStatus = e.httpStatus;
    a.status = e.status;
    a.ok = attemptOk(e);
    a.durationMs = e.timestamp.getTime() - a.startedAt.getTime();
  }
  return attempts;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export function summarizeHistory(entries: ExecutionLogEntry[]): HistorySummary {
  const attempts = pairAttempts(entries);
  const runs = new Map<string, Attempt[]>();
  for (const a of attempts) {
    const key = `${a.job}\n${a.scheduledTime ?? a.id}`;
    (runs.get(key) ?? runs.set(key, []).get(key)!).push(a);
  }
  const counts = { succeeded: 0, failed: 0, running: 0 };
  for (const tries of runs.values()) {
    if (tries.some((a) => a.ok === true)) counts.succeeded++;
    else if (tries.some((a) => a.ok === null)) counts.running++;
    else counts.failed++;
  }
  const good = attempts.filter((a) => a.ok === true);
  const durations = good.map((a) => a.durationMs!).sort((x, y) => x - y);
  const finished = counts.succeeded + counts.failed;
  return {
    attempts: [...attempts].reverse(),
    runs: counts,
    successRate: finished ? counts.succeeded / finished : null,
    duration: durations.length
      ? {
          median: quantile(durations, 0.5),
          p95: quantile(durations, 0.95),
          max: durations.at(-1)!,
          last: good.at(-1)!.durationMs!,
        }
      : null,
    lastAttempt: attempts.at(-1) ?? null,
    lastSuccessAt: good.at(-1)?.finishedAt ?? null,
  };
}
