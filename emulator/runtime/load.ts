// Steady load on demand: N requests per second to a service (or tag) host
// through the router, for tests and demos that need a revision's metrics to
// fill up (a canary judged on its 5xx share needs requests). Set through the
// admin API (`PUT /_emulator/load`) or `emulator.load` in code; nothing runs
// until asked. Requests go out every TICK_MS, spread evenly, with a cap on
// those in flight so a slow revision is not buried.
import http from "node:http";

const TICK_MS = 100;
export const MAX_RPS = 500;

export type LoadRule = { host: string; rps: number; path: string };
type Running = LoadRule & { owed: number; inFlight: number; sent: number; answered: Record<string, number> };

function hit(port: number, rule: Running): void {
  rule.inFlight++;
  rule.sent++;
  const done = (status: string) => {
    rule.inFlight--;
    rule.answered[status] = (rule.answered[status] ?? 0) + 1;
  };
  const req = http.request(
    {
      host: "127.0.0.1",
      port,
      path: rule.path,
      headers: { host: `${rule.host}:${port}`, "user-agent": "runway-steady-load/1" },
      agent: false,
    },
    (res) => {
      res.resume();
      res.on("end", () => done(`${Math.floor((res.statusCode ?? 0) / 100)}xx`));
      res.on("error", () => done("error"));
    },
  );
  req.setTimeout(30_000, () => req.destroy());
  req.on("error", () => done("error"));
  req.end();
}

/** Parses `{ host, rps, path? }`; throws a message naming the bad field. */
export function parseLoadRule(value: unknown): LoadRule {
  const v = (value ?? {}) as Record<string, unknown>;
  if (typeof v.host !== "string" || !/^[a-z0-9.-]+$/.test(v.host))
    throw new Error("host: give a service or tag host, e.g. pyplots-api.europe-west4.localhost");
  const rps = Number(v.rps);
  if (!Number.isFinite(rps) || rps <= 0 || rps > MAX_RPS)
    throw new Error(`rps: give a number of requests per second above 0 and at most ${MAX_RPS}`);
  const path = v.path === undefined ? "/" : String(v.path);
  if (!path.startsWith("/")) throw new Error("path: must start with /");
  return { host: v.host, rps, path };
}

export class SteadyLoad {
  private readonly rules = new Map<string, Running>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly routerPort: () => number) {}

  /** Starts (or changes) steady load on one host. */
  set(rule: LoadRule): void {
    const r = parseLoadRule(rule);
    const old = this.rules.get(r.host);
    this.rules.set(r.host, {
      ...r,
      owed: 0,
      inFlight: old?.inFlight ?? 0,
      sent: old?.sent ?? 0,
      answered: old?.answered ?? {},
    });
    this.timer ??= setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  /** Stops load on one host, or on every host without one. */
  clear(host?: string): void {
    if (host) this.rules.delete(host);
    else this.rules.clear();
    if (!this.rules.size && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Each rule with how many requests it sent and how they were answered (by status class). */
  list(): (LoadRule & { sent: number; inFlight: number; answered: Record<string, number> })[] {
    return [...this.rules.values()].map(({ host, rps, path, sent, inFlight, answered }) => ({
      host,
      rps,
      path,
      sent,
      inFlight,
      answered: { ...answered },
    }));
  }

  private tick(): void {
    for (const rule of this.rules.values()) {
      rule.owed += (rule.rps * TICK_MS) / 1000;
      const cap = Math.max(8, rule.rps * 4);
      while (rule.owed >= 1 && rule.inFlight < cap) {
        rule.owed -= 1;
        hit(this.routerPort(), rule);
      }
      rule.owed = Math.min(rule.owed, rule.rps); // a stalled revision does not build a burst
    }
  }
}
