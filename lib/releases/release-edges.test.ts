// Releases at their edges, through the portal's own code and queue against the
// emulator: an abort from a split service (70/30, a LATEST target, an unrelated
// tag) puts the traffic back exactly as Cloud Run reads it; a configuration-only
// change made outside Runway pauses the release and is left alone; a canary
// whose container never starts fails the release, ends its snooze and fails
// the operation.
import { beforeAll, describe, expect, it } from "vitest";
import { operationEnded } from "../../test/jobs";
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
} from "../../test/releases";
import { runGuarded } from "../actions";
import { createPolicyDefinition } from "../alerting";
import { alertingClients, type AlertingClients } from "../gcp/clients";
import { getOperation } from "../operations";
import { deployCanaryDefinition, releaseEntries, startReleaseDefinition } from ".";

const bed = releaseTestbed();
let alerting: AlertingClients;
beforeAll(() => {
  alerting = alertingClients({ emulatorHost: bed.emulator.endpoint });
});

const CALL = { timeout: 60_000 };
const REVISION = "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION" as const;
const LATEST = "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST" as const;
const deps = () => actionDeps(bed.run, (id) => bed.jobs.enqueueFollow(id));

/** The service's traffic exactly as Cloud Run returns it: every target's type, revision, percent and tag, in order. */
async function traffic(name: string) {
  const [service] = await bed.run.services.getService({ name });
  return {
    spec: (service.traffic ?? []).map((t) => ({
      type: String(t.type),
      revision: t.revision ?? "",
      percent: Number(t.percent ?? 0),
      tag: t.tag ?? "",
    })),
    status: (service.trafficStatuses ?? []).map((t) => ({
      type: String(t.type),
      revision: t.revision ?? "",
      percent: Number(t.percent ?? 0),
      tag: t.tag ?? "",
    })),
  };
}

async function startFrom(ref: Ref, revision: string): Promise<string> {
  const [service] = await bed.run.services.getService({ name: ref.name });
  return started(
    await runGuarded(
      startReleaseDefinition(deps()),
      bed.dev,
      {
        project: ref.project,
        region: ref.region,
        service: ref.service,
        etag: service.etag,
        idempotencyKey: key(),
        revision,
      },
      { db: bed.db },
    ),
  );
}

/** Deploys a healthy revision as gcloud's --no-traffic would: what serves stays pinned. Returns its name. */
async function deployNoTraffic(
  ref: Ref,
  image: string,
  pinned: { type: typeof REVISION; revision: string; percent: number }[],
): Promise<string> {
  const [op] = await bed.run.services.updateService(
    {
      service: {
        name: ref.name,
        template: { scaling: { maxInstanceCount: 4 }, containers: [{ image }] },
        traffic: pinned,
      },
    },
    CALL,
  );
  const [done] = await op.promise();
  return done.latestReadyRevision!.split("/").pop()!;
}

describe("an abort from a split service", () => {
  it("puts back 70/30 with a LATEST target and an unrelated tag exactly as Cloud Run reads it: types, revisions, percents, tags", async () => {
    // The canary is an older revision with no traffic (a release can start from any ready one); it fails half its requests.
    const ref = await newService(bed.run, { ERROR_RATE: "0.5" });
    const [first] = await bed.run.services.getService({ name: ref.name });
    const canary = first.latestReadyRevision!.split("/").pop()!;
    const stable = await deployNoTraffic(ref, "gcr.io/runway-tests/hello:v2", [
      { type: REVISION, revision: canary, percent: 100 },
    ]);
    const latest = await deployNoTraffic(ref, "gcr.io/runway-tests/hello:v3", [
      { type: REVISION, revision: canary, percent: 100 },
    ]);
    const split = [
      { type: REVISION, revision: stable, percent: 70, tag: "stable" },
      { type: LATEST, percent: 30 },
    ];
    const [op] = await bed.run.services.updateService(
      { service: { name: ref.name, traffic: split }, updateMask: { paths: ["traffic"] } },
      CALL,
    );
    await op.promise();
    const before = await traffic(ref.name);
    expect(before.spec).toEqual([
      { type: REVISION, revision: stable, percent: 70, tag: "stable" },
      { type: LATEST, revision: "", percent: 30, tag: "" },
    ]);
    expect(latest).not.toBe(stable);
    expect(before.status.map((t) => [t.type, t.percent, t.tag])).toEqual([
      [REVISION, 70, "stable"],
      [LATEST, 30, ""],
    ]);

    // Only the 5xx rule: a loaded machine's slow request must not add a latency reason.
    await savePlan(bed.db, bed.dev, ref, { stepSeconds: 60, latencyFloorMs: 5_000 });
    const stop = load(bed.emulator, ref, 40);
    try {
      const id = await startFrom(ref, canary);
      // At 5 % the stable revisions share the rest as they shared everything (LATEST resolved), the tag kept.
      const at5 = await releaseWhen(bed.db, id, (x) => x.state === "observing" || x.state === "aborted", "observing");
      expect(at5.stable).toEqual([
        { revision: stable, percent: 70 },
        { revision: latest, percent: 30 },
      ]);
      const r = await releaseWhen(bed.db, id, (x) => x.state === "aborted" || x.state === "promoted", "ended");
      expect(r.state, r.note ?? "").toBe("aborted");
      expect(r.note).toMatch(/^Aborted: 5xx /);
      expect(r.note).toContain(`${canary} keeps its tag canary`);
      const after = await traffic(ref.name);
      // Exactly the targets before, in their order, LATEST still LATEST (the service follows deploys again), plus the canary's tag-only route.
      expect(after.spec).toEqual([...before.spec, { type: REVISION, revision: canary, percent: 0, tag: "canary" }]);
      expect(after.status.filter((t) => t.percent > 0)).toEqual(before.status.filter((t) => t.percent > 0));
      expect((await getOperation(bed.db, id))!).toMatchObject({ status: "failed", error: r.note });
    } finally {
      stop();
    }
  }, 150_000);
});

