// The scheduler's clock: real time plus an offset that tests (and the admin
// endpoint) can move, so a daily schedule can be brought to within seconds of
// its next run instead of waiting for it. Durations (backoff, deadlines)
// stay real; only "what time is it" moves.
export class SchedulerClock {
  private offsetMs = 0;
  private readonly listeners = new Set<() => void>();

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Makes `now()` read `time` at this instant (and run on from there). */
  set(time: Date): void {
    this.offsetMs = time.getTime() - Date.now();
    for (const l of this.listeners) l();
  }

  reset(): void {
    this.offsetMs = 0;
    for (const l of this.listeners) l();
  }

  get offset(): number {
    return this.offsetMs;
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
