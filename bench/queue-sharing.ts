// Queue sharing (issue 27): how long a deploy's operation row stays `running`
// after Cloud Run has applied the change, with no release running and with two
// releases paused, side by side (docs/decisions/0015). The portal's real queue
// (pg-boss, the portal's followers) against the emulator in its own process.
import { randomBytes, randomUUID } from "node:crypto";
import { runGuarded } from "../lib/actions";
import type { Actor } from "../lib/auth/roles";
import type { Db } from "../lib/db";
import { portalFollowers } from "../lib/followers";
import { runClients, type RunClients } from "../lib/gcp/clients";
import { getOperation, startJobs, type Jobs } from "../lib/operations";
import { getRelease, pauseReleaseDefinition, savePlanDefinition, startReleaseDefinition } from "../lib/releases";
import { deployDefinition, ensureLocations } from "../lib/services";
import { machine, median, withEmulator, withPortalDb } from "./lib";

const PROJECT = "queue-bench";
const REGION = "us-central1";
const ROUNDS = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(
  what: string,
  read: () => Promise<T | null | undefined | false>,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

async function newService(run: RunClients): Promise<{ service: string; name: string }> {
  const service = `q-${randomBytes(3).toString("hex")}`;
  const [op] = await run.services.createService({
    parent: `projects/${PROJECT}/locations/${REGION}`,
    serviceId: service,
    service: { template: { scaling: { maxInstanceCount: 2 }, containers: [{ image: "gcr.io/bench/hello:v1" }] } },
  });
  const [created] = await op.promise();
  return { service, name: created.name! };
}

/** A release of a tagged revision with no traffic, paused by a person once it observes its first step. */
async function pausedRelease(db: Db, run: RunClients, jobs: Jobs, dev: Actor): Promise<void> {
  const { service, name } = await newService(run);
  const saved = await runGuarded(
    savePlanDefinition(() => ({ onGoogle: false })),
    dev,
    {
      project: PROJECT,
      region: REGION,
      service,
      steps: "5, 25, 50, 100",
      stepSeconds: 3600,
      checkSeconds: 5,
      maxErrorPercent: 1,
      errorMarginPoints: 1,
      latencyFactor: 1.25,
      latencyFloorMs: 500,
      failuresToAbort: 2,
      minRequests: 5,
    },
    { db },
  );
  if (!saved.ok) throw new Error(saved.error);
  const [current] = await run.services.getService({ name });
  const stable = current.latestReadyRevision!.split("/").pop()!;
  const [deploy] = await run.services.updateService({
    service: {
      name,
      template: { containers: [{ image: "gcr.io/bench/hello:v2" }] },
      traffic: [{ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: stable, percent: 100 }],
    },
  });
  const canary = (await deploy.promise())[0].latestReadyRevision!.split("/").pop()!;
  const [now] = await run.services.getService({ name });
  const deps = () => ({ run, enqueueFollow: (id: string) => jobs.enqueueFollow(id), onGoogle: false });
  const started = await runGuarded(
    startReleaseDefinition(deps),
    dev,
    { project: PROJECT, region: REGION, service, etag: now.etag, idempotencyKey: randomUUID(), revision: canary },
    { db },
  );
  if (!started.ok) throw new Error(started.error);
  const id = started.data.operationId;
  await until("the release to observe", async () => (await getRelease(db, id))?.state === "observing");
  const paused = await runGuarded(
    pauseReleaseDefinition(deps),
    dev,
    { project: PROJECT, region: REGION, service, release: id },
    { db },
  );
  if (!paused.ok) throw new Error(paused.error);
}

/** One deploy: seconds from Cloud Run's change (the new revision serving, not reconciling) to the row's end. */
async function deployLag(db: Db, run: RunClients, jobs: Jobs, dev: Actor): Promise<number> {
  const { service, name } = await newService(run);
  const [current] = await run.services.getService({ name });
  const result = await runGuarded(
    deployDefinition(() => ({ clients: run, enqueueFollow: (id) => jobs.enqueueFollow(id) })),
    dev,
    {
      project: PROJECT,
      region: REGION,
      service,
      etag: current.etag ?? "",
      idempotencyKey: randomUUID(),
      image: "gcr.io/bench/hello:v3",
      env: [],
      secrets: [],
      cpu: "1",
      memory: "512Mi",
      minInstances: 0,
      maxInstances: 2,
      concurrency: 80,
      timeoutSeconds: 300,
      traffic: "all",
    },
    { db },
  );
  if (!result.ok) throw new Error(result.error);
  const id = result.data.operationId;
  const revision = result.data.revision;
  const applied = await until("Cloud Run to apply the deploy", async () => {
    const [s] = await run.services.getService({ name });
    return !s.reconciling && s.latestReadyRevision?.endsWith(`/${revision}`) && performance.now();
  });
  const ended = await until(
    "the operation row to end",
    async () => {
      const op = await getOperation(db, id);
      return op && op.status !== "running" && performance.now();
    },
    600_000,
  );
  return Math.max(0, ended - applied) / 1000;
}

export default async function main() {
  await withPortalDb("runway-bench-queue", async (db, url) => {
    await withEmulator({}, async (emulator) => {
      const target = { emulatorHost: `127.0.0.1:${emulator.grpcPort}` };
      const run = runClients(target);
      await ensureLocations(db, [{ project: PROJECT, region: REGION }]);
      const user = await db.user.create({
        data: { email: `bench-${randomBytes(3).toString("hex")}@runway.local`, role: "developer" },
      });
      const dev: Actor = { id: user.id, email: user.email, name: null, role: user.role };
      const jobs = await startJobs({ databaseUrl: url, db, followers: portalFollowers(target) });
      try {
        console.log(`queue sharing — ${machine()}; emulator in its own process; ${ROUNDS} deploys per case\n`);
        const quiet: number[] = [];
        const busy: number[] = [];
        // Quiet first: the paused releases stay paused for the second half.
        for (let i = 0; i < ROUNDS; i++) quiet.push(await deployLag(db, run, jobs, dev));
        await pausedRelease(db, run, jobs, dev);
        await pausedRelease(db, run, jobs, dev);
        for (let i = 0; i < ROUNDS; i++) busy.push(await deployLag(db, run, jobs, dev));
        const row = (label: string, s: number[]) =>
          `| ${label} | ${median(s).toFixed(2)} s | ${Math.min(...s).toFixed(2)}–${Math.max(...s).toFixed(2)} s |`;
        console.log("| case | Cloud Run applied → operation row ended (median of 5) | min–max |");
        console.log("|---|---|---|");
        console.log(row("no release running", quiet));
        console.log(row("two releases paused", busy));
        console.log(`\nratio (paused / none): ${(median(busy) / median(quiet)).toFixed(2)}`);
      } finally {
        await jobs.stop();
      }
    });
  });
}
