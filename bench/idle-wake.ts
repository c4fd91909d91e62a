// What an idle pause costs on this machine, with no portal in it: a bare
// node:http server in a child process answering GET / over a fresh loopback
// connection, after 0, 0.2, 1 and 5.1 seconds of doing nothing (5.1 s is the
// pause fleet-browser and fleet-page take to let the portal's list cache
// expire). Baseline: the same request back to back. The fleet benches' "cold"
// figures include this once per process on the request's path.
import { spawn } from "node:child_process";
import http from "node:http";
import { machine, median, ms } from "./lib";

const PAUSES_MS = [0, 200, 1_000, 5_100];
const TRIES = 5;

function get(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    http
      .get({ host: "127.0.0.1", port, path: "/", agent: false }, (res) => {
        res.resume();
        res.on("end", () => resolve(performance.now() - t0));
      })
      .on("error", reject);
  });
}

export default async function idleWake() {
  const server = `require("node:http").createServer((q, s) => s.end("ok")).listen(0, "127.0.0.1", function () { process.send(this.address().port); })`;
  const child = spawn(process.execPath, ["-e", server], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
  const port = await new Promise<number>((resolve) => child.once("message", (m) => resolve(Number(m))));
  try {
    for (let i = 0; i < 20; i++) await get(port); // warm-up
    console.log(`a fresh GET to an idle node:http server in its own process, median of ${TRIES}; ${machine()}`);
    console.log("| pause before the request | request to answer | over back to back |\n|---|---|---|");
    let base = Number.NaN;
    for (const pause of PAUSES_MS) {
      const times: number[] = [];
      for (let i = 0; i < TRIES; i++) {
        await new Promise((r) => setTimeout(r, pause));
        times.push(await get(port));
      }
      const m = median(times);
      if (pause === 0) base = m;
      console.log(`| ${pause} ms | ${ms(m)} (${times.map((t) => t.toFixed(1)).join(", ")}) | +${ms(m - base)} |`);
    }
  } finally {
    child.kill();
  }
}
