// The runtime: revisions running as processes behind one HTTP router. The API
// layer tells it what to run (deploy/register/retire) and how to route
// (setRoute); it reports back only through return values and the event stream.
import type { Logger } from "../log";
import { RuntimeEvents } from "./events";
import { ImageRegistry } from "./images";
import { StartupError } from "./instance";
import { RevisionPool } from "./pool";
import { Router, type FallbackHandler } from "./router";
import type { DeployResult, RevisionSpec, SecretResolver, ServiceRoute } from "./types";

export type RuntimeOptions = {
  log: Logger;
  resolveSecret: SecretResolver;
  idleTimeoutMs: number;
  queueTimeoutMs: number;
  shutdownGraceMs: number;
  images?: ImageRegistry;
  fallback?: FallbackHandler;
};

export const poolKey = (project: string, region: string, revision: string) => `${project}/${region}/${revision}`;

export class Runtime {
  readonly events = new RuntimeEvents();
  readonly images: ImageRegistry;
  readonly router: Router;
  private readonly pools = new Map<string, RevisionPool>();
  private ticker?: NodeJS.Timeout;

  constructor(private readonly opts: RuntimeOptions) {
    this.images = opts.images ?? new ImageRegistry();
    this.router = new Router(
      this.events,
      (route, revision) => this.pools.get(poolKey(route.project, route.region, revision)),
      opts.fallback,
    );
  }

  async listen(host: string, port: number): Promise<number> {
    const bound = await this.router.listen(host, port);
    // Scale-in and min-instance checks; often enough for short idle timeouts in tests.
    const every = Math.min(1000, Math.max(50, Math.floor(this.opts.idleTimeoutMs / 4)));
    this.ticker = setInterval(() => {
      for (const pool of this.pools.values()) pool.tick();
    }, every);
    this.ticker.unref();
    return bound;
  }

  private newPool(spec: RevisionSpec): RevisionPool | null {
    const image = this.images.resolve(spec.image);
    if (!image) return null;
    const { log, resolveSecret, shutdownGraceMs, queueTimeoutMs, idleTimeoutMs } = this.opts;
    return new RevisionPool(spec, image, {
      events: this.events,
      log,
      resolveSecret,
      shutdownGraceMs,
      queueTimeoutMs,
      idleTimeoutMs,
    });
  }

  /**
   * Makes a revision routable without starting it (restart, traffic moved
   * back to an old revision): the first request cold-starts an instance.
   * Min instances start right away. Keeps an existing pool.
   */
  register(spec: RevisionSpec): boolean {
    const key = poolKey(spec.project, spec.region, spec.revision);
    if (this.pools.has(key)) return true;
    const pool = this.newPool(spec);
    if (!pool) return false;
    this.pools.set(key, pool);
    pool.tick();
    return true;
  }

  /** Starts a new revision's first instance and waits for its startup probe. */
  async deploy(spec: RevisionSpec): Promise<DeployResult> {
    const key = poolKey(spec.project, spec.region, spec.revision);
    await this.pools.get(key)?.stop();
    const pool = this.newPool(spec);
    if (!pool) return { ok: false, reason: "CONTAINER_MISSING", message: `Image '${spec.image}' not found.` };
    this.pools.set(key, pool);
    try {
      await pool.startInstance();
      return { ok: true };
    } catch (err) {
      if (this.pools.get(key) === pool) this.pools.delete(key);
      await pool.stop();
      if (err instanceof StartupError) return { ok: false, reason: err.reason, message: err.message };
      return { ok: false, reason: "HEALTH_CHECK_CONTAINER_ERROR", message: (err as Error).message };
    }
  }

  /** Stops a revision's instances and forgets it. */
  async retire(project: string, region: string, revision: string): Promise<void> {
    const key = poolKey(project, region, revision);
    const pool = this.pools.get(key);
    if (!pool) return;
    this.pools.delete(key);
    await pool.stop();
  }

  /** Revisions of a service that have a pool. */
  revisionsOf(project: string, region: string, service: string): string[] {
    return [...this.pools.values()]
      .filter((p) => p.spec.project === project && p.spec.region === region && p.spec.service === service)
      .map((p) => p.spec.revision);
  }

  isRegistered(project: string, region: string, revision: string): boolean {
    return this.pools.has(poolKey(project, region, revision));
  }

  setRoute(route: ServiceRoute): void {
    this.router.setRoute(route);
  }

  removeRoute(key: string): void {
    this.router.removeRoute(key);
  }

  /** Ready instances with their process ids, for utilization sampling. */
  liveInstances(): { spec: RevisionSpec; id: string; pid: number }[] {
    const out: { spec: RevisionSpec; id: string; pid: number }[] = [];
    for (const pool of this.pools.values()) {
      for (const i of pool.instances)
        if (i.state === "ready" && i.pid) out.push({ spec: pool.spec, id: i.id, pid: i.pid });
    }
    return out;
  }

  /** What runs now: per revision, its instances and their load (admin API). */
  status() {
    return [...this.pools.entries()].map(([key, pool]) => ({
      key,
      image: pool.spec.image,
      minInstances: pool.spec.minInstances,
      maxInstances: pool.spec.maxInstances,
      instances: [...pool.instances].map((i) => ({ id: i.id, state: i.state, port: i.port, inflight: i.inflight })),
    }));
  }

  async stop(): Promise<void> {
    clearInterval(this.ticker);
    await this.router.close();
    await Promise.all([...this.pools.values()].map((p) => p.stop()));
    this.pools.clear();
  }
}

export type { DeployResult, RevisionSpec, ServiceRoute } from "./types";
export { RuntimeEvents } from "./events";
export type { RuntimeEvent, RequestEvent, LifecycleEvent, LogEvent } from "./events";
