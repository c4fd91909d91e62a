// Scheduled work against the real emulator, through the official Cloud
// Scheduler and Logging clients: the portal's success rate and durations are
// those of the execution log Cloud Scheduler wrote; every action refuses bad
// cron, zone and out-of-scope targets with nothing changed; run now on a
// paused job says so; a viewer is refused and audited.
import type { protos } from "@google-cloud/logging";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../emulator/testing/harness";
import { startTestEmulator } from "../../test/emulator";
import { freshPortalDb, makeUser } from "../../test/portal-db";
import { runGuarded } from "../actions";
import type { Actor } from "../auth/roles";
import type { Db } from "../db";
import { observabilityClients, runClients, schedulerClient, type GcpTarget } from "../gcp/clients";
import { EMULATOR_DEFAULT_LOCATIONS, ensureLocations } from "../services/locations";
import { listFleet } from "../services/read";
import {
  EXECUTIONS_LOG,
  invalidateHistory,
  invalidateSchedules,
  listSchedules,
  pauseDefinition,
  readExecutionLog,
  resumeDefinition,
  runNowDefinition,
  scheduleHistories,
  scheduleName,
  updateScheduleDefinition,
  updateTargetsDefinition,
  readTargets,
} from ".";

let db: Db;
let target: GcpTarget;
let stop: () => Promise<void>;
let dev: Actor;
let viewer: Actor;
let pipelineUri: string;
const deps = () => ({ scheduler: schedulerClient(target), run: runClients(target) });
type Ref = { project: string; location: string; job: string };
let jobCount = 0;
const PROJECTS = EMULATOR_DEFAULT_LOCATIONS.map((l) => l.project);

beforeAll(async () => {
  const t = await startTestEmulator();
  target = { emulatorHost: t.emulator.endpoint };
  stop = () => t.emulator.stop();
  db = await freshPortalDb();
  await ensureLocations(db, EMULATOR_DEFAULT_LOCATIONS);
  dev = await makeUser(db, "developer");
  viewer = await makeUser(db, "viewer");
  const fleet = await listFleet(EMULATOR_DEFAULT_LOCATIONS, runClients(target));
  pipelineUri = fleet.services.find((s) => s.id === "ai-usage-analytics-pipeline")!.uri!;
}, 120_000);

/** A job of this test's own, calling the pipeline service (tests share no jobs: they run in random order). */
async function newJob(path = "/run-daily-job?minDurationMs=300"): Promise<Ref> {
  const ref = {
    project: "ai-usage-analytics-prod",
    location: "us-central1",
    job: `portal-test-${++jobCount}-${Date.now().toString(36)}`,
  };
  await schedulerClient(target).createJob({
    parent: `projects/${ref.project}/locations/${ref.location}`,
    job: {
      name: scheduleName(ref),
      schedule: "0 6 * * *",
      timeZone: "America/Los_Angeles",
      httpTarget: { uri: `${pipelineUri}${path}`, httpMethod: "POST" },
      retryConfig: { retryCount: 0 },
      attemptDeadline: { seconds: 60 },
    },
  });
  return ref;
}

afterAll(async () => {
  await stop?.();
});

const logging = () => observabilityClients(target).logging;
const audits = (action: string) => db.auditEvent.findMany({ where: { action }, orderBy: { at: "asc" } });
const job = async (ref: Ref) => (await schedulerClient(target).getJob({ name: scheduleName(ref) }))[0];

/** The job as the schedule page reads it and its edit form sends it back (`read`). */
async function readAs(ref: Ref): Promise<string> {
  invalidateSchedules();
  const [listed] = await listSchedules([{ project: ref.project, region: ref.location }], {
    scheduler: schedulerClient(target),
    services: [],
  });
  const s = listed.schedules.find((x) => x.id === ref.job)!;
  const { retryCount, minBackoffSeconds, maxBackoffSeconds, maxDoublings } = s.retry;
  return JSON.stringify({
    schedule: s.schedule,
    timeZone: s.timeZone,
    targetUri: s.uri,
    retryCount,
    minBackoffSeconds,
    maxBackoffSeconds,
    maxDoublings,
    attemptDeadlineSeconds: s.attemptDeadlineSeconds,
  });
}

/** The job's execution-log entries as Logging returns them, read directly (not through the portal). */
async function rawEntries(ref: Ref) {
  const [entries] = await logging().listLogEntries(
    {
      resourceNames: [`projects/${ref.project}`],
      filter: `logName="projects/${ref.project}/logs/${EXECUTIONS_LOG}" AND resource.labels.job_id="${ref.job}"`,
      orderBy: "timestamp asc",
      pageSize: 1000,
    },
    { autoPaginate: false },
  );
  return entries as protos.google.logging.v2.ILogEntry[];
}

