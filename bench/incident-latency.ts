// Incident latency (issue 12): time from the first failing request to the
// incident visible in the portal (the intake stored it, so the incidents page
// and the service page list it), printed against what it must not go below,
// the policy's duration (a violation has to span it), and the latest it should
// take (the evaluator's CPU per 100 policies is bench/alert-evaluator.ts's).
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
import { ensureLocations } from "../lib/services/locations";
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
  const emulator = await startEmulator({
    databaseUrl: server.url(`bench_emulator_${suffix}`),
    grpcPort: 0,
    routerPort: 0,
    seed: false,
    alerting: { evaluationPeriodMs: evaluationMs },
  });
  try {
    const target = { emulatorHost: emulator.endpoint };
    const run = runClients(target);
    const deps = () => ({ clients: alertingClients(target), intakeBaseUrl: intake.url });
    // A real user (audit rows reference it) in a portal that covers the bench's project.
    const admin = await db.user.create({ data: { email: "bench@runway.local", role: "admin" } });
    const actor = { id: admin.id, email: admin.email, name: null, role: "admin" as const };
    await ensureLocations(db, [{ project: PROJECT, region: REGION }]);
    const parent = `projects/${PROJECT}/locations/${REGION}`;
    const deploy = async (service: string, errorRate: string, create = false) => {
      const template = {
        containers: [{ image: "gcr.io/bench/hello:v1", env: [{ name: "ERROR_RATE", value: errorRate }] }],
      };
      const [op] = create
        ? await run.services.createService({ parent, serviceId: service, service: { template } })
        : await run.services.updateService({ service: { name: `${parent}/services/${service}`, template } });
      await op.promise();
    };
    const channel = await runGuarded(createWebhookChannelDefinition(deps), actor, { project: PROJECT }, { db });
    if (!channel.ok) throw new Error(channel.error);
    const status = (service: string) =>
      new Promise<number>((resolve) => {
        const req = http.request(
          {
            host: "127.0.0.1",
            port: emulator.routerPort,
            path: "/",
            headers: { host: `${service}.${REGION}.localhost` },
          },
          (res) => (res.resume(), res.on("end", () => resolve(res.statusCode ?? 0))),
        );
        req.on("error", () => resolve(0));
        req.end();
      });
    const durationMs = DURATION_S * 1000;
    // At the latest: the first failure's minute ends, the duration passes, the next evaluation runs.
    const ceilingMs = durationMs + 60_000 + evaluationMs;
    const latencies: number[] = [];
    for (let rep = 0; rep < REPETITIONS; rep++) {
      // A service of its own per run: an earlier run's failures in the window would count for this one.
      const service = `${SERVICE}-${rep + 1}`;
      await deploy(service, "0", true);
      const policy = await runGuarded(
        createPolicyDefinition(deps),
        actor,
        {
          project: PROJECT,
          region: REGION,
          service,
          kind: "error-share",
          threshold: "10",
          durationSeconds: String(DURATION_S),
          channels: [channel.data.name],
        },
        { db },
      );
      if (!policy.ok) throw new Error(policy.error);
      for (let i = 0; i < 5; i++) await status(service);
      await deploy(service, "1");
      // Requests every 200 ms from here on; the clock starts at the first 5xx.
      let firstFailure: number | null = null;
      let seenAt: number | null = null;
      while (seenAt === null) {
        const code = await status(service);
        if (code >= 500 && firstFailure === null) firstFailure = performance.now();
        const open = (await listIncidents(db, { project: PROJECT, service, state: "open" }))[0];
        if (open && firstFailure !== null) seenAt = performance.now();
        else await new Promise((r) => setTimeout(r, 200));
        if (firstFailure !== null && performance.now() - firstFailure > ceilingMs + 300_000)
          throw new Error("no incident after 5 minutes past the ceiling");
      }
      latencies.push(seenAt - firstFailure!);
      console.log(`  run ${rep + 1}: ${((seenAt - firstFailure!) / 1000).toFixed(1)} s`);
      await deploy(service, "0");
    }

    const med = median(latencies);
    console.log(`\nincident-latency on ${machine()}`);
    console.log(
      `policy: 5xx share > 10 % for ${DURATION_S} s; evaluation every ${evaluationMs / 1000} s; ${REPETITIONS} runs, a new service each`,
    );
    console.log(
      "| first failing request → incident in the portal | must not be under (the duration) | ratio to the duration | ceiling (duration + the first failure's minute + one evaluation period) |",
    );
    console.log("|---|---|---|---|");
    console.log(
      `| median ${(med / 1000).toFixed(1)} s (${latencies.map((l) => (l / 1000).toFixed(1)).join(", ")}) | ${DURATION_S} s | ${(med / durationMs).toFixed(2)} (min ${(Math.min(...latencies) / durationMs).toFixed(2)}) | ${ceilingMs / 1000} s |`,
    );
  } finally {
    await emulator.stop();
    intake.close();
    await db.$disconnect();
    await server.stop();
  }
}
