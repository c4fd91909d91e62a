// Canary releases through the portal's own code and queue against the
// emulator, with steps of a few seconds: a healthy canary is promoted, a bad
// one (5xx, latency) is aborted with the traffic put back exactly, and a
// canary nobody calls holds as inconclusive.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  releaseTestbed,
  actionDeps,
  deployTagged,
  FAST_PLAN,
  key,
  load,
  newService,
  releaseWhen,
  savePlan,
  started,
} from "../../test/releases";
import type { Emulator } from "../../emulator";
import { runGuarded } from "../actions";
import type { Actor } from "../auth/roles";
import type { Db } from "../db";
import type { RunClients } from "../gcp/clients";
import { getOperation, type Jobs } from "../operations";
import { deployCanaryDefinition, releaseEntries, startReleaseDefinition } from ".";
import { toTargets, sameTraffic } from "./split";

let db: Db;
let run: RunClients;
let emulator: Emulator;
let jobs: Jobs;
let dev: Actor;

const bed = releaseTestbed();
beforeAll(() => {
  ({ db, run, emulator, jobs, dev } = bed);
});
// A test that fails with a fault set must not leave it to the next one.
afterEach(() => {
  emulator.faults.set([]);
});

const deps = () => actionDeps(run, (id) => jobs.enqueueFollow(id));
const spec = async (name: string) => toTargets((await run.services.getService({ name }))[0].traffic);

async function startFrom(ref: Awaited<ReturnType<typeof newService>>, revision: string) {
  const [service] = await run.services.getService({ name: ref.name });
  return started(
    await runGuarded(
      startReleaseDefinition(deps()),
      dev,
      {
        project: ref.project,
        region: ref.region,
        service: ref.service,
        etag: service.etag,
        idempotencyKey: key(),
        revision,
      },
      { db },
    ),
  );
}