async function runNowAndWait(ref: Ref, finishedBefore: number) {
  const r = await runGuarded(runNowDefinition(deps), dev, ref, { db });
  expect(r, JSON.stringify(r)).toMatchObject({ ok: true });
  await waitFor(
    async () =>
      (await rawEntries(ref)).filter((e) => e.jsonPayload?.fields?.["@type"]?.stringValue?.endsWith("AttemptFinished"))
        .length > finishedBefore || null,
    "the attempt to finish",
    30_000,
    200,
  );
}

describe("history from the execution log", () => {
  it("lists the job with its words, next runs in its zone and UTC, and its target service", async () => {
    const ref = await newJob();
    invalidateSchedules(); // Another test may have listed the location within the cache's 5 s.
    const [loc] = await listSchedules([{ project: ref.project, region: ref.location }], {
      scheduler: schedulerClient(target),
      services: (await listFleet(EMULATOR_DEFAULT_LOCATIONS, runClients(target))).services,
      now: new Date("2026-12-01T00:00:00Z"),
    });
    const s = loc.schedules.find((x) => x.id === ref.job)!;
    expect(s).toMatchObject({
      words: "At 06:00",
      timeZone: "America/Los_Angeles",
      state: "ENABLED",
      target: { project: ref.project, region: "us-central1", service: "ai-usage-analytics-pipeline" },
      lastStatus: null,
    });
    expect(s.nextRuns.map((n) => [n.local, n.utc])).toEqual([
      ["2026-12-01 06:00 PST", "2026-12-01 14:00 UTC"],
      ["2026-12-02 06:00 PST", "2026-12-02 14:00 UTC"],
      ["2026-12-03 06:00 PST", "2026-12-03 14:00 UTC"],
    ]);
  });

  it("matches the logs written: one success and one failure, each with the duration the log shows", async () => {
    const ref = await newJob();
    await runNowAndWait(ref, 0);
    // Point it at a failing run through the edit action, and run again.
    const edit = {
      ...ref,
      read: await readAs(ref),
      schedule: "0 6 * * *",
      timeZone: "America/Los_Angeles",
      targetUri: `${pipelineUri}/run-daily-job?fail=1`,
      retryCount: 0,
      minBackoffSeconds: 5,
      maxBackoffSeconds: 3600,
      maxDoublings: 5,
      attemptDeadlineSeconds: 60,
    };
    expect(await runGuarded(updateScheduleDefinition(deps), dev, edit, { db })).toMatchObject({ ok: true });
    await runNowAndWait(ref, 1);

    const raw = await rawEntries(ref);
    const ts = (e: (typeof raw)[number]) =>
      Number(e.timestamp!.seconds) * 1000 + Math.floor(Number(e.timestamp!.nanos ?? 0) / 1e6);
    const [s1, f1, s2, f2] = raw;
    expect(raw.map((e) => e.jsonPayload?.fields?.["@type"]?.stringValue?.split(".").at(-1))).toEqual([
      "AttemptStarted",
      "AttemptFinished",
      "AttemptStarted",
      "AttemptFinished",
    ]);
    expect(Number(f1.httpRequest?.status)).toBe(200);
    expect(Number(f2.httpRequest?.status)).toBe(500);

    invalidateHistory();
    const history = (await scheduleHistories(PROJECTS, { logging: logging() })).get(scheduleName(ref))!;
    expect(history.runs).toEqual({ succeeded: 1, failed: 1, running: 0 });
    expect(history.successRate).toBe(0.5);
    expect(history.duration).toEqual({
      median: ts(f1) - ts(s1),
      p95: ts(f1) - ts(s1),
      max: ts(f1) - ts(s1),
      last: ts(f1) - ts(s1),
    });
    expect(history.duration!.last).toBeGreaterThanOrEqual(300);
    expect(history.attempts.map((a) => [a.ok, a.httpStatus, a.status, a.durationMs])).toEqual([
      [false, 500, "INTERNAL", ts(f2) - ts(s2)],
      [true, 200, null, ts(f1) - ts(s1)],
    ]);
    expect(history.lastSuccessAt!.getTime()).toBe(ts(f1));
    invalidateSchedules();
    const [listed] = await listSchedules([{ project: ref.project, region: ref.location }], {
      scheduler: schedulerClient(target),
      services: [],
    });
    expect(listed.schedules.find((x) => x.id === ref.job)!.lastStatus).toMatchObject({ ok: false });
  });

  it("reads the whole window in one query whose pages are Google's largest, and shares it within the cache window", async () => {
    invalidateHistory();
    const first = await readExecutionLog(PROJECTS, { logging: logging() });
    expect(first.calls).toBe(1);
    const again = await readExecutionLog(PROJECTS, { logging: logging() });
    expect(again).toBe(first);
  });
});

