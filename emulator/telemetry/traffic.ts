// Gentle synthetic traffic for the local demo (EMULATOR_TRAFFIC=on): every
// 20 s each service of the seeded fleet gets one request through the router,
// on loopback, one at a time, about 1 in 20 to a path that answers 404, so
// request rates, error shares and latency charts have something to show.
// Services a user or a test creates get none, as a real Cloud Run service
// receives no unsolicited requests; nor do the synthetic load-test services
// (project runway-synthetic): a request every 20 s keeps an instance warm, and
// hundreds of warm instances held gigabytes while idle (they keep their
// backfilled history). Bounded: at most MAX_SERVICES services per tick, a tick
// is skipped while the last one runs.
import http from "node:http";
import type { Db } from "../db";
import { SYNTHETIC_PROJECT } from "../seed";

const EVERY_MS = 20_000;
const MAX_SERVICES = 50;
const ERROR_SHARE = 0.05;

function hit(port: number, host: string, path: string): Promise<void> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        path,
        headers: { host: `${host}:${port}`, "user-agent": "runway-synthetic-traffic/1" },
        agent: false,
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve());
        res.on("error", () => resolve());
      },
    );
    req.setTimeout(30_000, () => req.destroy());
    req.on("error", () => resolve());
    req.end();
  });
}

export function startTraffic(db: Db, routerPort: () => number, everyMs = EVERY_MS): () => void {
  let running = false;
  let stopped = false;
  const tick = async () => {
    if (running || stopped) return;
    running = true;
    try {
      const { rows } = await db.query<{ host: string }>(
        "SELECT host FROM run_services WHERE seeded AND project <> $2 AND NOT deleted ORDER BY name LIMIT $1",
        [MAX_SERVICES, SYNTHETIC_PROJECT],
      );
      for (const { host } of rows) {
        if (stopped) break;
        const path = Math.random() < ERROR_SHARE ? "/synthetic-traffic/missing" : "/";
        await hit(routerPort(), host, path);
      }
    } catch {
      // the database going away at shutdown: try again next tick
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), everyMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
