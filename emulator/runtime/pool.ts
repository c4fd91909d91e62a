// The instances of one revision and the autoscaler that sizes them: at most
// `concurrency` requests per instance, at most `maxInstances` instances, at
// least `minInstances` kept warm, idle ones scaled in, crashed ones restarted
// with backoff. Requests that find no free instance wait in a FIFO queue.
import type { ResolvedImage } from "./images";
import { Instance, type InstanceDeps } from "./instance";
import type { RevisionSpec } from "./types";

export type PoolDeps = InstanceDeps & {
  /** How long a request may wait for capacity at max instances before 429. */
  queueTimeoutMs: number;
  /** An instance with no request for this long is stopped (above min instances). */
  idleTimeoutMs: number;
};

/** At max instances, all busy, and the wait ran out: HTTP 429. */
export class NoCapacityError extends Error {}
/** No instance could be started: HTTP 503. */
export class StartFailedError extends Error {}

type Waiter = { resolve: (i: Instance) => void; reject: (e: Error) => void; timer?: NodeJS.Timeout };

const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 30_000;
/** An instance that stayed up this long resets the crash backoff. */
const STABLE_MS = 30_000;

export class RevisionPool {
  readonly instances = new Set<Instance>();
  private waiters: Waiter[] = [];
  private crashes = 0;
  private backoffUntil = 0;
  private stopped = false;

  constructor(
    readonly spec: RevisionSpec,
    readonly image: ResolvedImage,
    private readonly deps: PoolDeps,
  ) {}

  private live(): Instance[] {
    return [...this.instances].filter((i) => i.state === "starting" || i.state === "ready");
  }

  private pickReady(): Instance | undefined {
    let best: Instance | undefined;
    for (const i of this.instances) {
      if (i.state !== "ready" || i.inflight >= this.spec.concurrency) continue;
      if (!best || i.inflight < best.inflight) best = i;
    }
    return best;
  }

  /** Starts one instance and resolves when it is ready; throws StartupError. */
  async startInstance(): Promise<Instance> {
    const instance = new Instance(this.spec, this.image, this.deps);
    this.instances.add(instance);
    try {
      await instance.start();
    } catch (err) {
      this.instances.delete(instance);
      this.noteFailure();
      if (this.live().length === 0) this.rejectAll(new StartFailedError((err as Error).message));
      throw err;
    }
    const readyAt = Date.now();
    instance.onFailure = (failed) => {
      void this.retire(failed, "instance failed");
      if (Date.now() - readyAt > STABLE_MS) this.crashes = 0;
      this.noteFailure();
      this.tick();
    };
    this.drain();
    return instance;
  }

  private noteFailure() {
    this.crashes++;
    this.backoffUntil = Date.now() + Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (this.crashes - 1));
  }

  /** A ready instance with a free slot, starting one (cold start) if needed. */
  acquire(): Promise<Instance> {
    if (this.stopped) return Promise.reject(new StartFailedError("revision is not serving"));
    const ready = this.waiters.length === 0 ? this.pickReady() : undefined;
    if (ready) {
      ready.inflight++;
      return Promise.resolve(ready);
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject };
      this.waiters.push(waiter);
      this.scaleUp();
      // Only a request that no starting instance will absorb waits on the
      // queue timeout; one waiting for a cold start waits for the start.
      const starting = this.live().filter((i) => i.state === "starting").length;
      if (this.waiters.length > starting * this.spec.concurrency) {
        waiter.timer = setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          // Nothing running at all means crash backoff, not a busy revision.
          reject(
            this.live().length === 0
              ? new StartFailedError("instances keep failing; retrying with backoff")
              : new NoCapacityError("no instance available"),
          );
        }, this.deps.queueTimeoutMs);
      }
    });
  }

  release(instance: Instance): void {
    instance.inflight = Math.max(0, instance.inflight - 1);
    instance.lastActive = Date.now();
    this.drain();
  }

  private drain() {
    while (this.waiters.length > 0) {
      const instance = this.pickReady();
      if (!instance) break;
      const waiter = this.waiters.shift()!;
      clearTimeout(waiter.timer);
      instance.inflight++;
      waiter.resolve(instance);
    }
  }

  private rejectAll(err: Error) {
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(err);
    }
  }

  private scaleUp() {
    if (this.stopped || Date.now() < this.backoffUntil) return;
    const live = this.live();
    let absorb = live.filter((i) => i.state === "starting").length * this.spec.concurrency;
    let count = live.length;
    while (this.waiters.length > absorb && count < this.spec.maxInstances) {
      this.startInstance().catch(() => {});
      absorb += this.spec.concurrency;
      count++;
    }
  }

  /** Periodic housekeeping: scale in idle instances, keep min warm, retry after backoff. */
  tick(now = Date.now()): void {
    if (this.stopped) return;
    let warm = this.live().length;
    for (const i of this.instances) {
      if (warm <= this.spec.minInstances) break;
      if (i.state === "ready" && i.inflight === 0 && now - i.lastActive >= this.deps.idleTimeoutMs) {
        warm--;
        void this.retire(i, "scaling down idle instance");
      }
    }
    if (now >= this.backoffUntil) {
      for (let n = this.live().length; n < this.spec.minInstances; n++) this.startInstance().catch(() => {});
    }
    if (this.waiters.length > 0) this.scaleUp();
  }

  private async retire(instance: Instance, reason: string) {
    await instance.stop(reason);
    this.instances.delete(instance);
  }

  /** Stops every instance and refuses new requests. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.rejectAll(new StartFailedError("revision is no longer serving"));
    await Promise.all([...this.instances].map((i) => this.retire(i, "revision retired")));
  }

  get isStopped(): boolean {
    return this.stopped;
  }
}
