// Release rollback: a canary with 5 % 5xx under steady load, released by the
// portal's own follower against the emulator (its own process). Measures the
// time from the canary's first 5xx to the prior traffic routed again, beside
// the floor (the failed checks the plan needs, plus Monitoring's minute
// completion: none on the emulator), and counts the Google calls per check at
// two loads: a constant per check, whatever the number of requests.
import { randomBytes, randomUUID } from "node:crypto";
import { runGuarded } from "../lib/actions";
import type { Db } from "../lib/db";
import { monitoringLagMs } from "../lib/followers";
import {
  alertingClients,
  observabilityClients,
  runClients,
  type ObservabilityClients,
  type RunClients,
} from "../lib/gcp/clients";
import { followOperation } from "../lib/operations";
import {
  getRelease,
  releaseEntries,
  releaseFollowers,
  savePlanDefinition,
  startReleaseDefinition,
} from "../lib/releases";
import { machine, median, withEmulator, withPortalDb, type RunningEmulator } from "./lib";

const PLAN = {
  steps: "5, 25, 50, 100",
  stepSeconds: 60,
  checkSeconds: 5,
  maxErrorPercent: 1,
  errorMarginPoints: 1,
  latencyFactor: 1.25,
  latencyFloorMs: 5000,
  failuresToAbort: 2,
  minRequests: 20,
};
const LOADS = [20, 80];
const REPETITIONS = 3;

/** The client with every call counted (each is one Google API call). */
function counted<C extends object>(client: C, count: { n: number }): C {
  return new Proxy(client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function" || !/^(get|update|list|check)/.test(String(prop))) return value;
      return (...args: unknown[]) => {
        count.n++;
        return value.apply(target, args);
      };
    },
  });
}

async function admin(emulator: RunningEmulator, method: string, route: string, body?: unknown) {
  const res = await fetch(`http://127.0.0.1:${emulator.routerPort}/_emulator/${route}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json() as Promise<{ load: { host: string; answered: Record<string, number> }[] }>;
}

async function oneRun(
  db: Db,
  emulator: RunningEmulator,
  run: RunClients,
  observability: ObservabilityClients,
  rps: number,
) {
  const dev = await db.user.create({
    data: { email: `bench-${randomBytes(3).toString("hex")}@runway.local`, role: "developer" },
  });
  const actor = { id: dev.id, email: dev.email, name: null, role: dev.role };
  const id = `rb-${randomBytes(3).toString("hex")}`;
  const [created] = await run.services.createService({
    parent: "projects/release-bench/locations/us-central1",
    serviceId: id,
    service: { template: { scaling: { maxInstanceCount: 4 }, containers: [{ image: "gcr.io/bench/hello:v1" }] } },
  });
  const [svc] = await created.promise();
  const name = svc.name!;
  const stable = svc.latestReadyRevision!.split("/").pop()!;
  const [deploy] = await run.services.updateService({
    service: {
      name,
      template: {
        scaling: { maxInstanceCount: 4 },
        containers: [{ image: "gcr.io/bench/hello:v2", env: [{ name: "ERROR_RATE", value: "0.05" }] }],
      },
      traffic: [{ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: stable, percent: 100 }],
    },
  });
  const canary = (await deploy.promise())[0].latestReadyRevision!.split("/").pop()!;
  const saved = await runGuarded(
    savePlanDefinition(() => ({ onGoogle: false })),
    actor,
    { project: "release-bench", region: "us-central1", service: id, ...PLAN },
    { db },
  );
  if (!saved.ok) throw new Error(saved.error);
  const host = new URL(svc.uri!).hostname;
  await admin(emulator, "PUT", "load", { host, rps });
  await new Promise((r) => setTimeout(r, 3_000)); // the stable revision warm and measured
  const monitoring = { n: 0 };
  const cloudRun = { n: 0 };
  const followers = releaseFollowers(() => ({
    run: { ...run, services: counted(run.services, cloudRun) },
    observability: { ...observability, metrics: counted(observability.metrics, monitoring) },
    alerting: alertingClients({ emulatorHost: `127.0.0.1:${emulator.grpcPort}` }),
    monitoringLagMs: monitoringLagMs({ emulatorHost: "emulator" }),
  }));
  const [current] = await run.services.getService({ name });
  const started = await runGuarded(
    startReleaseDefinition(() => ({ run, enqueueFollow: async () => {}, onGoogle: false })),
    actor,
    {
      project: "release-bench",
      region: "us-central1",
      service: id,
      etag: current.etag,
      idempotencyKey: randomUUID(),
      revision: canary,
    },
    { db },
  );
  if (!started.ok) throw new Error(started.error);
  const opId = started.data.operationId;
  // The canary's first 5xx, seen by the load generator (the stable revision answers none).
  let first5xx: number | null = null;
  const watcher = setInterval(async () => {
    const { load } = await admin(emulator, "GET", "load");
    if (first5xx === null && (load.find((l) => l.host === host)?.answered["5xx"] ?? 0) > 0)
      first5xx = performance.now();
  }, 20);
  await followOperation(db, followers, opId, 300_000);
  const restored = performance.now();
  clearInterval(watcher);
  await admin(emulator, "DELETE", `load?host=${host}`);
  const release = (await getRelease(db, opId))!;
  if (release.state !== "aborted") throw new Error(`the release ended ${release.state}: ${release.note}`);
  const checks = (await releaseEntries(db, opId)).filter((e) => e.kind === "check").length;
  return {
    seconds: (restored - (first5xx ?? restored)) / 1000,
    monitoring: monitoring.n,
    cloudRun: cloudRun.n,
    checks,
  };
}

export default async function main() {
  await withPortalDb("runway-bench-release", async (db) => {
    await withEmulator({}, async (emulator) => {
      const target = { emulatorHost: `127.0.0.1:${emulator.grpcPort}` };
      const run = runClients(target);
      const observability = observabilityClients(target);
      // The first 5xx lands anywhere between two checks: the failed checks take (n − 1) to n check intervals.
      const floor = `${(PLAN.failuresToAbort - 1) * PLAN.checkSeconds}–${PLAN.failuresToAbort * PLAN.checkSeconds} s`;
      console.log(`release rollback — ${machine()}; emulator in its own process`);
      console.log(
        `canary with ERROR_RATE=0.05 at the first step (5 %); plan: checks every ${PLAN.checkSeconds} s, ${PLAN.failuresToAbort} failed in a row abort, step ${PLAN.stepSeconds} s; ${REPETITIONS} runs per load\n`,
      );
      console.log(
        "| load | first 5xx → prior traffic routed (median, min–max) | floor: failed checks needed + minute completion | goal: one step + 90 s | Monitoring calls per check | Cloud Run calls per release (checks) |",
      );
      console.log("|---|---|---|---|---|---|");
      for (const rps of LOADS) {
        const runs = [];
        for (let i = 0; i < REPETITIONS; i++) runs.push(await oneRun(db, emulator, run, observability, rps));
        const secs = runs.map((r) => r.seconds);
        const perCheck = runs.map((r) => r.monitoring / r.checks);
        console.log(
          `| ${rps} req/s | ${median(secs).toFixed(1)} s (${Math.min(...secs).toFixed(1)}–${Math.max(...secs).toFixed(1)}) | ${floor} + 0 s | ${PLAN.stepSeconds + 90} s | ${median(perCheck).toFixed(2)} | ${runs.map((r) => `${r.cloudRun} (${r.checks})`).join(", ")} |`,
        );
      }
    });
  });
}
