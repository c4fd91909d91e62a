// Deploy to serving: time from the UpdateService call to the first response
// from the new revision on the service URL (and to the operation's end).
// A few repetitions per image; prints median, min and max.
import http from "node:http";
import run from "@google-cloud/run";
import { grpc } from "google-gax";
import { machine, median, withEmulator } from "./lib";

const REPETITIONS = 5;
const IMAGES = ["hello", "pyplots-api", "elevendops"];

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
    const services = new run.v2.ServicesClient({ apiEndpoint: "127.0.0.1", port: emulator.grpcPort, sslCreds: grpc.credentials.createInsecure(), projectId: "bench" });
    const parent = "projects/bench/locations/us-central1";
    console.log(`deploy to serving — ${machine()}`);
    console.log(`${REPETITIONS} deploys per image; each changes the image tag; polling the service URL every 5 ms\n`);
    for (const image of IMAGES) {
      // elevendops has an HTTP startup probe on /health, as in the seeded fleet.
      const probe = image === "elevendops" ? { startupProbe: { httpGet: { path: "/health" }, periodSeconds: 5, failureThreshold: 6, timeoutSeconds: 2 } } : {};
      const tpl = (tag: string) => ({ containers: [{ image: `gcr.io/bench/${image}:${tag}`, ...probe }] });
      const [created] = await services.createService({ parent, serviceId: `deploy-${image}`, service: { template: tpl("v0") } });
      await created.promise();
      const host = `deploy-${image}.us-central1.localhost:${emulator.routerPort}`;
      const serving: number[] = [];
      const done: number[] = [];
      for (let i = 1; i <= REPETITIONS; i++) {
        const [svc] = await services.getService({ name: `${parent}/services/deploy-${image}` });
        const t0 = performance.now();
        const [op] = await services.updateService({ service: { ...svc, template: tpl(`v${i}`) } });
        const opDone = op.promise().then(() => performance.now() - t0);
        const deadline = t0 + 60_000;
        while ((await tagServing(emulator.routerPort, host)) !== `v${i}`) {
          if (performance.now() > deadline) throw new Error(`v${i} of ${image} never served`);
          await new Promise((r) => setTimeout(r, 5));
        }
        serving.push(performance.now() - t0);
        done.push(await opDone);
      }
      const f = (v: number[]) => `median ${median(v).toFixed(0)} ms (min ${Math.min(...v).toFixed(0)}, max ${Math.max(...v).toFixed(0)})`;
      console.log(`${image.padEnd(12)} UpdateService → new revision answering: ${f(serving)}`);
      console.log(`${"".padEnd(12)} UpdateService → operation done:          ${f(done)}`);
    }
    await services.close();
  });
}
