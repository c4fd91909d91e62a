// Fires Cloud Scheduler jobs: wakes when the earliest enabled job is due (or
// when a job or the clock changes), sends each attempt through sendAttempt,
// writes AttemptStarted/AttemptFinished, and retries a failed execution with
// Google's backoff (min backoff doubled max_doublings times, then growing
// linearly, capped at max backoff) up to retry_count times or
// max_retry_duration. While a retry waits, the job's scheduleTime is the
// retry's time, as Google shows it. Retry waits are in memory: an execution
// cut by a restart resumes at the next scheduled time.
import type { Logger } from "../../log";
import type { LogRow } from "../../telemetry/store";
import { Code } from "../../grpc/errors";
import { durationMs } from "../run/names";
import { sendAttempt } from "./attempt";
import type { SchedulerClock } from "./clock";
import { attemptFinished, attemptStarted, executionRow } from "./execution-logs";
import { jobName, nextRun, type JobKey, type JobSpec } from "./job";
import { keyOf, type JobRow, type SchedulerStore } from "./store";

// Every change (create, update, resume, clock) wakes the loop; this only bounds drift.
const MAX_SLEEP_MS = 5_000;

/** The wait before retry number `retry` (1 = the first retry). */
export function backoffMs(retry: number, cfg: JobSpec["retryConfig"]): number {
  const min = durationMs(cfg.minBackoffDuration as never);
  const max = durationMs(cfg.maxBackoffDuration as never);
  const doublings = cfg.maxDoublings;
  const wait = retry - 1 <= doublings ? min * 2 ** (retry - 1) : min * 2 ** doublings * (retry - doublings);
  return Math.min(wait, max);
}

export type DispatcherDeps = {
  store: SchedulerStore;
  clock: SchedulerClock;
  log: Logger;
  writeLog: (row: LogRow) => void;
  routerPort: () => number;
};

export class Dispatcher {
  /** Jobs with a scheduled execution under way (by name): never picked twice. */
  private readonly running = new Set<string>();
  private readonly executions = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = false;
  private again = false;
  private readonly offClock: () => void;

  constructor(private readonly deps: DispatcherDeps) {
    this.offClock = deps.clock.onChange(() => this.wake());
  }

  start(): void {
    this.wake();
  }

  /** Looks for due jobs now (after a create, update, resume or clock change). */
  wake(): void {
    if (this.stopped) return;
    // A tick under way may have read the jobs before this change: it runs again when done.
    if (this.ticking) this.again = true;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), 0);
  }

  private async tick(): Promise<void> {
    if (this.ticking || this.stopped) return;
    this.again = false;
    this.ticking = (async () => {
      try {
        const now = this.deps.clock.now();
        for (const row of await this.deps.store.due(now)) {
          const name = jobName(keyOf(row));
          if (this.running.has(name)) continue;
          this.running.add(name);
          this.track(this.scheduled(row).finally(() => this.running.delete(name)));
        }
        const next = await this.deps.store.nextDue();
        const wait = next
          ? Math.max(10, Math.min(MAX_SLEEP_MS, next.getTime() - this.deps.clock.now().getTime()))
          : MAX_SLEEP_MS;
        if (!this.stopped) this.timer = setTimeout(() => void this.tick(), wait);
      } catch (err) {
        if (!this.stopped) {
          this.deps.log.warn("scheduler tick failed", { error: String(err) });
          this.timer = setTimeout(() => void this.tick(), MAX_SLEEP_MS);
        }
      }
    })().finally(() => {
      this.ticking = undefined;
      if (this.again) this.wake();
    });
    await this.ticking;
  }

  private track(p: Promise<void>): void {
    const tracked = p
      .catch((err) => this.deps.log.error("scheduler execution failed", { error: String(err) }))
      .finally(() => this.executions.delete(tracked));
    this.executions.add(tracked);
  }

  /** RunJob: one execution now, whatever the schedule; the schedule is untouched. */
  runNow(row: JobRow): void {
    this.track(this.execute(keyOf(row), this.deps.clock.now(), false));
  }

  private async scheduled(row: JobRow): Promise<void> {
    const key = keyOf(row);
    const scheduledFor = row.schedule_time!;
    // The next slot after this one (slots missed while the emulator was down are skipped).
    const after = new Date(Math.max(scheduledFor.getTime(), this.deps.clock.now().getTime()));
    await this.deps.store.reschedule(key, nextRun(row.spec.schedule, row.spec.timeZone, after));
    await this.execute(key, scheduledFor, true);
    const fresh = await this.deps.store.get(key);
    if (fresh?.state === "ENABLED") {
      const now = this.deps.clock.now();
      await this.deps.store.reschedule(key, nextRun(fresh.spec.schedule, fresh.spec.timeZone, now));
    }
  }

  /** Attempts until one succeeds or the retry config is spent. */
  private async execute(key: JobKey, scheduledFor: Date, scheduled: boolean): Promise<void> {
    const firstStart = this.deps.clock.now();
    for (let attempt = 1; !this.stopped; attempt++) {
      const row = await this.deps.store.get(key);
      // Paused or deleted jobs stop; a forced run stops only when deleted.
      if (!row || (scheduled && row.state !== "ENABLED")) return;
      const { spec } = row;
      const url = spec.httpTarget.uri!;
      const started = this.deps.clock.now();
      this.deps.writeLog(executionRow(key, attemptStarted(key, url, scheduledFor, started)));
      await this.deps.store.update(key, { last_attempt_time: started });
      const outcome = await sendAttempt(
        spec.httpTarget,
        key,
        scheduledFor,
        durationMs(spec.attemptDeadline as never),
        this.deps.routerPort(),
        this.abort.signal,
      );
      if (this.stopped) return;
      this.deps.writeLog(executionRow(key, attemptFinished(key, url, outcome, this.deps.clock.now())));
      await this.deps.store.update(key, {
        status: outcome.code === Code.OK ? { code: 0 } : { code: outcome.code, message: outcome.message },
      });
      if (outcome.code === Code.OK || attempt > spec.retryConfig.retryCount) return;
      const wait = backoffMs(attempt, spec.retryConfig);
      const limit = durationMs(spec.retryConfig.maxRetryDuration as never);
      if (limit > 0 && this.deps.clock.now().getTime() + wait - firstStart.getTime() > limit) return;
      if (scheduled) await this.deps.store.reschedule(key, new Date(this.deps.clock.now().getTime() + wait));
      await this.sleep(wait);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.abort.signal.addEventListener("abort", done, { once: true });
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.offClock();
    clearTimeout(this.timer);
    this.abort.abort();
    await this.ticking;
    await Promise.allSettled([...this.executions]);
  }
}
