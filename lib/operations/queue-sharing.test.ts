// Followers share the queue: a release that waits (paused by a person) must not
// hold it. Two paused releases sit beside a deploy, a rotation and a second
// release that runs its plan; each of those ends on its own while the paused
// ones stay paused. With a worker that waits inside a job (the queue before
// docs/decisions/0015), the two paused releases took turns on the one worker
// and nothing else was ever followed.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  actionDeps,
  deployTagged,
  key,
  load,
  newService,
  releaseWhen,
  savePlan,
  started,
  releaseTestbed,
  type Ref,
  startReleaseInput,
} from "../../test/releases";
import { makeUser } from "../../test/portal-db";
import { operationEnded } from "../../test/jobs";
import { runGuarded } from "../actions";
import { secretsClient, sqlClients } from "../gcp/clients";
import { abortReleaseDefinition, pauseReleaseDefinition, startReleaseDefinition } from "../releases";
import { rotateDefinition } from "../secrets/rotate";
import { deployDefinition, getService } from "../services";
import { getOperation } from ".";

const bed = releaseTestbed();
const deps = () => actionDeps(bed.run, (id) => bed.jobs.enqueueFollow(id));

async function startRelease(ref: Ref, revision: string): Promise<string> {
  const input = await startReleaseInput(bed.run, ref, revision);
  return started(await runGuarded(startReleaseDefinition(deps()), bed.dev, input, { db: bed.db }));
}

async function pausedRelease(): Promise<{ ref: Ref; id: string }> {
  const ref = await newService(bed.run);
  await savePlan(bed.db, bed.dev, ref, { stepSeconds: 600 });
  const id = await startRelease(ref, await deployTagged(bed.run, ref, {}));
  await releaseWhen(bed.db, id, (r) => r.state === "observing", "observing at 5 %");
  const paused = await runGuarded(
    pauseReleaseDefinition(deps()),
    bed.dev,
    { project: ref.project, region: ref.region, service: ref.service, release: id },
    { db: bed.db },
  );
  expect(paused).toMatchObject({ ok: true, data: { state: "paused" } });
  return { ref, id };
}

describe("the operation queue", () => {
  it("follows a deploy, a rotation and a running release to their ends while two releases stay paused", async () => {
    const held = [await pausedRelease(), await pausedRelease()];

    // A release that runs its whole plan under load.
    const moving = await newService(bed.run);
    // Only the steps matter here: latency on a busy machine must not abort it (it is judged in releases.test.ts).
    await savePlan(bed.db, bed.dev, moving, { minRequests: 3, latencyFloorMs: 600_000 });
    const stopLoad = load(bed.emulator, moving, 20);
    const releaseId = await startRelease(moving, await deployTagged(bed.run, moving, {}));

    // A deploy of another service.
    const target = await newService(bed.run);
    const { service } = await getService(
      { project: target.project, region: target.region, service: target.service },
      bed.run,
    );
    const deploy = await runGuarded(
      deployDefinition(() => ({ clients: bed.run, enqueueFollow: (id) => bed.jobs.enqueueFollow(id) })),
      bed.dev,
      {
        project: target.project,
        region: target.region,
        service: target.service,
        etag: service.etag,
        idempotencyKey: key(),
        image: "gcr.io/runway-tests/hello:v3",
        env: [],
        secrets: [],
        cpu: "1",
        memory: "512Mi",
        minInstances: 0,
        maxInstances: 4,
        concurrency: 80,
        timeoutSeconds: 300,
        traffic: "all",
      },
      { db: bed.db },
    );
    const deployId = started(deploy);

    // A rotation of a secret no service reads.
    const secrets = secretsClient({ emulatorHost: bed.emulator.endpoint });
    const secret = `queue-${randomBytes(3).toString("hex")}`;
    await secrets.createSecret({
      parent: `projects/${moving.project}`,
      secretId: secret,
      secret: { replication: { automatic: {} } },
    });
    await secrets.addSecretVersion({
      parent: `projects/${moving.project}/secrets/${secret}`,
      payload: { data: Buffer.from("first") },
    });
    const operator = await makeUser(bed.db, "operator");
    const rotationDeps = {
      run: bed.run,
      secrets,
      sql: sqlClients({ emulatorHost: bed.emulator.endpoint }),
      enqueueFollow: (id: string) => bed.jobs.enqueueFollow(id),
    };
    const rotationId = started(
      await runGuarded(
        rotateDefinition(() => rotationDeps),
        operator,
        { project: moving.project, secret, idempotencyKey: key(), mode: "generate", alphabet: "hex", length: 32 },
        { db: bed.db },
      ),
    );

    try {
      expect((await operationEnded(bed.db, deployId)).status).toBe("succeeded");
      expect((await operationEnded(bed.db, rotationId)).status).toBe("succeeded");
      const promoted = await releaseWhen(
        bed.db,
        releaseId,
        (r) => r.state !== "shifting" && r.state !== "observing" && r.state !== "deploying",
        "ended",
        120_000,
      );
      expect(promoted.state).toBe("promoted");
      expect((await operationEnded(bed.db, releaseId)).status).toBe("succeeded");
    } finally {
      stopLoad();
    }

    // The paused ones waited all along, and still answer a person at once.
    for (const { ref, id } of held) {
      expect((await releaseWhen(bed.db, id, () => true, "read")).state).toBe("paused");
      expect((await getOperation(bed.db, id))!.status).toBe("running");
      const aborted = await runGuarded(
        abortReleaseDefinition(deps()),
        bed.dev,
        { project: ref.project, region: ref.region, service: ref.service, release: id },
        { db: bed.db },
      );
      expect(aborted).toMatchObject({ ok: true });
      expect((await releaseWhen(bed.db, id, (r) => r.state === "aborted", "aborted")).state).toBe("aborted");
    }
  }, 300_000);
});
