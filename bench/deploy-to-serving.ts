// Deploy to serving: time from the UpdateService call to the first response
// from the new revision on the service URL (and to the operation's end).
// Baseline, in the same run: the image's process started by hand, alone, to its
// first answer on its own port: what a deploy cannot go below. A few
// repetitions per image; prints median, min and max, and the ratio.
import { spawn } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import run from "@google-cloud/run";
import { grpc } from "google-gax";
import { freePort } from "../emulator/runtime/ports";
import { machine, median, withEmulator } from "./lib";

const IMAGES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "emulator", "images");

const REPETITIONS = 5;
const IMAGES = ["hello", "pyplots-api", "elevendops"];

/** Polls `host` on `port` every 5 ms until it serves `tag`; ms since `t0`. */
async function untilServing(port: number, host: string, tag: string, t0: number): Promise<number> {
  const deadline = t0 + 60_000;
  while ((await tagServing(port, host)) !== tag) {
    if (performance.now() > deadline) throw new Error(`${host} never served ${tag}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return performance.now() - t0;
}

/** The baseline: node started on the image's entry point, as an instance is, timed to its first answer. */
async function directStart(image: string, tag: string): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    PORT: String(port),
    K_SERVICE: `direct-${image}`,
    K_REVISION: `direct-${image}-${tag}`,
    RUNWAY_IMAGE: `gcr.io/bench/${image}:${tag}`,
  };
  const child = spawn(process.execPath, [path.join(IMAGES_DIR, `${image}.mjs`)], {
    env: env as NodeJS.ProcessEnv,
    stdio: "ignore",
  });
  const exited = new Promise((r) => child.once("exit", r));
  try {
    return await untilServing(port, `127.0.0.1:${port}`, tag, t0);
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
}

function tagServing(port: number, host: string): Promise<string | null> {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/", headers: { host }, agent: false }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => {
        try {
          resolve(res.statusCode === 200 ? (JSON.parse(body) as { tag: string }).tag : null);
        } catch {
          resolve(null);
        }
      });
    });
    req.on("error", () => resolve(null));
  });
}

export default async function main() {
  await withEmulator({}, async (emulator) => {
    const services = new run.v2.ServicesClient({
      apiEndpoint: "127.0.0.1",
      port: emulator.grpcPort,
      sslCreds: grpc.credentials.createInsecure(),
      projectId: "bench",
    });
    const parent = "projects/bench/locations/us-central1";
    console.log(`deploy to serving — ${machine()}; emulator in its own process`);
    console.log(
      `${REPETITIONS} deploys per image, each changing the image tag, against ${REPETITIONS} starts of the image's process by hand; polling every 5 ms\n`,
    );
    console.log(
      "| image | UpdateService → new revision answering | UpdateService → operation done | baseline: process started by hand → answering | answering / baseline |",
    );
    console.log("|---|---|---|---|---|");
    for (const image of IMAGES) {
      // elevendops has an HTTP startup probe on /health, as in the seeded fleet.
      const probe =
        image === "elevendops"
          ? { startupProbe: { httpGet: { path: "/health" }, periodSeconds: 5, failureThreshold: 6, timeoutSeconds: 2 } }
          : {};
      const tpl = (tag: string) => ({ containers: [{ image: `gcr.io/bench/${image}:${tag}`, ...probe }] });
      const [created] = await services.createService({
        parent,
        serviceId: `deploy-${image}`,
        service: { template: tpl("v0") },
      });
      await created.promise();
      const host = `deploy-${image}.us-central1.localhost:${emulator.routerPort}`;
      const serving: number[] = [];
      const done: number[] = [];
      const direct: number[] = [];
      for (let i = 1; i <= REPETITIONS; i++) {
        // Alternate the two so that load on the shared machine hits both alike.
        direct.push(await directStart(image, `d${i}`));
        const [svc] = await services.getService({ name: `${parent}/services/deploy-${image}` });
        const t0 = performance.now();
        const [op] = await services.updateService({ service: { ...svc, template: tpl(`v${i}`) } });
        const opDone = op.promise().then(() => performance.now() - t0);
        serving.push(await untilServing(emulator.routerPort, host, `v${i}`, t0));
        done.push(await opDone);
      }
      const f = (v: number[]) =>
        `median ${median(v).toFixed(0)} ms (min ${Math.min(...v).toFixed(0)}, max ${Math.max(...v).toFixed(0)})`;
      const label = image === "elevendops" ? "elevendops (HTTP startup probe on /health)" : image;
      console.log(
        `| ${label} | ${f(serving)} | ${f(done)} | ${f(direct)} | ${(median(serving) / median(direct)).toFixed(2)}× |`,
      );
    }
    await services.close();
  });
}
