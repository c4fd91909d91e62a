// Contract tests for Cloud Scheduler v1 through the official
// @google-cloud/scheduler client: create/get/list/update/delete, pause and
// resume, validation and Google's error codes, next run times in a zone.
import { CloudSchedulerClient } from "@google-cloud/scheduler";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../../test/databases";
import { CALL, clientOptions, code, startTestEmulator, type TestEmulator } from "../../testing/harness";

let t: TestEmulator;
let sched: CloudSchedulerClient;
const parent = (project = "sched-crud", location = "us-central1") => `projects/${project}/locations/${location}`;
const target = {
  uri: "http://127.0.0.1:9/never",
  httpMethod: "POST" as const,
  body: Buffer.from('{"x":1}'),
  headers: { "Content-Type": "application/json" },
};
const seconds = (d: { seconds?: unknown } | null | undefined) => Number(d?.seconds ?? 0);
const ts = (d: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  new Date(Number(d?.seconds ?? 0) * 1000 + (d?.nanos ?? 0) / 1e6);

beforeAll(async () => {
  t = await startTestEmulator(await createEmptyDatabase(inject("pgAdminUrl"), "emu"));
  sched = new CloudSchedulerClient(clientOptions(t.emulator.grpcPort));
});
afterAll(async () => {
  await sched?.close();
  await t?.close();
});

describe("Cloud Scheduler jobs", () => {
  it("creates a job with Google's defaults and the next run in its time zone", async () => {
    const name = `${parent()}/jobs/daily-la`;
    const [job] = await sched.createJob(
      { parent: parent(), job: { name, schedule: "0 6 * * *", timeZone: "America/Los_Angeles", httpTarget: target } },
      CALL,
    );
    expect(job).toMatchObject({ name, schedule: "0 6 * * *", timeZone: "America/Los_Angeles", state: "ENABLED" });
    expect(job.httpTarget).toMatchObject({
      uri: target.uri,
      httpMethod: "POST",
      headers: { "Content-Type": "application/json" },
    });
    expect(Buffer.from(job.httpTarget!.body as Uint8Array).toString()).toBe('{"x":1}');
    expect(job.retryConfig).toMatchObject({ retryCount: 0, maxDoublings: 5 });
    expect(seconds(job.retryConfig!.minBackoffDuration)).toBe(5);
    expect(seconds(job.retryConfig!.maxBackoffDuration)).toBe(3600);
    expect(seconds(job.attemptDeadline)).toBe(180);
    expect(job.lastAttemptTime).toBeFalsy();
    // 06:00 in Los Angeles is 14:00 UTC in winter, 13:00 in summer.
    const next = ts(job.scheduleTime);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(86_400_000);
    expect(
      new Intl.DateTimeFormat("en-US", {
        timeZone: "America/Los_Angeles",
        hour: "numeric",
        minute: "numeric",
        hour12: false,
      }).format(next),
    ).toBe("06:00");

    const [got] = await sched.getJob({ name }, CALL);
    expect(got).toEqual(job);
    expect(
      await code(sched.createJob({ parent: parent(), job: { name, schedule: "* * * * *", httpTarget: target } }, CALL)),
    ).toMatchObject({ code: 6 });
  });

  it("defaults the zone to Etc/UTC and generates a name when none is given", async () => {
    const [job] = await sched.createJob(
      { parent: parent(), job: { schedule: "*/5 * * * *", httpTarget: { uri: "http://127.0.0.1:9/" } } },
      CALL,
    );
    expect(job.name).toMatch(/^projects\/sched-crud\/locations\/us-central1\/jobs\/[A-Za-z0-9_-]+$/);
    expect(job.timeZone).toBe("Etc/UTC");
    expect(job.httpTarget!.httpMethod).toBe("POST");
    expect(ts(job.scheduleTime).getUTCMinutes() % 5).toBe(0);
  });

  it("rejects a bad cron, an unknown zone and invalid targets with INVALID_ARGUMENT, creating nothing", async () => {
    const p = parent("sched-invalid");
    const bad = [
      { schedule: "61 * * * *", httpTarget: target },
      { schedule: "* * * *", httpTarget: target },
      { schedule: "@daily", httpTarget: target },
      { schedule: "0 6 * * *", timeZone: "Mars/Olympus_Mons", httpTarget: target },
      { schedule: "0 6 * * *", httpTarget: { uri: "ftp://example.com/x" } },
      { schedule: "0 6 * * *", httpTarget: { uri: "http://x/", httpMethod: "GET" as const, body: Buffer.from("no") } },
      { schedule: "0 6 * * *", httpTarget: target, retryConfig: { retryCount: 6 } },
      { schedule: "0 6 * * *", httpTarget: target, attemptDeadline: { seconds: 5 } },
      {
        schedule: "0 6 * * *",
        httpTarget: target,
        retryConfig: { minBackoffDuration: { seconds: 60 }, maxBackoffDuration: { seconds: 10 } },
      },
      { schedule: "0 6 * * *" },
    ];
    for (const job of bad)
      expect(
        await code(sched.createJob({ parent: p, job: { name: `${p}/jobs/bad`, ...job } }, CALL)),
        JSON.stringify(job),
      ).toMatchObject({ code: 3 });
    expect(
      (
        await code(
          sched.createJob(
            { parent: p, job: { schedule: "0 6 * * *", timeZone: "Nowhere/City", httpTarget: target } },
            CALL,
          ),
        )
      ).details,
    ).toBe("Schedule or time zone is invalid.");
    expect(
      await code(
        sched.createJob(
          { parent: p, job: { name: `${parent("elsewhere")}/jobs/x`, schedule: "0 6 * * *", httpTarget: target } },
          CALL,
        ),
      ),
    ).toMatchObject({ code: 3 });
    expect(
      await code(
        sched.createJob(
          { parent: p, job: { schedule: "0 6 * * *", pubsubTarget: { topicName: "projects/x/topics/y" } } },
          CALL,
        ),
      ),
    ).toMatchObject({ code: 12 });
    const [jobs] = await sched.listJobs({ parent: p }, CALL);
    expect(jobs).toEqual([]);
  });

  it("lists page by page", async () => {
    const p = parent("sched-paging", "europe-west4");
    for (let i = 0; i < 5; i++)
      await sched.createJob(
        { parent: p, job: { name: `${p}/jobs/j${i}`, schedule: "0 * * * *", httpTarget: target } },
        CALL,
      );
    const [first, , response] = await sched.listJobs({ parent: p, pageSize: 2 }, { ...CALL, autoPaginate: false });
    expect(first.map((j) => j.name!.split("/").pop())).toEqual(["j0", "j1"]);
    expect(response?.nextPageToken).toBeTruthy();
    const all = [];
    for await (const job of sched.listJobsAsync({ parent: p, pageSize: 2 }, { timeout: 20_000, autoPaginate: false }))
      all.push(job);
    expect(all.map((j) => j.name!.split("/").pop())).toEqual(["j0", "j1", "j2", "j3", "j4"]);
    expect(
      await code(sched.listJobs({ parent: p, pageToken: "garbage" }, { ...CALL, autoPaginate: false })),
    ).toMatchObject({ code: 3 });
  });

  it("updates only the masked fields and recomputes the next run", async () => {
    const name = `${parent()}/jobs/updatable`;
    await sched.createJob(
      {
        parent: parent(),
        job: { name, description: "before", schedule: "0 6 * * *", timeZone: "Etc/UTC", httpTarget: target },
      },
      CALL,
    );
    const [updated] = await sched.updateJob(
      {
        job: {
          name,
          description: "ignored",
          schedule: "30 7 * * *",
          timeZone: "Europe/Amsterdam",
          retryConfig: { retryCount: 3, minBackoffDuration: { seconds: 1 } },
        },
        updateMask: { paths: ["schedule", "time_zone", "retry_config"] },
      },
      CALL,
    );
    expect(updated).toMatchObject({
      description: "before",
      schedule: "30 7 * * *",
      timeZone: "Europe/Amsterdam",
      retryConfig: { retryCount: 3 },
    });
    expect(seconds(updated.retryConfig!.minBackoffDuration)).toBe(1);
    expect(
      new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Amsterdam", hour: "2-digit", minute: "2-digit" }).format(
        ts(updated.scheduleTime),
      ),
    ).toBe("07:30");
    expect(updated.httpTarget!.uri).toBe(target.uri);

    const [uri] = await sched.updateJob(
      { job: { name, httpTarget: { uri: "http://127.0.0.1:9/other" } }, updateMask: { paths: ["http_target.uri"] } },
      CALL,
    );
    expect(uri.httpTarget).toMatchObject({ uri: "http://127.0.0.1:9/other", httpMethod: "POST" });

    expect(
      await code(sched.updateJob({ job: { name, schedule: "not a cron" }, updateMask: { paths: ["schedule"] } }, CALL)),
    ).toMatchObject({ code: 3 });
    expect(
      await code(sched.updateJob({ job: { name, description: "x" }, updateMask: { paths: ["bogus_field"] } }, CALL)),
    ).toMatchObject({ code: 3 });
    expect((await sched.getJob({ name }, CALL))[0].schedule).toBe("30 7 * * *");
    expect(
      await code(
        sched.updateJob(
          { job: { name: `${parent()}/jobs/missing`, schedule: "0 6 * * *" }, updateMask: { paths: ["schedule"] } },
          CALL,
        ),
      ),
    ).toMatchObject({ code: 5 });
  });

  it("pauses and resumes with Google's state checks; a paused job cannot be run", async () => {
    const name = `${parent()}/jobs/pausable`;
    await sched.createJob({ parent: parent(), job: { name, schedule: "0 6 * * *", httpTarget: target } }, CALL);
    const [paused] = await sched.pauseJob({ name }, CALL);
    expect(paused.state).toBe("PAUSED");
    expect(paused.scheduleTime).toBeFalsy();
    expect(await code(sched.pauseJob({ name }, CALL))).toMatchObject({ code: 9, details: "Job has been paused." });
    expect(await code(sched.runJob({ name }, CALL))).toMatchObject({
      code: 9,
      details: expect.stringContaining("PAUSED"),
    });
    const [resumed] = await sched.resumeJob({ name }, CALL);
    expect(resumed.state).toBe("ENABLED");
    expect(ts(resumed.scheduleTime).getTime()).toBeGreaterThan(Date.now());
    expect(await code(sched.resumeJob({ name }, CALL))).toMatchObject({ code: 9 });
  });

  it("deletes, and answers NOT_FOUND afterwards", async () => {
    const name = `${parent()}/jobs/deletable`;
    await sched.createJob({ parent: parent(), job: { name, schedule: "0 6 * * *", httpTarget: target } }, CALL);
    await sched.deleteJob({ name }, CALL);
    // One call at a time: a promise made before the previous one is awaited rejects unhandled.
    for (const call of [
      () => sched.getJob({ name }, CALL),
      () => sched.deleteJob({ name }, CALL),
      () => sched.pauseJob({ name }, CALL),
      () => sched.runJob({ name }, CALL),
    ]) {
      expect(await code(call())).toMatchObject({ code: 5 });
    }
    expect(await code(sched.getJob({ name: "projects/x/jobs/y" }, CALL))).toMatchObject({ code: 3 });
  });
});
