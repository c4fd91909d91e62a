// Incident latency (issue 12): time from the first failing request to the
// incident visible in the portal (the intake stored it, so the incidents page
// and the service page list it), printed against what it cannot go below: the
// policy's duration plus one evaluation period (the evaluator's CPU per 100
// policies is bench/alert-evaluator.ts's).
//
// In one process: the emulator (its evaluator on Monitoring's 30 s default
// period) and the portal's intake (lib/alerting's
// receiveIncident behind a plain HTTP server, which is all the route handler
// adds), each on its own throw-away PostgreSQL database. The policy is the
// 5xx-share template (> 10 %, for 60 s unless told) created through the
// guarded action. `npm run bench -- incident-latency [eval ms] [duration s] [runs]`.
import http from "node:http";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { startEmulator } from "../emulator";
import { throwawayPostgres } from "../emulator/embedded-postgres";
import { runGuarded } from "../lib/actions";
import { createPolicyDefinition, createWebhookChannelDefinition, listIncidents } from "../lib/alerting";
import { createDb } from "../lib/db";
import { alertingClients, runClients } from "../lib/gcp/clients";
import { migrate } from "../scripts/migrate";
import { startIntakeServer } from "../test/alert-intake";
import { machine, median } from "./lib";

const root = path.resolve(import.meta.dirname, "..");
const PROJECT = "bench-alerts";
const REGION = "us-central1";
const SERVICE = "checkout";

/** `-- [evaluation ms] [policy duration s] [runs]`, defaults 30000 60 2. */
export default async function incidentLatency(args: string[]) {
  const evaluationMs = Number(args[0] ?? 30_000);
  const DURATION_S = Number(args[1] ?? 60);
  const REPETITIONS = Number(args[2] ?? 2);
  const server = await throwawayPostgres("runway-bench-incidents");
  const suffix = randomBytes(4).toString("hex");
  await server.ensureDatabase(`bench_emulator_${suffix}`);
  await server.ensureDatabase(`bench_portal_${suffix}`);
  await migrate(root, server.url(`bench_portal_${suffix}`));
  const db = createDb(server.url(`bench_portal_${suffix}`));
  const intake = await startIntakeServer(db);
  const emulator = await startEmulator({ databaseUrl: server.url(`bench_emulator_${suffix}`), grpcPort: 0, routerPort: 0, seed: false, alerting: { evaluationPeriodMs: evaluationMs } });
  try {
    const target = { emulatorHost: emulator.endpoint };
    const run = runClients(target);
    const deps = () => ({ clients: alertingClients(target), intakeBaseUrl: intake.url });
    const actor = { id: "bench", email: "bench@runway.local", name: null, role: "admin" as const };
    const parent = `projects/${PROJECT}/locations/${REGION}`;
    const deploy = async (errorRate: string, create = false) => {
      const template = { containers: [{ image: "gcr.io/bench/hello:v1", env: [{ name: "ERROR_RATE", value: errorRate }] }] };
      const [op] = create
        ? await run.services.createService({ parent, serviceId: SERVICE, service: { template } })
        : await run.services.updateService({ service: { name: `${parent}/services/${SERVICE}`, template } });
      await op.promise();
    };
    await deploy("0", true);
    const channel = await runGuarded(createWebhookChannelDefinition(deps), actor, { project: PROJECT }, { db });
    if (!channel.ok) throw new Error(channel.error);
    const policy = await runGuarded(createPolicyDefinition(deps), actor, { project: PROJECT, region: REGION, service: SERVICE, kind: "error-share", threshold: "10", durationSeconds: String(DURATION_S), channels: [channel.data.name] }, { db });
    if (!policy.ok) throw new Error(policy.error);
    const host = `${SERVICE}.${REGION}.localhost`;
    const status = () => new Promise<number>((resolve) => {
      const req = http.request({ host: "127.0.0.1", port: emulator.routerPort, path: "/", headers: { host } }, (res) => (res.resume(), res.on("end", () => resolve(res.statusCode ?? 0))));
      req.on("error", () => resolve(0));
      req.end();
    });
    const floorMs = DURATION_S * 1000 + evaluationMs;
    const latencies: number[] = [];
    for (let rep = 0; rep < REPETITIONS; rep++) {
      const known = new Set((await listIncidents(db, { project: PROJECT })).map((i) => i.incidentId));
      await deploy("1");
      // Requests every 200 ms from here on; the clock starts at the first 5xx.
      let firstFailure: number | null = null;
      let seenAt: number | null = null;
      while (seenAt === null) {
        const code = await status();
        if (code >= 500 && firstFailure === null) firstFailure = performance.now();
        const open = (await listIncidents(db, { project: PROJECT, state: "open" })).find((i) => !known.has(i.incidentId));
        if (open && firstFailure !== null) seenAt = performance.now();
        else await new Promise((r) => setTimeout(r, 200));
        if (firstFailure !== null && performance.now() - firstFailure > floorMs + 300_000) throw new Error("no incident after 5 minutes past the floor");
      }
      latencies.push(seenAt - firstFailure!);
      console.log(`  run ${rep + 1}: ${((seenAt - firstFailure!) / 1000).toFixed(1)} s`);
      // Recover and wait for the close before the next run.
      await deploy("0");
      while ((await listIncidents(db, { project: PROJECT, state: "open" })).length > 0) {
        await status();
        await new Promise((r) => setTimeout(r, 200));
      }
    }

    const med = median(latencies);
    console.log(`\nincident-latency on ${machine()}`);
    console.log(`policy: 5xx share > 10 % for ${DURATION_S} s; evaluation every ${evaluationMs / 1000} s; ${REPETITIONS} runs`);
    console.log("| first failing request → incident in the portal | floor (duration + one evaluation period) | over the floor | goal |");
    console.log("|---|---|---|---|");
    console.log(`| median ${(med / 1000).toFixed(1)} s (${latencies.map((l) => (l / 1000).toFixed(1)).join(", ")}) | ${floorMs / 1000} s | ${((med - floorMs) / 1000).toFixed(1)} s | within 45 s of the floor |`);
  } finally {
    await emulator.stop();
    intake.close();
    await db.$disconnect();
    await server.stop();
  }
}