describe("canary releases", () => {
  it("takes a healthy canary under load from the deploy form 5 → 25 → 50 → 100 %, and it ends as the only serving revision", async () => {
    const ref = await newService(run);
    // The machine is shared: a stalled request must not fail this one (the latency rule has its own test).
    await savePlan(db, dev, ref, { latencyFloorMs: 5_000 });
    const stop = load(emulator, ref, 30);
    try {
      // Monitoring refuses twice on the way (quota): retried with backoff, never a failed check.
      emulator.faults.set([{ method: "ListTimeSeries", code: "RESOURCE_EXHAUSTED", times: 4 }]);
      const [service] = await run.services.getService({ name: ref.name });
      const id = started(
        await runGuarded(
          deployCanaryDefinition(deps()),
          dev,
          {
            project: ref.project,
            region: ref.region,
            service: ref.service,
            etag: service.etag,
            idempotencyKey: key(),
            image: "gcr.io/runway-tests/hello:v2",
            cpu: "1",
            memory: "512Mi",
            minInstances: 0,
            maxInstances: 4,
            concurrency: 80,
            timeoutSeconds: 60,
            traffic: "canary",
          },
          { db },
        ),
      );
      const r = await releaseWhen(db, id, (x) => x.state === "promoted" || x.state === "aborted", "ended", 120_000);
      expect(r.state, r.note ?? "").toBe("promoted");
      const [after] = await run.services.getService({ name: ref.name });
      expect(
        (after.trafficStatuses ?? [])
          .filter((t) => Number(t.percent) > 0)
          .map((t) => [t.revision || after.latestReadyRevision!.split("/").pop(), Number(t.percent)]),
      ).toEqual([[r.canary, 100]]);
      const decisions = (await releaseEntries(db, id))
        .reverse()
        .filter((e) => e.kind === "decision")
        .map((e) => e.text);
      expect(decisions.filter((t) => t.startsWith("Canary at")).map((t) => t.split(" (")[0])).toEqual([
        "Canary at 5 %",
        "Canary at 25 %",
        "Canary at 50 %",
      ]);
      expect(
        decisions.filter((t) => /not counted as a check/.test(t)).map((t) => t.replace(/.* (Retrying in)/, "$1")),
      ).toEqual([
        "Retrying in 1 s (attempt 1); not counted as a check.",
        "Retrying in 2 s (attempt 2); not counted as a check.",
      ]);
      expect(decisions.at(-1)).toMatch(/^Promoted: .* takes all traffic/);
      const checks = (await releaseEntries(db, id)).filter((e) => e.kind === "check");
      expect(checks.some((c) => c.text.startsWith("Failed"))).toBe(false);
      const op = (await getOperation(db, id))!;
      expect(op.status).toBe("succeeded");
      expect(op.steps.map((s) => [s.label, s.state])).toEqual([
        ["Canary revision ready", "done"],
        ["5 %", "done"],
        ["25 %", "done"],
        ["50 %", "done"],
        ["100 % (promoted)", "done"],
      ]);
      expect(
        await db.auditEvent.findFirst({ where: { requestId: id, action: "releases.release.completed" } }),
      ).toMatchObject({ outcome: "success" });
    } finally {
      stop();
      emulator.faults.set([]);
    }
  }, 150_000);

  it("aborts a canary with 5 % 5xx at its first step, putting back the exact prior split and tags", async () => {
    const ref = await newService(run);
    // Only the 5xx rule here: a loaded machine's slow request must not add a latency reason.
    await savePlan(db, dev, ref, { stepSeconds: 60, latencyFloorMs: 5_000 });
    const canary = await deployTagged(run, ref, { ERROR_RATE: "0.05" }, "candidate");
    const before = await spec(ref.name);
    const stop = load(emulator, ref, 40);
    try {
      const id = await startFrom(ref, canary);
      const r = await releaseWhen(db, id, (x) => x.state === "aborted" || x.state === "promoted", "ended");
      expect(r).toMatchObject({ state: "aborted", stepIndex: 0 });
      expect(r.note).toMatch(
        /^Aborted: 5xx \d+\.\d % > 1\.0 % and > stable 0\.0 % \+ 1 pt; 2 failed checks in a row \(the plan aborts at 2\)\. Traffic is back/,
      );
      expect(r.note).toContain(`${canary} keeps its tag candidate`);
      expect(sameTraffic(await spec(ref.name), before)).toBe(true);
      const op = (await getOperation(db, id))!;
      expect(op).toMatchObject({ status: "failed", error: r.note });
    } finally {
      stop();
    }
  }, 120_000);

  it("aborts a canary with 3 × the latency", async () => {
    const ref = await newService(run, { LATENCY_MS: "200" });
    await savePlan(db, dev, ref, { stepSeconds: 60 });
    const canary = await deployTagged(run, ref, { LATENCY_MS: "600" });
    const before = await spec(ref.name);
    const stop = load(emulator, ref, 20);
    try {
      const id = await startFrom(ref, canary);
      const r = await releaseWhen(db, id, (x) => x.state === "aborted" || x.state === "promoted", "ended");
      expect(r.state).toBe("aborted");
      expect(r.note).toMatch(/p99 \d+ ms > 500 ms and > 1\.25 × stable \d+ ms/);
      expect(sameTraffic(await spec(ref.name), before)).toBe(true);
    } finally {
      stop();
    }
  }, 120_000);

  it("holds a canary nobody calls as inconclusive, and never promotes it", async () => {
    const ref = await newService(run);
    await savePlan(db, dev, ref, { stepSeconds: 2 });
    const canary = await deployTagged(run, ref, {});
    const id = await startFrom(ref, canary);
    const r = await releaseWhen(db, id, (x) => x.state === "holding", "holding", 60_000);
    expect(r.note).toBe(
      `Inconclusive: only 0 of the ${FAST_PLAN.minRequests} canary requests the plan needs after 3 × the step. Promote or abort.`,
    );
    expect(r.stepIndex).toBe(0);
    const traffic = await spec(ref.name);
    expect(traffic.find((t) => t.revision === canary && t.percent > 0)?.percent).toBe(5);
    expect((await getOperation(db, id))!.status).toBe("running");
    // Still holding a while later: nothing moves without a person.
    await new Promise((res) => setTimeout(res, 3_000));
    expect((await releaseWhen(db, id, () => true, "read")).state).toBe("holding");
  }, 90_000);
});
