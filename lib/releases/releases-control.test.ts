// People stepping in (pause, resume, promote now, abort now), someone else
// editing the traffic, a portal killed with -9 mid-release, double submits,
// second releases, refused roles and invalid plans: through the portal's own
// code against the emulator.
import { spawn } from "node:child_process";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createPortalDatabaseUrl, makeUser } from "../../test/portal-db";
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
  type Ref,
  startReleaseInput,
} from "../../test/releases";
import type { Emulator } from "../../emulator";
import { runGuarded } from "../actions";
import type { Actor } from "../auth/roles";
import { createDb, type Db } from "../db";
import { ensureLocations } from "../services/locations";
import type { RunClients } from "../gcp/clients";
import { getOperation, startJobs, type Jobs } from "../operations";
import { portalFollowers } from "../followers";
import {
  abortReleaseDefinition,
  pauseReleaseDefinition,
  promoteReleaseDefinition,
  readPlan,
  releaseEntries,
  resumeReleaseDefinition,
  savePlanDefinition,
  startReleaseDefinition,
  DEFAULT_PLAN,
} from ".";
import { sameTraffic, toTargets } from "./split";

let db: Db;
let run: RunClients;
let emulator: Emulator;
let jobs: Jobs;
let dev: Actor;

const bed = releaseTestbed();
beforeAll(() => {
  ({ db, run, emulator, jobs, dev } = bed);
});

const deps = () => actionDeps(run, (id) => jobs.enqueueFollow(id));
const spec = async (name: string) => toTargets((await run.services.getService({ name }))[0].traffic);
const control = (def: typeof pauseReleaseDefinition, ref: Ref, release: string, actor = dev, database = db) =>
  runGuarded(
    def(deps()),
    actor,
    { project: ref.project, region: ref.region, service: ref.service, release },
    { db: database },
  );

const startInput = (ref: Ref, revision: string, idempotencyKey = key()) =>
  startReleaseInput(run, ref, revision, idempotencyKey);

