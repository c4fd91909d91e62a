// Instance metrics from lifecycle and request events: per revision and
// minute, which instances were alive (and which served requests: active vs
// idle), alive seconds, busy seconds (sum of request latencies, capped at
// alive time) and startup latencies (starting → ready). A minute is written
// once it has closed (or at stop), so its instance sets are complete.
import type { LifecycleEvent, RequestEvent } from "../runtime/events";
import { BUCKETS, bucketIndex } from "./buckets";

export type InstanceMinute = {
  project: string;
  region: string;
  service: string;
  revision: string;
  minute: number;
  seen: Set<string>;
  active: Set<string>;
  aliveS: number;
  busyS: number;
  startupCount: number;
  startupSum: number;
  startupBuckets: number[];
};

type Alive = { project: string; region: string; service: string; revision: string; since: number; startingAt: number };

const MINUTE = 60_000;

export class InstanceTracker {
  private alive = new Map<string, Alive>();
  private minutes = new Map<string, InstanceMinute>();

  private minute(src: Omit<Alive, "since" | "startingAt">, at: number): InstanceMinute {
    const minute = Math.floor(at / MINUTE) * MINUTE;
    const key = `${src.project}|${src.service}|${src.revision}|${minute}`;
    let m = this.minutes.get(key);
    if (!m) {
      m = {
        project: src.project,
        region: src.region,
        service: src.service,
        revision: src.revision,
        minute,
        seen: new Set(),
        active: new Set(),
        aliveS: 0,
        busyS: 0,
        startupCount: 0,
        startupSum: 0,
        startupBuckets: new Array(BUCKETS).fill(0),
      };
      this.minutes.set(key, m);
    }
    return m;
  }

  private accrue(id: string, until: number): void {
    const a = this.alive.get(id);
    if (!a) return;
    let t = a.since;
    while (t < until) {
      const end = Math.min(until, Math.floor(t / MINUTE) * MINUTE + MINUTE);
      const m = this.minute(a, t);
      m.seen.add(id);
      m.aliveS += (end - t) / 1000;
      t = end;
    }
    a.since = Math.max(a.since, until);
  }

  onLifecycle(e: LifecycleEvent): void {
    const at = e.time.getTime();
    if (e.kind === "starting") {
      this.alive.set(e.instanceId, {
        project: e.project,
        region: e.region,
        service: e.service,
        revision: e.revision,
        since: at,
        startingAt: at,
      });
      this.minute(e, at).seen.add(e.instanceId);
    } else if (e.kind === "ready") {
      const a = this.alive.get(e.instanceId);
      if (!a) return;
      const ms = at - a.startingAt;
      const m = this.minute(e, at);
      m.startupCount++;
      m.startupSum += ms;
      m.startupBuckets[bucketIndex(ms)]++;
    } else if (e.kind === "stopped" || e.kind === "crashed") {
      this.accrue(e.instanceId, at);
      this.alive.delete(e.instanceId);
    }
  }

  onRequest(e: RequestEvent): void {
    if (!e.instanceId) return;
    const m = this.minute(e, e.time.getTime());
    m.active.add(e.instanceId);
    m.seen.add(e.instanceId);
    m.busyS += e.latencyMs / 1000;
  }

  /** Accrues alive time up to `now` and hands over the minutes that have closed (all of them when `all`). */
  collect(now: number, all = false): InstanceMinute[] {
    for (const id of this.alive.keys()) this.accrue(id, now);
    const out: InstanceMinute[] = [];
    for (const [key, m] of this.minutes) {
      if (all || m.minute + MINUTE <= now) {
        // Concurrent requests overlap; an instance cannot be busy longer than alive.
        if (m.aliveS > 0) m.busyS = Math.min(m.busyS, m.aliveS);
        out.push(m);
        this.minutes.delete(key);
      }
    }
    return out;
  }
}