describe("the seeded AI analytics schedule", () => {
  it("calls the pipeline service, has 30 days of history, and the plan's targets from the migration", async () => {
    const daily = { project: "ai-usage-analytics-prod", location: "us-central1", job: "ai-usage-daily-pipeline" };
    const [loc] = await listSchedules([{ project: daily.project, region: daily.location }], {
      scheduler: schedulerClient(target),
      services: (await listFleet(EMULATOR_DEFAULT_LOCATIONS, runClients(target))).services,
    });
    expect(loc.schedules.find((s) => s.id === daily.job)).toMatchObject({
      words: "At 06:00",
      timeZone: "America/Los_Angeles",
      target: { service: "ai-usage-analytics-pipeline" },
      retry: { retryCount: 3 },
      attemptDeadlineSeconds: 600,
    });
    invalidateHistory();
    const history = (await scheduleHistories(PROJECTS, { logging: logging() })).get(scheduleName(daily))!;
    const runs = history.runs.succeeded + history.runs.failed;
    expect(runs).toBeGreaterThanOrEqual(29);
    expect(runs).toBeLessThanOrEqual(31);
    expect(history.runs.failed).toBeGreaterThan(0);
    expect(history.successRate!).toBeLessThan(1);
    expect((await readTargets(db, [scheduleName(daily)])).get(scheduleName(daily))).toEqual({
      maxDurationSeconds: 600,
      maxFreshnessHours: 24,
    });
  });
});

