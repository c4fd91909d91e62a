// Router overhead: the same load sent through the service URL (router) and
// straight to the instance's port, side by side. Prints median and p99
// latency for each, the latency the router adds, and the throughput ratio.
// Bounded: fixed request counts per phase and a time cap per phase.
import http from "node:http";
import run from "@google-cloud/run";
import { grpc } from "google-gax";
import { machine, ms, percentile, withEmulator } from "./lib";

const ROUNDS = 3;
const SEQUENTIAL = 1000; // per round and path
const PARALLEL = 3000; // per round and path
const CONCURRENCY = 16;
const PHASE_CAP_MS = 30_000;

type Target = { port: number; host: string };

function get(agent: http.Agent, t: Target): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: t.port, path: "/", headers: { host: t.host }, agent }, (res) => {
      res.resume();
      res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on("error", reject);
    req.end();
  });
}

/** `count` requests, `concurrency` at a time; per-request latencies and wall time. */
async function load(t: Target, count: number, concurrency: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < count && performance.now() - started < PHASE_CAP_MS) {
      next++;
      const t0 = performance.now();
      await get(agent, t);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wall = performance.now() - started;
  agent.destroy();
  return { latencies, wall };
}

type Totals = { latencies: number[]; wall: number; count: number };
const add = (a: Totals, b: { latencies: number[]; wall: number }) => {
  a.latencies.push(...b.latencies);
  a.wall += b.wall;
  a.count += b.latencies.length;
};
const empty = (): Totals => ({ latencies: [], wall: 0, count: 0 });

export default async function main() {
  await withEmulator({ EMULATOR_IDLE_TIMEOUT_MS: "600000" }, async (emulator) => {
    const services = new run.v2.ServicesClient({ apiEndpoint: "127.0.0.1", port: emulator.grpcPort, sslCreds: grpc.credentials.createInsecure(), projectId: "bench" });
    const [op] = await services.createService({
      parent: "projects/bench/locations/us-central1", serviceId: "overhead",
      // One warm instance with room for the whole load, so both paths hit the same process.
      service: { template: { containers: [{ image: "gcr.io/bench/hello:v1" }], maxInstanceRequestConcurrency: 100, scaling: { minInstanceCount: 1, maxInstanceCount: 1 } } },
    });
    await op.promise();
    await services.close();
    const status = await new Promise<{ revisions: { instances: { port: number }[] }[] }>((resolve, reject) => {
      http.get({ host: "127.0.0.1", port: emulator.routerPort, path: "/_emulator/instances" }, (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve(JSON.parse(body)));
      }).on("error", reject);
    });
    const instancePort = status.revisions[0].instances[0].port;
    const routed: Target = { port: emulator.routerPort, host: `overhead.us-central1.localhost:${emulator.routerPort}` };
    const direct: Target = { port: instancePort, host: `127.0.0.1:${instancePort}` };

    await load(routed, 300, 4); // warm-up: JIT, sockets
    await load(direct, 300, 4);
    const seq = { routed: empty(), direct: empty() };
    const par = { routed: empty(), direct: empty() };
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate the order so drift (thermal, GC, other load) hits both paths alike.
      const order: ["routed" | "direct", Target][] = r % 2 ? [["direct", direct], ["routed", routed]] : [["routed", routed], ["direct", direct]];
      for (const [name, t] of order) add(seq[name], await load(t, SEQUENTIAL, 1));
      for (const [name, t] of order) add(par[name], await load(t, PARALLEL, CONCURRENCY));
    }

    const row = (label: string, tot: Totals) => {
      const s = [...tot.latencies].sort((a, b) => a - b);
      return { label, requests: tot.count, median: percentile(s, 50), p99: percentile(s, 99), rps: tot.count / (tot.wall / 1000) };
    };
    console.log(`router overhead — ${machine()}`);
    console.log(`${ROUNDS} rounds, GET / on the hello image (one warm instance), keep-alive, loopback\n`);
    for (const [title, set] of [[`sequential (1 at a time)`, seq], [`parallel (${CONCURRENCY} at a time)`, par]] as const) {
      const d = row("direct to instance", set.direct);
      const rt = row("through router", set.routed);
      console.log(title);
      for (const x of [d, rt]) console.log(`  ${x.label.padEnd(20)} n=${String(x.requests).padEnd(6)} median ${ms(x.median).padStart(9)}  p99 ${ms(x.p99).padStart(9)}  ${x.rps.toFixed(0).padStart(6)} req/s`);
      console.log(`  added by the router: median +${ms(rt.median - d.median)}, p99 +${ms(rt.p99 - d.p99)}; throughput ratio router/direct ${(rt.rps / d.rps).toFixed(2)}\n`);
    }
  });
}
