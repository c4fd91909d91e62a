// Live tail latency (issue 5): from a request hitting a service to its line
// arriving through TailLogEntries in the portal's tail reader (the browser's
// EventSource adds one local SSE hop on top). Bounded, loopback only.
import http from "node:http";
import { observabilityClients, runClients } from "../lib/gcp/clients";
import { LogQuery } from "../lib/observability/log-query";
import { tailLogs } from "../lib/observability/logs";
import { getService } from "../lib/services/read";
import { withCountingEmulator } from "./in-process";
import { machine, median, ms, percentile } from "./lib";

const SAMPLES = 40;

function get(routerPort: number, host: string, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: routerPort, path, headers: { host } }, (res) => {
      res.resume();
      res.on("end", () => resolve());
    });
    req.on("error", reject);
    req.end();
  });
}

export default async function tailLatency() {
  await withCountingEmulator({}, async ({ emulator }) => {
    const ref = { project: "pyplots-prod", region: "europe-west4", service: "pyplots-frontend" };
    const { service } = await getService(ref, runClients({ emulatorHost: emulator.endpoint }));
    const host = new URL(service.uri!).host;
    await get(emulator.routerPort, host, "/health"); // cold start out of the way
    const waiting = new Map<string, (t: number) => void>();
    const abort = new AbortController();
    tailLogs(LogQuery.parse({ project: ref.project, service: ref.service, kind: "requests" }), (lines) => {
      const now = performance.now();
      for (const l of lines) for (const [marker, done] of waiting) if (l.request?.url.includes(marker)) done(now);
    }, (err) => console.error(err.message), abort.signal, observabilityClients({ emulatorHost: emulator.endpoint }));
    await new Promise((r) => setTimeout(r, 500));
    const latencies: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const marker = `tail-${i}-${Date.now()}`;
      const arrived = new Promise<number>((resolve) => waiting.set(marker, resolve));
      const t0 = performance.now();
      await get(emulator.routerPort, host, `/health?${marker}`);
      const t1 = await Promise.race([arrived, new Promise<number>((r) => setTimeout(() => r(Number.NaN), 15_000))]);
      waiting.delete(marker);
      latencies.push(t1 - t0);
      await new Promise((r) => setTimeout(r, 100));
    }
    abort.abort();
    const got = latencies.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
    console.log(`live tail: ${SAMPLES} requests, one at a time; ${machine()}`);
    console.log(`| received | p50 | p95 | max |\n|---|---|---|---|\n| ${got.length}/${SAMPLES} | ${ms(median(got))} | ${ms(percentile(got, 95))} | ${ms(got[got.length - 1])} |`);
  });
}
