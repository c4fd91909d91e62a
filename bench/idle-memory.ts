// Idle memory of the emulator's instances under the synthetic traffic (issue
// 13) at 208 services: the traffic as it is now (the seeded fleet only) side by
// side with the old selection (the first 50 seeded services by name, mostly
// synthetic ones), each run for two ticks, then the RSS of every process the
// emulator started (the instances), counted from the process tree.
import { execFileSync } from "node:child_process";
import http from "node:http";
import { randomBytes } from "node:crypto";
import { startEmulator } from "../emulator";
import { openDb } from "../emulator/db";
import { throwawayPostgres } from "../emulator/embedded-postgres";
import { startTraffic } from "../emulator/telemetry/traffic";
import { machine } from "./lib";

const TICK_MS = 2_000;

/** This process's descendants except PostgreSQL (the throw-away server is one of them). */
function descendants(): { pid: number; rss: number }[] {
  const rows = execFileSync("ps", ["-e", "-o", "pid=,ppid=,rss=,comm="], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => !f[3]?.startsWith("postgres"))
    .map((f) => f.slice(0, 3).map(Number));
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of rows) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const rss = new Map(rows.map(([pid, , r]) => [pid, r]));
  const out: { pid: number; rss: number }[] = [];
  const walk = (p: number) =>
    (children.get(p) ?? []).forEach((c) => (out.push({ pid: c, rss: rss.get(c) ?? 0 }), walk(c)));
  walk(process.pid);
  return out;
}

const hit = (port: number, host: string) =>
  new Promise<void>((resolve) => {
    const req = http.request(
      { host: "127.0.0.1", port, path: "/", headers: { host: `${host}:${port}` }, agent: false },
      (res) => (res.resume(), res.on("end", () => resolve())),
    );
    req.on("error", () => resolve());
    req.end();
  });

export default async function idleMemory() {
  const server = await throwawayPostgres("runway-bench-idle");
  const database = `bench_${randomBytes(4).toString("hex")}`;
  await server.ensureDatabase(database);
  const url = server.url(database);
  const emulator = await startEmulator({ databaseUrl: url, grpcPort: 0, routerPort: 0, extraServices: 200 });
  const db = openDb(url);
  const snapshot = () => {
    const ps = descendants().filter((p) => p.rss > 0);
    return { processes: ps.length, rssMb: ps.reduce((s, p) => s + p.rss, 0) / 1024 };
  };
  try {
    const before = snapshot();
    // Now: the traffic module's own selection, two ticks.
    const stop = startTraffic(db, () => emulator.routerPort, TICK_MS);
    await new Promise((r) => setTimeout(r, 2 * TICK_MS + 15_000));
    stop();
    const now = snapshot();
    // Baseline: the old selection (first 50 seeded services by name), one request each, twice.
    const { rows } = await db.query<{ host: string }>(
      "SELECT host FROM run_services WHERE seeded AND NOT deleted ORDER BY name LIMIT 50",
    );
    for (let tick = 0; tick < 2; tick++) for (const { host } of rows) await hit(emulator.routerPort, host);
    await new Promise((r) => setTimeout(r, 5_000));
    const old = snapshot();
    console.log(`idle instances after synthetic traffic, 208 services; ${machine()}`);
    console.log("| traffic reaches | processes started by the emulator | RSS |\n|---|---|---|");
    console.log(`| nothing yet | ${before.processes} | ${before.rssMb.toFixed(0)} MB |`);
    console.log(`| now: the seeded fleet only | ${now.processes} | ${now.rssMb.toFixed(0)} MB |`);
    console.log(
      `| baseline: the first 50 seeded services by name (on top of the above) | ${old.processes} | ${old.rssMb.toFixed(0)} MB |`,
    );
    console.log(
      `| ratio baseline / now | ${(old.processes / Math.max(1, now.processes)).toFixed(1)}× | ${(old.rssMb / Math.max(1, now.rssMb)).toFixed(1)}× |`,
    );
  } finally {
    await db.end();
    await emulator.stop();
    await server.stop();
  }
}
