// Container utilization as Cloud Run reports it (run.googleapis.com/container/
// {cpu,memory}/utilizations): each ready instance's process is sampled on a
// timer; memory = resident set size ÷ the revision's memory limit, CPU = CPU
// seconds used since the last sample ÷ (wall seconds × the vCPU limit). Each
// sample lands in its revision's per-minute distribution (linear buckets of
// 1 %), the distribution "across all container instances" Google describes.
// Processes are read from /proc on Linux, else with one `ps` per tick.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";

/** 100 finite buckets of width 0.01 from 0: bucket 0 is < 0, 1..100 cover [0, 1), 101 is ≥ 1. */
export const UTIL_FINITE = 100;
export const UTIL_WIDTH = 0.01;
export const UTIL_BUCKETS = UTIL_FINITE + 2;

export function utilBucketIndex(v: number): number {
  if (v < 0) return 0;
  return Math.min(UTIL_BUCKETS - 1, Math.floor(v / UTIL_WIDTH) + 1);
}

/** [lower, upper) of utilization bucket i. */
export function utilBucketBounds(i: number): [number, number] {
  if (i === 0) return [0, 0];
  if (i === UTIL_BUCKETS - 1) return [1, 1];
  return [(i - 1) * UTIL_WIDTH, i * UTIL_WIDTH];
}

export type ProcessStats = { rssBytes: number; cpuSeconds: number };

async function readProc(pid: number): Promise<ProcessStats | undefined> {
  try {
    const [status, schedstat] = await Promise.all([
      readFile(`/proc/${pid}/status`, "utf8"),
      readFile(`/proc/${pid}/schedstat`, "utf8"),
    ]);
    const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
    // schedstat's first field: nanoseconds on the CPU.
    const cpuNs = Number(schedstat.split(" ")[0]);
    if (!Number.isFinite(rssKb) || !Number.isFinite(cpuNs)) return undefined;
    return { rssBytes: rssKb * 1024, cpuSeconds: cpuNs / 1e9 };
  } catch {
    return undefined;
  }
}

/** `ps -o time` reads [dd-][hh:]mm:ss[.cc]. */
export function parsePsTime(s: string): number {
  const [days, rest] = s.includes("-") ? s.split("-") : ["0", s];
  return rest.split(":").reduce((acc, part) => acc * 60 + Number(part), 0) + Number(days) * 86_400;
}

function readPs(pids: number[]): Promise<Map<number, ProcessStats>> {
  return new Promise((resolve) => {
    execFile("ps", ["-o", "pid=,rss=,time=", "-p", pids.join(",")], (_err, stdout) => {
      const out = new Map<number, ProcessStats>();
      for (const line of String(stdout ?? "").split("\n")) {
        const [pid, rss, time] = line.trim().split(/\s+/);
        if (pid && rss && time) out.set(Number(pid), { rssBytes: Number(rss) * 1024, cpuSeconds: parsePsTime(time) });
      }
      resolve(out);
    });
  });
}

/** RSS and total CPU time of each process still running. */
export async function readProcessStats(pids: number[]): Promise<Map<number, ProcessStats>> {
  if (!pids.length) return new Map();
  if (process.platform === "linux") {
    const stats = await Promise.all(pids.map(readProc));
    return new Map(pids.flatMap((pid, i) => (stats[i] ? [[pid, stats[i]!] as const] : [])));
  }
  return readPs(pids);
}

export type SampledInstance = {
  id: string;
  pid: number;
  spec: {
    project: string;
    region: string;
    service: string;
    revision: string;
    limits?: { container: string; cpu: number; memoryBytes: number };
  };
};
export type UtilizationSample = {
  project: string;
  region: string;
  service: string;
  revision: string;
  container: string;
  metric: "cpu" | "memory";
  value: number;
  time: number;
};

/**
 * Samples every `everyMs`; the first sighting of an instance gives memory only
 * (CPU needs two readings). Returns the function that stops it.
 */
export function startUtilizationSampler(
  instances: () => SampledInstance[],
  add: (s: UtilizationSample) => void,
  everyMs: number,
  read: (pids: number[]) => Promise<Map<number, ProcessStats>> = readProcessStats,
): () => void {
  const previous = new Map<string, { cpuSeconds: number; at: number }>();
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const live = instances();
      const stats = await read(live.map((i) => i.pid));
      const now = Date.now();
      const seen = new Set<string>();
      for (const i of live) {
        const s = stats.get(i.pid);
        if (!s) continue;
        seen.add(i.id);
        const limits = i.spec.limits ?? { container: "", cpu: 1, memoryBytes: 512 * 2 ** 20 };
        const base = {
          project: i.spec.project,
          region: i.spec.region,
          service: i.spec.service,
          revision: i.spec.revision,
          container: limits.container,
          time: now,
        };
        add({ ...base, metric: "memory", value: s.rssBytes / limits.memoryBytes });
        const prev = previous.get(i.id);
        if (prev && now > prev.at)
          add({
            ...base,
            metric: "cpu",
            value: Math.max(0, s.cpuSeconds - prev.cpuSeconds) / (((now - prev.at) / 1000) * limits.cpu),
          });
        previous.set(i.id, { cpuSeconds: s.cpuSeconds, at: now });
      }
      for (const id of previous.keys()) if (!seen.has(id)) previous.delete(id);
    } catch {
      // a process that ended between listing and reading: next tick
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