describe("a configuration-only change outside Runway", () => {
  it("pauses the release, says the configuration changed, and never overwrites it", async () => {
    const ref = await newService(bed.run);
    await savePlan(bed.db, bed.dev, ref, { stepSeconds: 600 });
    const canary = await deployTagged(bed.run, ref, {});
    const id = await startFrom(ref, canary);
    await releaseWhen(bed.db, id, (x) => x.state === "observing", "observing at 5 %");
    const routed = await traffic(ref.name);

    // As `gcloud run services update --update-env-vars` would: a new template, the traffic sent back as read.
    const [current] = await bed.run.services.getService({ name: ref.name });
    const container = current.template!.containers![0];
    const template = {
      ...current.template,
      revision: "",
      containers: [{ ...container, env: [...(container.env ?? []), { name: "CHANGED_OUTSIDE", value: "yes" }] }],
    };
    const [op] = await bed.run.services.updateService({ service: { ...current, template } }, CALL);
    const [changed] = await op.promise();
    const outside = changed.latestCreatedRevision!.split("/").pop()!;
    expect(outside).not.toBe(canary);

    const paused = await releaseWhen(bed.db, id, (x) => x.state === "paused", "paused");
    expect(paused.note).toBe(
      `Paused: ${ref.service} was changed outside the release${changed.lastModifier ? ` by ${changed.lastModifier}` : ""}: its configuration changed (generation ${changed.generation}) while the traffic stayed as the release left it. The release does not overwrite it: resume to carry on from the service as it is now, or abort.`,
    );
    // Left alone: a few looks later the outside template is still the service's, the traffic as the release routed it, the release still paused.
    await new Promise((res) => setTimeout(res, 3_000));
    const [now] = await bed.run.services.getService({ name: ref.name });
    expect(String(now.generation)).toBe(String(changed.generation));
    expect(now.latestCreatedRevision!.split("/").pop()).toBe(outside);
    expect(now.template!.containers![0].env).toContainEqual(
      expect.objectContaining({ name: "CHANGED_OUTSIDE", value: "yes" }),
    );
    expect(await traffic(ref.name)).toEqual(routed);
    expect((await releaseWhen(bed.db, id, () => true, "read")).state).toBe("paused");
    expect((await getOperation(bed.db, id))!.status).toBe("running");
  }, 90_000);
});

describe("a canary that never becomes ready", () => {
  it("fails the release, ends its snooze and fails the operation, leaving the traffic as it was", async () => {
    const ref = await newService(bed.run);
    const policy = await runGuarded(
      createPolicyDefinition(() => ({ clients: alerting, intakeBaseUrl: "http://127.0.0.1:1" })),
      bed.dev,
      {
        project: ref.project,
        region: ref.region,
        service: ref.service,
        kind: "error-share",
        threshold: "1",
        durationSeconds: "0",
        channels: [],
      },
      { db: bed.db },
    );
    if (!policy.ok) throw new Error(JSON.stringify(policy));
    await savePlan(bed.db, bed.dev, ref, { stepSeconds: 600, snoozeAlerts: true });
    const before = await traffic(ref.name);
    const [service] = await bed.run.services.getService({ name: ref.name });
    const id = started(
      await runGuarded(
        deployCanaryDefinition(deps()),
        bed.dev,
        {
          project: ref.project,
          region: ref.region,
          service: ref.service,
          etag: service.etag,
          idempotencyKey: key(),
          image: "gcr.io/runway-tests/hello:v2",
          // The sample app's knob: the container exits at start, so the revision never becomes ready.
          env: [{ name: "FAIL_STARTUP", value: "exit" }],
          cpu: "1",
          memory: "512Mi",
          minInstances: 0,
          maxInstances: 4,
          concurrency: 80,
          timeoutSeconds: 60,
          traffic: "canary",
        },
        { db: bed.db },
      ),
    );

    const op = await operationEnded(bed.db, id);
    const r = await releaseWhen(bed.db, id, (x) => x.state === "failed", "failed");
    expect(r.note).toMatch(new RegExp(`^The canary revision ${r.canary} did not become ready: .*exit code 1`));
    expect(op).toMatchObject({ status: "failed", error: r.note });
    expect((await getOperation(bed.db, id))!.steps.find((s) => s.state === "failed")).toBeTruthy();
    expect((await releaseEntries(bed.db, id)).map((e) => e.text)).toContainEqual(
      expect.stringMatching(/^Deploy failed: .*exit code 1/),
    );

    // The snooze it made for the service's policy has ended with it.
    expect(r.snooze).toMatchObject({ state: "ended", policies: [policy.data.name] });
    const [snooze] = await alerting.snoozes.getSnooze({ name: r.snooze!.name! });
    expect(Number(snooze.interval!.endTime!.seconds) * 1000).toBeLessThanOrEqual(Date.now());
    expect(snooze.criteria?.policies).toEqual([policy.data.name]);

    // Nothing moved: the revision that served still serves everything; the failed one has no traffic.
    expect((await traffic(ref.name)).status.filter((t) => t.percent > 0).map((t) => [t.revision, t.percent])).toEqual(
      before.status.filter((t) => t.percent > 0).map((t) => [t.revision, t.percent]),
    );
    expect(
      await bed.db.auditEvent.findFirst({ where: { requestId: id, action: "releases.release.completed" } }),
    ).toMatchObject({ outcome: "failed" });
  }, 120_000);
});
