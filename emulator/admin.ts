// The emulator's admin API, on the router port under the reserved path
// /_emulator/ for any Host that is not a service (e.g. 127.0.0.1:8087):
//   GET    /_emulator/health      liveness of the emulator itself
//   GET    /_emulator/faults      current fault rules
//   PUT    /_emulator/faults      replace them (JSON: a rule, an array, or {rules})
//   DELETE /_emulator/faults      clear them
//   GET    /_emulator/instances   revisions with pools and their instances
//   GET    /_emulator/routes      hosts and traffic splits in effect, with each
//                                  host's own-port URL (`localUrls`)
//   GET    /_emulator/clock       Cloud Scheduler's clock: {now, offsetMs}
//   PUT    /_emulator/clock       move it: {"time": "2026-12-01T13:59:58Z"} (runs on from there)
//   DELETE /_emulator/clock       back to real time
//   GET    /_emulator/outbox      e-mails the alerting "sent" (newest first)
//   GET    /_emulator/incidents   alert incidents the evaluator opened and closed
//   GET    /_emulator/load        steady load in effect, with requests sent and answers
//   PUT    /_emulator/load        start or change it (JSON: { host, rps, path? })
//   DELETE /_emulator/load        stop it (`?host=` for one host)
import type http from "node:http";
import type { Faults } from "./grpc/faults";
import type { Logger } from "./log";
import type { SchedulerClock } from "./api/scheduler/clock";
import type { Runtime } from "./runtime";
import type { SteadyLoad } from "./runtime/load";
import type { FallbackHandler } from "./runtime/router";
import type { Alerting } from "./api/monitoring/alerting";

const PREFIX = "/_emulator/";
const MAX_BODY = 64 * 1024;

function json(res: http.ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body, null, 2);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error("body too large"));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

const clockState = (clock: SchedulerClock) => ({ now: clock.now().toISOString(), offsetMs: clock.offset });

export function adminHandler(deps: {
  faults: Faults;
  runtime: () => Runtime;
  load: SteadyLoad;
  log: Logger;
  clock: SchedulerClock;
  alerting?: () => Alerting | undefined;
}): FallbackHandler {
  return (req, res) => {
    const [path, query = ""] = (req.url ?? "").split("?");
    if (!path.startsWith(PREFIX)) return false;
    const route = `${req.method} ${path.slice(PREFIX.length).replace(/\/$/, "")}`;
    void (async () => {
      switch (route) {
        case "GET health":
          return json(res, 200, { status: "ok" });
        case "GET faults":
          return json(res, 200, { rules: deps.faults.list() });
        case "PUT faults":
        case "POST faults": {
          try {
            deps.faults.set(await readBody(req));
          } catch (err) {
            return json(res, 400, { error: (err as Error).message });
          }
          deps.log.info("fault rules replaced", { rules: deps.faults.list() });
          return json(res, 200, { rules: deps.faults.list() });
        }
        case "DELETE faults":
          deps.faults.set([]);
          deps.log.info("fault rules cleared");
          return json(res, 200, { rules: [] });
        case "GET clock":
          return json(res, 200, clockState(deps.clock));
        case "PUT clock":
        case "POST clock": {
          let time: number;
          try {
            time = Date.parse(String((JSON.parse(await readBody(req)) as { time?: unknown }).time));
          } catch {
            time = NaN;
          }
          if (Number.isNaN(time)) return json(res, 400, { error: 'expected {"time": "<RFC 3339 timestamp>"}' });
          deps.clock.set(new Date(time));
          deps.log.info("scheduler clock moved", clockState(deps.clock));
          return json(res, 200, clockState(deps.clock));
        }
        case "DELETE clock":
          deps.clock.reset();
          return json(res, 200, clockState(deps.clock));
        case "GET load":
          return json(res, 200, { load: deps.load.list() });
        case "PUT load":
        case "POST load": {
          try {
            deps.load.set(JSON.parse(await readBody(req)));
          } catch (err) {
            return json(res, 400, { error: (err as Error).message });
          }
          deps.log.info("steady load set", { load: deps.load.list() });
          return json(res, 200, { load: deps.load.list() });
        }
        case "DELETE load":
          deps.load.clear(new URLSearchParams(query).get("host") ?? undefined);
          return json(res, 200, { load: deps.load.list() });
        case "GET instances":
          return json(res, 200, { revisions: deps.runtime().status() });
        case "GET routes":
          const { router } = deps.runtime();
          const localUrls = (hosts: string[]) =>
            Object.fromEntries(hosts.flatMap((h) => (router.local.urlOf(h) ? [[h, router.local.urlOf(h)]] : [])));
          const routes = router
            .listRoutes()
            .map((r) => ({ ...r, localUrls: localUrls([...r.hosts, ...r.tags.flatMap((t) => t.hosts)]) }));
          return json(res, 200, { routes });
        case "GET outbox":
          return json(res, 200, { mails: (await deps.alerting?.()?.outbox.list()) ?? [] });
        case "GET incidents":
          return json(res, 200, { incidents: (await deps.alerting?.()?.incidents()) ?? [] });
        default:
          return json(res, 404, { error: `no admin endpoint ${route}` });
      }
    })().catch((err: Error) => json(res, 500, { error: err.message }));
    return true;
  };
}