describe("actions", () => {
  const valid = async (ref: Ref) => ({
    ...ref,
    read: await readAs(ref),
    schedule: "*/30 * * * *",
    timeZone: "Europe/Amsterdam",
    targetUri: `${pipelineUri}/run-daily-job`,
    retryCount: 3,
    minBackoffSeconds: 5,
    maxBackoffSeconds: 3600,
    maxDoublings: 5,
    attemptDeadlineSeconds: 600,
  });

  it.each([
    [
      "an invalid cron",
      { schedule: "0 6 * *" },
      "schedule",
      "A schedule has 5 fields (minute hour day-of-month month day-of-week); this has 4.",
    ],
    [
      "an unknown zone",
      { timeZone: "Mars/Olympus" },
      "timeZone",
      'Unknown time zone "Mars/Olympus"; use an IANA name such as America/Los_Angeles or UTC.',
    ],
    [
      "a target outside the covered projects",
      { targetUri: "https://example.com/run" },
      "targetUri",
      "Not the URL of a Cloud Run service in the covered projects (Settings).",
    ],
  ])("refuses %s with a field error, and nothing changes", async (_, change, field, message) => {
    const ref = await newJob();
    const before = await job(ref);
    const r = await runGuarded(updateScheduleDefinition(deps), dev, { ...(await valid(ref)), ...change }, { db });
    expect(r).toMatchObject({ ok: false, code: "invalid", fieldErrors: { [field]: [message] } });
    expect(await job(ref)).toEqual(before);
    expect((await audits("schedules.update")).at(-1)).toMatchObject({ outcome: "invalid", actorEmail: dev.email });
  });

  it("refuses a job outside the covered projects (the action guard: forbidden, audited), and nothing changes", async () => {
    const ref = await newJob();
    const before = await job(ref);
    const r = await runGuarded(
      updateScheduleDefinition(deps),
      dev,
      { ...(await valid(ref)), project: "someone-elses-project" },
      { db },
    );
    expect(r).toEqual({
      ok: false,
      code: "forbidden",
      error:
        "someone-elses-project/us-central1 is not covered by this portal; an admin adds projects and regions in Settings.",
    });
    expect(await job(ref)).toEqual(before);
    expect((await audits("schedules.update")).at(-1)).toMatchObject({ outcome: "denied", actorEmail: dev.email });
  });

  it("saves a valid edit and says when it runs next", async () => {
    const ref = await newJob();
    const r = await runGuarded(updateScheduleDefinition(deps), dev, await valid(ref), { db });
    expect(r, JSON.stringify(r)).toMatchObject({ ok: true });
    expect((r as { data: { nextRuns: string[] } }).data.nextRuns).toHaveLength(3);
    expect((r as { data: { nextRuns: string[] } }).data.nextRuns[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:(00|30) GMT\+1$/);
    expect(await job(ref)).toMatchObject({
      schedule: "*/30 * * * *",
      timeZone: "Europe/Amsterdam",
      retryConfig: { retryCount: 3 },
      attemptDeadline: { seconds: "600" },
    });
    expect((await audits("schedules.update")).at(-1)).toMatchObject({
      outcome: "success",
      details: {
        before: expect.objectContaining({ schedule: "0 6 * * *" }),
        after: expect.objectContaining({ schedule: "*/30 * * * *" }),
      },
    });
  });

  it("refuses an edit of a job that changed since the form read it, saying what changed; the form's own copy is required (issue 27, item 7)", async () => {
    const ref = await newJob();
    const edit = await valid(ref);
    // Someone else saves first, from the same page.
    expect(
      await runGuarded(updateScheduleDefinition(deps), dev, { ...edit, schedule: "15 7 * * *", retryCount: 2 }, { db }),
    ).toMatchObject({ ok: true });
    const after = await job(ref);
    const stale = await runGuarded(updateScheduleDefinition(deps), dev, edit, { db });
    expect(stale).toEqual({
      ok: false,
      code: "conflict",
      error: `Someone changed ${ref.job} since you opened the form, so nothing was saved: schedule is now "15 7 * * *" (you read "0 6 * * *"); time zone is now "Europe/Amsterdam" (you read "America/Los_Angeles"); target URL is now "${pipelineUri}/run-daily-job" (you read "${pipelineUri}/run-daily-job?minDurationMs=300"); retries is now 2 (you read 0); deadline (s) is now 600 (you read 60). Reload to edit the current version.`,
    });
    expect(await job(ref)).toEqual(after);
    expect((await audits("schedules.update")).at(-1)).toMatchObject({
      outcome: "failed",
      actorEmail: dev.email,
      error: expect.stringContaining("since you opened the form"),
    });
    // Without the form's copy there is nothing to check against: a field error, nothing sent.
    const { read: _read, ...bare } = edit;
    expect(await runGuarded(updateScheduleDefinition(deps), dev, bare, { db })).toMatchObject({
      ok: false,
      code: "invalid",
      fieldErrors: { read: [expect.stringContaining("reload")] },
    });
    expect(await job(ref)).toEqual(after);
    // Read again, the edit goes through.
    expect(
      await runGuarded(updateScheduleDefinition(deps), dev, { ...edit, read: await readAs(ref) }, { db }),
    ).toMatchObject({ ok: true });
  });

  it("pauses; run now on the paused job says so and fires nothing; resumes", async () => {
    const ref = await newJob();
    expect(await runGuarded(pauseDefinition(deps), dev, ref, { db })).toMatchObject({
      ok: true,
      data: { state: "PAUSED" },
    });
    const entries = (await rawEntries(ref)).length;
    const r = await runGuarded(runNowDefinition(deps), dev, ref, { db });
    expect(r).toMatchObject({
      ok: false,
      code: "conflict",
      error: `${ref.job} is paused, so it was not run. Resume it first if it should run.`,
    });
    expect((await job(ref)).lastAttemptTime).toBeNull();
    expect((await audits("schedules.run-now")).at(-1)).toMatchObject({ outcome: "failed", error: r.ok ? "" : r.error });
    expect(await runGuarded(resumeDefinition(deps), dev, ref, { db })).toMatchObject({
      ok: true,
      data: { state: "ENABLED" },
    });
    expect((await rawEntries(ref)).length).toBe(entries);
    expect((await audits("schedules.resume")).at(-1)).toMatchObject({
      outcome: "success",
      details: { before: { state: "PAUSED" }, after: { state: "ENABLED" } },
    });
  });

  it("refuses a viewer, audited, and changes nothing", async () => {
    const ref = await newJob();
    const before = await job(ref);
    const r = await runGuarded(pauseDefinition(deps), viewer, ref, { db });
    expect(r).toMatchObject({ ok: false, code: "forbidden", error: "This needs the developer role; you are viewer." });
    expect(await job(ref)).toEqual(before);
    expect((await audits("schedules.pause")).at(-1)).toMatchObject({ outcome: "denied", actorEmail: viewer.email });
  });

  it("keeps targets per schedule in Postgres", async () => {
    const ref = await newJob();
    const r = await runGuarded(
      updateTargetsDefinition,
      dev,
      { ...ref, maxDurationMinutes: "10", maxFreshnessHours: "24" },
      { db },
    );
    expect(r).toMatchObject({ ok: true });
    expect((await readTargets(db, [scheduleName(ref)])).get(scheduleName(ref))).toEqual({
      maxDurationSeconds: 600,
      maxFreshnessHours: 24,
    });
    const bad = await runGuarded(
      updateTargetsDefinition,
      dev,
      { ...ref, maxDurationMinutes: "-1", maxFreshnessHours: "" },
      { db },
    );
    expect(bad).toMatchObject({
      ok: false,
      code: "invalid",
      fieldErrors: { maxDurationMinutes: ["At least 1 minute."] },
    });
    expect((await readTargets(db, [scheduleName(ref)])).get(scheduleName(ref))).toEqual({
      maxDurationSeconds: 600,
      maxFreshnessHours: 24,
    });
  });
});