describe("stepping in", () => {
  it("pauses, resumes and promotes now", async () => {
    const ref = await newService(run);
    await savePlan(db, dev, ref, { stepSeconds: 600 });
    const canary = await deployTagged(run, ref, {});
    const id = started(await runGuarded(startReleaseDefinition(deps()), dev, await startInput(ref, canary), { db }));
    await releaseWhen(db, id, (r) => r.state === "observing", "observing at 5 %");
    expect(await control(pauseReleaseDefinition, ref, id)).toMatchObject({ ok: true, data: { state: "paused" } });
    expect((await releaseWhen(db, id, () => true, "read")).note).toBe(`Paused by ${dev.email}.`);
    expect(await control(resumeReleaseDefinition, ref, id)).toMatchObject({ ok: true, data: { state: "observing" } });
    expect(await control(promoteReleaseDefinition, ref, id)).toMatchObject({ ok: true, data: { state: "shifting" } });
    const r = await releaseWhen(db, id, (x) => x.state === "promoted", "promoted");
    expect(r.note).toBe(`Promoted: ${canary} takes all traffic (promoted now by ${dev.email}).`);
    expect((await spec(ref.name)).filter((t) => t.percent > 0)).toEqual([
      { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 100 },
    ]);
    const actions = (
      await db.auditEvent.findMany({
        where: { target: ref.name, action: { startsWith: "releases." } },
        orderBy: { at: "asc" },
      })
    ).map((a) => [a.action, a.outcome]);
    expect(actions).toEqual([
      ["releases.save-plan", "success"],
      ["releases.start", "success"],
      ["releases.pause", "success"],
      ["releases.resume", "success"],
      ["releases.promote", "success"],
      ["releases.release.completed", "success"],
    ]);
  }, 90_000);

  it("aborts now, back to the exact prior traffic", async () => {
    const ref = await newService(run);
    await savePlan(db, dev, ref, { stepSeconds: 600 });
    const canary = await deployTagged(run, ref, {}, "next");
    const before = await spec(ref.name);
    const id = started(await runGuarded(startReleaseDefinition(deps()), dev, await startInput(ref, canary), { db }));
    await releaseWhen(db, id, (r) => r.state === "observing", "observing");
    expect((await spec(ref.name)).find((t) => t.revision === canary)).toEqual({
      type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION",
      revision: canary,
      percent: 5,
      tag: "next",
    });
    expect(await control(abortReleaseDefinition, ref, id)).toMatchObject({ ok: true });
    const r = await releaseWhen(db, id, (x) => x.state === "aborted", "aborted");
    expect(r.note).toBe(
      `Aborted: aborted now by ${dev.email}. Traffic is back as it was before the release; ${canary} keeps its tag next.`,
    );
    expect(sameTraffic(await spec(ref.name), before)).toBe(true);
    expect(await control(resumeReleaseDefinition, ref, id)).toMatchObject({
      ok: false,
      code: "conflict",
      error: "This release has already ended (aborted).",
    });
  }, 90_000);

  it("pauses when someone else edits the traffic, says what changed and leaves the change alone", async () => {
    const ref = await newService(run);
    await savePlan(db, dev, ref, { stepSeconds: 600 });
    const canary = await deployTagged(run, ref, {});
    const id = started(await runGuarded(startReleaseDefinition(deps()), dev, await startInput(ref, canary), { db }));
    const r = await releaseWhen(db, id, (x) => x.state === "observing", "observing");
    // As gcloud or the console would: half the traffic to the canary.
    const edited = [
      { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION" as const, revision: r.stable[0].revision, percent: 50 },
      { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION" as const, revision: canary, percent: 50, tag: "canary" },
    ];
    const [op] = await run.services.updateService({
      service: { name: ref.name, traffic: edited },
      updateMask: { paths: ["traffic"] },
    });
    await op.promise();
    const paused = await releaseWhen(db, id, (x) => x.state === "paused", "paused");
    expect(paused.note).toContain(`${ref.service} was changed outside the release`);
    expect(paused.note).toContain(
      `traffic is now ${r.stable[0].revision} 50 %, ${canary} 50 % (tag canary), where the release had ${r.stable[0].revision} 95 %, ${canary} 5 % (tag canary)`,
    );
    await new Promise((res) => setTimeout(res, 2_000));
    expect(sameTraffic(await spec(ref.name), edited)).toBe(true);
    expect((await releaseWhen(db, id, () => true, "read")).state).toBe("paused");
  }, 90_000);
});

describe("starting", () => {
  it("starts one release for a double submit, and refuses a second release on the service", async () => {
    const ref = await newService(run);
    await savePlan(db, dev, ref, { stepSeconds: 600 });
    const canary = await deployTagged(run, ref, {});
    const input = await startInput(ref, canary);
    const [a, b] = await Promise.all([
      runGuarded(startReleaseDefinition(deps()), dev, input, { db }),
      runGuarded(startReleaseDefinition(deps()), dev, input, { db }),
    ]);
    expect(started(a)).toBe(started(b));
    expect(await db.release.count({ where: { service: ref.name } })).toBe(1);
    await releaseWhen(db, started(a), (x) => x.state === "observing", "observing");
    const other = await deployTagged(run, ref, {}, "other");
    const second = await runGuarded(startReleaseDefinition(deps()), dev, await startInput(ref, other), { db });
    expect(second).toMatchObject({
      ok: false,
      code: "conflict",
      error: `A release of this service started by ${dev.email} is still running; wait for it to finish.`,
    });
    expect(await db.release.count({ where: { service: ref.name } })).toBe(1);
    await control(abortReleaseDefinition, ref, started(a));
  }, 90_000);

  it("refuses a viewer, audited, starting nothing", async () => {
    const ref = await newService(run);
    const canary = await deployTagged(run, ref, {});
    const viewer = await makeUser(db, "viewer");
    const input = await startInput(ref, canary);
    expect(await runGuarded(startReleaseDefinition(deps()), viewer, input, { db })).toMatchObject({
      ok: false,
      code: "forbidden",
    });
    expect(await control(abortReleaseDefinition, ref, "00000000-0000-4000-8000-000000000000", viewer)).toMatchObject({
      ok: false,
      code: "forbidden",
    });
    const audits = await db.auditEvent.findMany({ where: { actorEmail: viewer.email }, orderBy: { at: "asc" } });
    expect(audits.map((a) => [a.action, a.outcome])).toEqual([
      ["releases.start", "denied"],
      ["releases.abort", "denied"],
    ]);
    expect(await db.release.count({ where: { service: ref.name } })).toBe(0);
  }, 60_000);

  it("refuses invalid plans with field errors and saves nothing", async () => {
    const ref = await newService(run);
    const save = (plan: Record<string, unknown>, onGoogle = false) =>
      runGuarded(
        savePlanDefinition(() => ({ onGoogle })),
        dev,
        { project: ref.project, region: ref.region, service: ref.service, ...FAST_PLAN, ...plan },
        { db },
      );
    expect(await save({ steps: "5, 50", minRequests: "-3", latencyFactor: "0.9" })).toMatchObject({
      ok: false,
      code: "invalid",
      fieldErrors: {
        steps: ["The last step must be 100 %: reaching it is the promotion."],
        minRequests: ["Digits only: enter a number of requests from 0 to 1000000."],
        latencyFactor: ["Enter a factor from 1 to 10."],
      },
    });
    expect(await save({ stepSeconds: 30, checkSeconds: 10 }, true)).toMatchObject({
      ok: false,
      code: "invalid",
      error: "Check the highlighted fields; nothing was saved.",
      fieldErrors: { stepSeconds: ["Cloud Monitoring keeps one point a minute: at least 60 s on Google Cloud."] },
    });
    expect(await readPlan(db, ref.name)).toEqual({ plan: DEFAULT_PLAN, saved: null });
    const refused = await db.auditEvent.findMany({
      where: { actorEmail: dev.email, action: "releases.save-plan", outcome: "invalid" },
      orderBy: { at: "desc" },
      take: 2,
    });
    expect(refused.map((a) => (a.input as { service: string }).service)).toEqual([ref.service, ref.service]);
  }, 60_000);
});

describe("durability", () => {
  it("carries on after the portal following it is killed with -9 mid-release: no step twice, none skipped", async () => {
    // Its own database: the only followers are the process below, then the one started after it died.
    const url = await createPortalDatabaseUrl();
    const own = createDb(url);
    const person = await makeUser(own, "developer");
    const ref = await newService(run);
    await ensureLocations(own, [{ project: ref.project, region: ref.region }]);
    // The machine is shared: latency is judged in releases.test.ts; here only the steps matter.
    await savePlan(own, person, ref, { latencyFloorMs: 5_000 });
    const canary = await deployTagged(run, ref, {});
    const stop = load(emulator, ref, 30);
    const child = spawn(
      process.execPath,
      [path.resolve("node_modules/tsx/dist/cli.mjs"), "--conditions=react-server", "test/release-follower-process.ts"],
      {
        env: { ...process.env, PORTAL_DATABASE_URL: url, EMULATOR_HOST: emulator.endpoint, LOG_LEVEL: "error" },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let other: Jobs | undefined;
    try {
      const [service] = await run.services.getService({ name: ref.name });
      const id = started(
        await runGuarded(
          startReleaseDefinition(actionDeps(run, async () => {})),
          person,
          {
            project: ref.project,
            region: ref.region,
            service: ref.service,
            etag: service.etag,
            idempotencyKey: key(),
            revision: canary,
          },
          { db: own },
        ),
      );
      await releaseWhen(own, id, (r) => r.stepIndex === 1 && r.state === "observing", "at 25 %", 120_000);
      child.kill("SIGKILL");
      await new Promise((res) => child.once("exit", res));
      const atKill = await releaseWhen(own, id, () => true, "read");
      expect(atKill.state).not.toBe("promoted");
      other = await startJobs({
        databaseUrl: url,
        db: own,
        followers: portalFollowers({ emulatorHost: emulator.endpoint }),
      });
      await other.enqueueFollow(id);
      const r = await releaseWhen(own, id, (x) => x.state === "promoted" || x.state === "aborted", "ended", 150_000);
      expect(r.state, r.note ?? "").toBe("promoted");
      const decisions = (await releaseEntries(own, id))
        .reverse()
        .filter((e) => e.kind === "decision")
        .map((e) => e.text.split(" (")[0]);
      expect(decisions.filter((t) => /^Canary at|^Promoted/.test(t))).toEqual([
        "Canary at 5 %",
        "Canary at 25 %",
        "Canary at 50 %",
        `Promoted: ${canary} takes all traffic`,
      ]);
      expect((await getOperation(own, id))!.status).toBe("succeeded");
    } finally {
      stop();
      child.kill("SIGKILL");
      await other?.stop();
    }
  }, 360_000);
});
