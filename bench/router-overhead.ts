// Router overhead: the same load sent through the service URL (router) and
// straight to the instance's port, alternating the two paths round by round.
// For each concurrency level prints median and p99 latency (pooled over the
// rounds), throughput (median of the rounds), the latency the router adds,
// the throughput ratio and the goals (issue 13: ratio ≥ 0.5, p99 added ≤ 2 ms).
// Throughput on 2 shared cores swings with other load, so the bench also
// reads (Linux) the CPU time the router's process and the instance's process
// spend per request, which contention barely moves.
// Bounded: fixed request counts per phase and a time cap per phase.
// ROUTER_BENCH_EMULATOR=<grpcPort>,<routerPort> runs against an emulator
// already running (e.g. one started with `node --cpu-prof --import tsx
// emulator/main.ts` to profile the router) instead of starting its own.
import { fork } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import http from "node:http";
import run from "@google-cloud/run";
import { grpc } from "google-gax";
import { machine, median, ms, percentile, type RunningEmulator, withEmulator } from "./lib";

const ROUNDS = 5;
/** Concurrency → requests per round and path. */
const LEVELS: [number, number][] = [
  [1, 1000],
  [16, 3000],
  [32, 3000],
];
const PHASE_CAP_MS = 30_000;
const GOAL_RATIO = 0.5;
const GOAL_P99_ADDED_MS = 2;

type Target = { port: number; host: string };
type Path = "routed" | "direct" | "bare";

function get(agent: http.Agent, t: Target): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port: t.port, path: "/", headers: { host: t.host }, agent },
      (res) => {
        res.resume();
        res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** `count` requests, `concurrency` at a time; per-request latencies and requests per second. */
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
  return { latencies, rps: latencies.length / (wall / 1000) };
}

/** The process listening on a loopback TCP port (Linux /proc); undefined when it cannot be found. */
function pidListeningOn(port: number): number | undefined {
  try {
    const hexPort = `:${port.toString(16).toUpperCase().padStart(4, "0")}`;
    const inodes = new Set<string>();
    for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
      for (const line of readFileSync(table, "utf8").split("\n").slice(1)) {
        const f = line.trim().split(/\s+/);
        if (f[1]?.endsWith(hexPort) && f[3] === "0A") inodes.add(`socket:[${f[9]}]`);
      }
    }
    for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
      try {
        for (const fd of readdirSync(`/proc/${pid}/fd`))
          if (inodes.has(readlinkSync(`/proc/${pid}/fd/${fd}`))) return Number(pid);
      } catch {
        // gone, or not ours to read
      }
    }
  } catch {
    // no /proc
  }
  return undefined;
}

/** User + system CPU time of a process in ms (clock ticks of 10 ms). */
function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) * 10;
}

/** CPU time in ms of a process and its children (a PostgreSQL server: the postmaster and its backends). */
function treeCpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  let total = cpuMs(pid);
  for (const child of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${child}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid) total += cpuMs(Number(child));
    } catch {
      // gone
    }
  }
  return total;
}

/** A bare node:http proxy to `port` in a child process, and its port. */
async function bareProxy(port: number) {
  const child = fork(new URL("./bare-proxy.mjs", import.meta.url).pathname, [String(port)], { stdio: "ignore" });
  const listening = await new Promise<number>((resolve, reject) => {
    child.once("message", (m) => resolve(Number(m)));
    child.once("exit", (code) => reject(new Error(`bare proxy exited (${code})`)));
  });
  return { port: listening, pid: child.pid, stop: () => child.kill() };
}

type Totals = { latencies: number[]; rps: number[]; routerCpuMs: number; instanceCpuMs: number; databaseCpuMs: number };
const empty = (): Totals => ({ latencies: [], rps: [], routerCpuMs: 0, instanceCpuMs: 0, databaseCpuMs: 0 });

export default async function main() {
  const given = process.env.ROUTER_BENCH_EMULATOR?.split(",").map(Number);
  if (given) return measure({ grpcPort: given[0], routerPort: given[1], databasePort: given[2] });
  await withEmulator({ EMULATOR_IDLE_TIMEOUT_MS: "600000" }, measure);
}

