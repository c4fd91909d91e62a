// Broken deploys: the operation fails and says why, the revision is marked
// failed with a reason, and traffic stays on what worked.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../../test/databases";
import { CALL, hostOf, request, startTestEmulator, template, type TestEmulator } from "../../testing/harness";

let t: TestEmulator;
const parent = "projects/broken/locations/us-central1";

beforeAll(async () => {
  t = await startTestEmulator(await createEmptyDatabase(inject("pgAdminUrl"), "emu"));
});
afterAll(async () => t?.close());

async function failure(p: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await p;
  } catch (err) {
    return err as { code: number; message: string };
  }
  throw new Error("expected the operation to fail");
}

async function healthyService(id: string) {
  const [op] = await t.services.createService(
    { parent, serviceId: id, service: { template: template("gcr.io/broken/hello:v1") } },
    CALL,
  );
  await op.promise();
  const [svc] = await t.services.getService({ name: `${parent}/services/${id}` }, CALL);
  return svc;
}

async function expectStillServing(svc: Awaited<ReturnType<typeof healthyService>>) {
  const [after] = await t.services.getService({ name: svc.name }, CALL);
  expect(after.latestReadyRevision).toBe(svc.latestReadyRevision);
  expect(after.latestCreatedRevision).not.toBe(svc.latestCreatedRevision);
  expect(after.trafficStatuses).toEqual(svc.trafficStatuses);
  expect(after.observedGeneration).toBe(svc.observedGeneration);
  expect(after.terminalCondition?.state).toBe("CONDITION_FAILED");
  expect(after.reconciling).toBe(false);
  const r = await request(t.emulator.routerPort, hostOf(svc.uri!));
  expect(r.status).toBe(200);
  expect(r.headers["x-runway-revision"]).toBe(svc.latestReadyRevision!.split("/").pop());
  const [failed] = await t.revisions.getRevision({ name: after.latestCreatedRevision! }, CALL);
  return failed;
}

