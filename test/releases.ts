// Canary releases against a real emulator: a fresh service per test (the
// `hello` image, misbehaving through its env knobs), a plan of steps a few
// seconds long, steady load from the emulator, and waits on the release's row.
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import type { Emulator } from "../emulator";
import { runGuarded } from "../lib/actions";
import type { Actor } from "../lib/auth/roles";
import { createDb, type Db } from "../lib/db";
import type { RunClients } from "../lib/gcp/clients";
import { ensureLocations } from "../lib/services/locations";
import type { Jobs } from "../lib/operations";
import { getRelease, savePlanDefinition, type ReleaseActionDeps, type ReleaseRow } from "../lib/releases";

import { startTestEmulator } from "./emulator";
import { startTestJobs } from "./jobs";
import { createPortalDatabaseUrl, makeUser } from "./portal-db";

export const PROJECT = "release-tests";
export const REGION = "us-central1";
const IMAGE = "gcr.io/runway-tests/hello";
const CALL = { timeout: 60_000 };

export type Ref = { project: string; region: string; service: string; name: string; host: string };
const env = (vars: Record<string, string>) => Object.entries(vars).map(([name, value]) => ({ name, value }));

/** A new service whose one revision runs `hello` with `vars` (e.g. LATENCY_MS), all traffic to it. */
export async function newService(run: RunClients, vars: Record<string, string> = {}): Promise<Ref> {
  const service = `rel-${randomBytes(3).toString("hex")}`;
  const parent = `projects/${PROJECT}/locations/${REGION}`;
  const [op] = await run.services.createService(
    {
      parent,
      serviceId: service,
      service: {
        template: { scaling: { maxInstanceCount: 4 }, containers: [{ image: `${IMAGE}:v1`, env: env(vars) }] },
      },
    },
    CALL,
  );
  const [created] = await op.promise();
  return { project: PROJECT, region: REGION, service, name: created.name!, host: new URL(created.uri!).hostname };
}

/** Deploys `vars` as a revision with no traffic under `tag` (blue/green), as gcloud would; returns its name. */
export async function deployTagged(
  run: RunClients,
  ref: Ref,
  vars: Record<string, string>,
  tag = "canary",
): Promise<string> {
  const [current] = await run.services.getService({ name: ref.name });
  const serving = (current.trafficStatuses ?? [])
    .filter((t) => Number(t.percent) > 0)
    .map((t) => ({
      type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION" as const,
      revision: t.revision || current.latestReadyRevision!.split("/").pop()!,
      percent: Number(t.percent),
    }));
  const [op] = await run.services.updateService(
    {
      service: {
        name: ref.name,
        template: { scaling: { maxInstanceCount: 4 }, containers: [{ image: `${IMAGE}:v2`, env: env(vars) }] },
        traffic: serving,
      },
    },
    CALL,
  );
  const [done] = await op.promise();
  const revision = done.latestReadyRevision!.split("/").pop()!;
  // Then reachable under its tag, with no traffic.
  const traffic = [...serving, { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION" as const, revision, percent: 0, tag }];
  const [route] = await run.services.updateService(
    { service: { name: ref.name, traffic }, updateMask: { paths: ["traffic"] } },
    CALL,
  );
  await route.promise();
  return revision;
}

/** Steps of a few seconds, checked every second or two; what a test changes on top. */
export const FAST_PLAN = {
  steps: "5, 25, 50, 100",
  stepSeconds: 4,
  checkSeconds: 1,
  maxErrorPercent: 1,
  errorMarginPoints: 1,
  latencyFactor: 1.25,
  latencyFloorMs: 500,
  failuresToAbort: 2,
  minRequests: 5,
};

export async function savePlan(
  db: Db,
  dev: Actor,
  ref: Ref,
  plan: Partial<typeof FAST_PLAN> & { promoteOnLowTraffic?: boolean; snoozeAlerts?: boolean } = {},
) {
  const result = await runGuarded(
    savePlanDefinition(() => ({ onGoogle: false })),
    dev,
    { project: ref.project, region: ref.region, service: ref.service, ...FAST_PLAN, ...plan },
    { db },
  );
  if (!result.ok) throw new Error(JSON.stringify(result));
}

/** Waits until the release row satisfies `done`; returns it. */
export async function releaseWhen(
  db: Db,
  id: string,
  done: (r: ReleaseRow) => boolean,
  what: string,
  timeoutMs = 90_000,
): Promise<ReleaseRow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await getRelease(db, id);
    if (r && done(r)) return r;
    if (Date.now() > deadline)
      throw new Error(
        `release ${id}: still not ${what}; now ${JSON.stringify({ state: r?.state, step: r?.stepIndex, note: r?.note })}`,
      );
    await new Promise((res) => setTimeout(res, 200));
  }
}

export function load(emulator: Emulator, ref: Ref, rps: number): () => void {
  emulator.load.set({ host: ref.host, rps, path: "/" });
  return () => emulator.load.clear(ref.host);
}

export const actionDeps =
  (run: RunClients, enqueueFollow: (id: string) => Promise<void>): (() => ReleaseActionDeps) =>
  () => ({ run, enqueueFollow, onGoogle: false });

export function started(result: { ok: boolean }): string {
  if (!result.ok) throw new Error(JSON.stringify(result));
  return (result as unknown as { data: { operationId: string } }).data.operationId;
}

export const key = () => randomUUID();

/** A release start's input for `revision`, with the etag the service has now (as the page reads it). */
export async function startReleaseInput(run: RunClients, ref: Ref, revision: string, idempotencyKey = key()) {
  const [service] = await run.services.getService({ name: ref.name });
  return {
    project: ref.project,
    region: ref.region,
    service: ref.service,
    etag: service.etag,
    idempotencyKey,
    revision,
  };
}

export type Testbed = { db: Db; run: RunClients; emulator: Emulator; jobs: Jobs; dev: Actor };

/** An emulator, a portal database, the portal's queue on them and a developer, for one test file. */
export function releaseTestbed(): Testbed {
  const bed = {} as Testbed;
  beforeAll(async () => {
    const t = await startTestEmulator({ idleTimeoutMs: 60_000 });
    bed.emulator = t.emulator;
    bed.run = t.clients;
    const url = await createPortalDatabaseUrl();
    bed.db = createDb(url);
    // Settings covers the test project, or the guard refuses every release action.
    await ensureLocations(bed.db, [{ project: PROJECT, region: REGION }]);
    bed.jobs = await startTestJobs({ databaseUrl: url, db: bed.db, emulatorHost: bed.emulator.endpoint });
    bed.dev = await makeUser(bed.db, "developer");
  }, 120_000);
  afterAll(async () => {
    await bed.jobs?.stop();
    await bed.emulator?.stop();
  });
  return bed;
}