async function measure(emulator: RunningEmulator) {
  {
    const services = new run.v2.ServicesClient({
      apiEndpoint: "127.0.0.1",
      port: emulator.grpcPort,
      sslCreds: grpc.credentials.createInsecure(),
      projectId: "bench",
    });
    const [op] = await services.createService({
      parent: "projects/bench/locations/us-central1",
      serviceId: `overhead-${Date.now().toString(36)}`,
      // One warm instance with room for the whole load, so both paths hit the same process.
      service: {
        template: {
          containers: [{ image: "gcr.io/bench/hello:v1" }],
          maxInstanceRequestConcurrency: 100,
          scaling: { minInstanceCount: 1, maxInstanceCount: 1 },
        },
      },
    });
    const [service] = await op.promise();
    await services.close();
    const serviceId = service.name!.split("/").at(-1)!;
    const status = await new Promise<{ revisions: { key: string; instances: { port: number }[] }[] }>(
      (resolve, reject) => {
        http
          .get({ host: "127.0.0.1", port: emulator.routerPort, path: "/_emulator/instances" }, (res) => {
            let body = "";
            res.on("data", (c) => (body += c));
            res.on("end", () => resolve(JSON.parse(body)));
          })
          .on("error", reject);
      },
    );
    const revision = status.revisions.find(
      (r) => r.key.startsWith(`bench/us-central1/${serviceId}-`) && r.instances.length,
    )!;
    const instancePort = revision.instances[0].port;
    const bare = await bareProxy(instancePort);
    const targets: Record<Path, Target> = {
      routed: { port: emulator.routerPort, host: `${serviceId}.us-central1.localhost:${emulator.routerPort}` },
      direct: { port: instancePort, host: `127.0.0.1:${instancePort}` },
      bare: { port: bare.port, host: `127.0.0.1:${instancePort}` },
    };

    // The "router process" column reads the bare proxy's process on its own path.
    const routerPid = pidListeningOn(emulator.routerPort);
    const proxyPid: Record<Path, number | undefined> = { routed: routerPid, direct: routerPid, bare: bare.pid };
    const instancePid = pidListeningOn(instancePort);
    const databasePid = emulator.databasePort ? pidListeningOn(emulator.databasePort) : undefined;

    const results = new Map(LEVELS.map(([c]) => [c, { routed: empty(), direct: empty(), bare: empty() }]));
    try {
      for (const path of ["routed", "direct", "bare"] as const) await load(targets[path], 500, 4); // warm-up: JIT, sockets
      for (let r = 0; r < ROUNDS; r++) {
        // Alternate the order so drift (other agents' load, GC) hits every path alike.
        const order: Path[] = r % 2 ? ["direct", "bare", "routed"] : ["routed", "bare", "direct"];
        for (const [concurrency, count] of LEVELS) {
          for (const name of order) {
            const cpuBefore = [cpuMs(proxyPid[name]), cpuMs(instancePid), treeCpuMs(databasePid)];
            const { latencies, rps } = await load(targets[name], count, concurrency);
            const tot = results.get(concurrency)![name];
            tot.latencies.push(...latencies);
            tot.rps.push(rps);
            tot.routerCpuMs += cpuMs(proxyPid[name]) - cpuBefore[0];
            tot.instanceCpuMs += cpuMs(instancePid) - cpuBefore[1];
            tot.databaseCpuMs += treeCpuMs(databasePid) - cpuBefore[2];
          }
        }
      }
    } finally {
      bare.stop();
    }

    const row = (tot: Totals) => {
      const s = [...tot.latencies].sort((a, b) => a - b);
      return {
        requests: s.length,
        median: percentile(s, 50),
        p99: percentile(s, 99),
        rps: median(tot.rps),
        routerUs: (tot.routerCpuMs * 1000) / s.length,
        instanceUs: (tot.instanceCpuMs * 1000) / s.length,
        databaseUs: (tot.databaseCpuMs * 1000) / s.length,
      };
    };
    const mark = (ok: boolean) => (ok ? "met" : "NOT met");
    console.log(`router overhead — ${machine()}`);
    console.log(
      `${ROUNDS} rounds alternating the paths, GET / on the hello image (one warm instance), keep-alive, loopback`,
    );
    console.log(
      `latency percentiles pooled over the rounds; req/s = median of the rounds; goals: ratio ≥ ${GOAL_RATIO}, p99 added ≤ ${GOAL_P99_ADDED_MS} ms`,
    );
    console.log(
      `CPU µs/request = CPU time of the router's process (emulator), the bare proxy's, the instance's and (routed) the emulator's PostgreSQL over the phases ÷ requests\n`,
    );
    for (const [concurrency] of LEVELS) {
      const set = results.get(concurrency)!;
      const d = row(set.direct);
      const rt = row(set.routed);
      const b = row(set.bare);
      console.log(`concurrency ${concurrency}`);
      for (const [label, path, x] of [
        ["direct to instance", "direct", d],
        ["through router", "routed", rt],
        ["bare node:http proxy", "bare", b],
      ] as const) {
        const perRound = set[path].rps.map((v) => v.toFixed(0)).join(" ");
        const proxy =
          path === "direct"
            ? ""
            : `${path === "bare" ? "proxy" : "router"} process ${x.routerUs.toFixed(0).padStart(4)}, `;
        const database =
          databasePid && path === "routed" ? `, emulator's PostgreSQL ${x.databaseUs.toFixed(0).padStart(4)}` : "";
        console.log(
          `  ${label.padEnd(20)} n=${String(x.requests).padEnd(6)} median ${ms(x.median).padStart(9)}  p99 ${ms(x.p99).padStart(9)}  ${x.rps.toFixed(0).padStart(6)} req/s  (rounds: ${perRound})`,
        );
        console.log(
          `  ${"".padEnd(20)} CPU µs/request: ${proxy}instance ${x.instanceUs.toFixed(0).padStart(4)}${database}`,
        );
      }
      const ratio = rt.rps / d.rps;
      const p99Added = rt.p99 - d.p99;
      console.log(
        `  added by the router: median +${ms(rt.median - d.median)}, p99 +${ms(p99Added)} (${mark(p99Added <= GOAL_P99_ADDED_MS)}); throughput ratio router/direct ${ratio.toFixed(2)} (${mark(ratio >= GOAL_RATIO)})`,
      );
      console.log(
        `  the floor, a bare proxy: median +${ms(b.median - d.median)}, p99 +${ms(b.p99 - d.p99)}; throughput ratio bare/direct ${(b.rps / d.rps).toFixed(2)}; router/bare ${(rt.rps / b.rps).toFixed(2)}\n`,
      );
    }
  }
}
