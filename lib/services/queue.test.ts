// Service writes are followed through the Postgres-backed queue: by whichever
// instance runs a worker, also when the one that started them is gone.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator } from "../../test/emulator";
import { createPortalDatabaseUrl, makeUser } from "../../test/portal-db";
import { runGuarded } from "../actions";
import { createDb, type Db } from "../db";
import { EMULATOR_DEFAULT_LOCATIONS, ensureLocations } from "./locations";
import type { RunClients } from "../gcp/clients";
import { deployDefinition, getService, serviceFollowers } from ".";
import { operationEnded } from "../../test/jobs";
import { getOperation, startJobs, type Jobs } from "../operations";

let db: Db;
let url: string;
let clients: RunClients;
let stopEmulator: () => Promise<void>;
const ref = { project: "elevendops-prod", region: "us-central1", service: "elevendops" };

beforeAll(async () => {
  const t = await startTestEmulator();
  clients = t.clients;
  stopEmulator = () => t.emulator.stop();
  url = await createPortalDatabaseUrl();
  db = createDb(url);
  await ensureLocations(db, EMULATOR_DEFAULT_LOCATIONS);
}, 120_000);

afterAll(async () => {
  await stopEmulator?.();
});

async function deployWith(enqueueFollow: (id: string) => Promise<void>, tag: string) {
  const dev = await makeUser(db, "developer");
  const { service } = await getService(ref, clients);
  const result = await runGuarded(
    deployDefinition(() => ({ clients, enqueueFollow })),
    dev,
    {
      ...ref,
      etag: service.etag,
      idempotencyKey: randomUUID(),
      image: `us-central1-docker.pkg.dev/elevendops-prod/app/elevendops:${tag}`,
      env: [],
      secrets: [],
      cpu: "2",
      memory: "1Gi",
      minInstances: 0,
      maxInstances: 10,
      concurrency: 80,
      timeoutSeconds: 300,
      traffic: "all",
    },
    { db },
  );
  if (!result.ok) throw new Error(result.error);
  return result.data.operationId;
}

describe("the follow-operation queue", () => {
  it("follows a deploy to the end from the queue", async () => {
    const jobs: Jobs = await startJobs({ databaseUrl: url, db, followers: serviceFollowers(() => clients) });
    try {
      const id = await deployWith((opId) => jobs.enqueueFollow(opId), "v2");
      const op = await operationEnded(db, id);
      expect(op.status).toBe("succeeded");
      expect(op.steps.every((s) => s.state === "done")).toBe(true);
      const completed = await db.auditEvent.findFirst({
        where: { action: "services.deploy.completed", requestId: id },
      });
      expect(completed?.outcome).toBe("success");
    } finally {
      await jobs.stop();
    }
  });

  it("finishes an operation whose instance stopped before following it", async () => {
    // The instance that deployed "died" right after sending the update.
    const id = await deployWith(async () => {}, "v3");
    expect((await getOperation(db, id))!.status).toBe("running");
    const other: Jobs = await startJobs({ databaseUrl: url, db, followers: serviceFollowers(() => clients) });
    try {
      await other.enqueueFollow(id);
      await other.enqueueFollow(id); // asked twice: still one follower
      expect((await operationEnded(db, id)).status).toBe("succeeded");
    } finally {
      await other.stop();
    }
  });
});