describe("broken deploys", () => {
  it("fails an unknown image like a missing image and keeps traffic", async () => {
    const svc = await healthyService("missing-image");
    const [op] = await t.services.updateService(
      { service: { ...svc, template: template("us-docker.pkg.dev/broken/app/no-such-app:v2") } },
      CALL,
    );
    const err = await failure(op.promise());
    expect(err.code).toBe(9);
    expect(err.message).toContain("Image 'us-docker.pkg.dev/broken/app/no-such-app:v2' not found");
    const failed = await expectStillServing(svc);
    expect(failed.conditions?.find((c) => c.type === "Ready")).toMatchObject({
      state: "CONDITION_FAILED",
      reason: "CONTAINER_MISSING",
    });
  });

  it("keeps pinned traffic when a deploy that would move it to LATEST fails", async () => {
    const svc = await healthyService("pinned");
    const rev1 = svc.latestReadyRevision!.split("/").pop()!;
    const [v2] = await t.services.updateService(
      { service: { ...svc, template: template("gcr.io/broken/hello:v2") } },
      CALL,
    );
    await v2.promise();
    const [two] = await t.services.getService({ name: svc.name }, CALL);
    const pin = [{ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION" as const, revision: rev1, percent: 100 }];
    const [pinOp] = await t.services.updateService({ service: { ...two, traffic: pin } }, CALL);
    await pinOp.promise();
    const [pinned] = await t.services.getService({ name: svc.name }, CALL);
    const [bad] = await t.services.updateService(
      {
        service: {
          ...pinned,
          template: template("gcr.io/broken/no-such-app:v3"),
          traffic: [{ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 100 }],
        },
      },
      CALL,
    );
    await failure(bad.promise());
    const [after] = await t.services.getService({ name: svc.name }, CALL);
    expect(after.trafficStatuses).toEqual(pinned.trafficStatuses);
    expect(after.observedGeneration).toBe(pinned.observedGeneration);
    expect((await request(t.emulator.routerPort, hostOf(svc.uri!))).headers["x-runway-revision"]).toBe(rev1);
  });

  it("fails a container that never listens, by its startup probe", async () => {
    const svc = await healthyService("never-listens");
    const tpl = {
      containers: [
        {
          image: "gcr.io/broken/hello:v2",
          env: [{ name: "FAIL_STARTUP", value: "hang" }],
          startupProbe: { tcpSocket: {}, timeoutSeconds: 1, periodSeconds: 1, failureThreshold: 2 },
        },
      ],
    };
    const [op] = await t.services.updateService({ service: { ...svc, template: tpl } }, CALL);
    const err = await failure(op.promise());
    expect(err.code).toBe(9);
    expect(err.message).toMatch(/Revision 'never-listens-00002-[a-z0-9]{3}' is not ready and cannot serve traffic/);
    expect(err.message).toContain("startup probe");
    const failed = await expectStillServing(svc);
    expect(failed.conditions?.find((c) => c.type === "Ready")).toMatchObject({
      state: "CONDITION_FAILED",
      reason: "REVISION_FAILED",
    });
    expect(failed.conditions?.find((c) => c.type === "ContainerHealthy")).toMatchObject({
      state: "CONDITION_FAILED",
      revisionReason: "HEALTH_CHECK_CONTAINER_ERROR",
    });
  });

  it("fails a container that exits at startup, and an HTTP startup probe that gets errors", async () => {
    const svc = await healthyService("exits");
    const [op] = await t.services.updateService(
      { service: { ...svc, template: template("gcr.io/broken/hello:v2", { FAIL_STARTUP: "exit" }) } },
      CALL,
    );
    const err = await failure(op.promise());
    expect(err.message).toContain("failed to start and listen on the port defined provided by the PORT=8080");
    expect(err.message).toContain("exit code 1");
    await expectStillServing(svc);

    const [now] = await t.services.getService({ name: svc.name }, CALL);
    const httpProbe = {
      containers: [
        {
          image: "gcr.io/broken/hello:v3",
          env: [{ name: "FAIL_HEALTH", value: "1" }],
          startupProbe: { httpGet: { path: "/health" }, timeoutSeconds: 1, periodSeconds: 1, failureThreshold: 2 },
        },
      ],
    };
    const [op2] = await t.services.updateService({ service: { ...now, template: httpProbe } }, CALL);
    const err2 = await failure(op2.promise());
    expect(err2.message).toContain("HTTP probe on /health returned 503");
  });

  it("fails a revision whose secret does not exist", async () => {
    const svc = await healthyService("secretless");
    const tpl = {
      containers: [
        {
          image: "gcr.io/broken/hello:v2",
          env: [{ name: "API_KEY", valueSource: { secretKeyRef: { secret: "missing-secret", version: "latest" } } }],
        },
      ],
    };
    const [op] = await t.services.updateService({ service: { ...svc, template: tpl } }, CALL);
    const err = await failure(op.promise());
    expect(err.message).toContain("Secret projects/broken/secrets/missing-secret was not found");
    const failed = await expectStillServing(svc);
    expect(failed.conditions?.find((c) => c.type === "Ready")?.reason).toBe("SECRETS_ACCESS_CHECK_FAILED");
  });

  it("lets a newer deploy replace one still stuck in its startup probe", async () => {
    const svc = await healthyService("stuck");
    // The default startup probe would wait 240 s for a container that never listens.
    const [stuck] = await t.services.updateService(
      { service: { ...svc, template: template("gcr.io/broken/hello:v2", { FAIL_STARTUP: "hang" }) } },
      CALL,
    );
    const [mid] = await t.services.getService({ name: svc.name }, CALL);
    expect(mid.reconciling).toBe(true);
    const [fix] = await t.services.updateService(
      { service: { ...mid, template: template("gcr.io/broken/hello:v3") } },
      CALL,
    );
    const err = await failure(stuck.promise());
    expect(err.message).toContain("was replaced by a newer revision before it became ready");
    await fix.promise();
    const [after] = await t.services.getService({ name: svc.name }, CALL);
    expect(after.terminalCondition?.state).toBe("CONDITION_SUCCEEDED");
    expect(after.latestReadyRevision).toMatch(/stuck-00003-[a-z0-9]{3}$/);
    expect((await request(t.emulator.routerPort, hostOf(after.uri!))).json()).toMatchObject({ tag: "v3" });
  });

  it("leaves a new service that never became ready without traffic or URL", async () => {
    const [op] = await t.services.createService(
      { parent, serviceId: "stillborn", service: { template: template("gcr.io/broken/unknown-app:v1") } },
      CALL,
    );
    expect((await failure(op.promise())).code).toBe(9);
    const [svc] = await t.services.getService({ name: `${parent}/services/stillborn` }, CALL);
    expect(svc.terminalCondition?.state).toBe("CONDITION_FAILED");
    expect(svc.latestReadyRevision).toBe("");
    expect(svc.trafficStatuses).toEqual([]);
    expect(svc.uri).toBe("");
    const r = await request(t.emulator.routerPort, "stillborn.us-central1.localhost");
    expect(r.status).toBe(503);

    // A good deploy afterwards recovers it.
    const [fix] = await t.services.updateService(
      { service: { ...svc, template: template("gcr.io/broken/hello:v2") } },
      CALL,
    );
    await fix.promise();
    const [fixed] = await t.services.getService({ name: svc.name }, CALL);
    expect(fixed.terminalCondition?.state).toBe("CONDITION_SUCCEEDED");
    expect((await request(t.emulator.routerPort, hostOf(fixed.uri!))).status).toBe(200);
  });
});
