// Cloud Scheduler jobs really fire: at their time (the scheduler clock is
// moved to seconds before it), through the router to a Cloud Run service or
// to a test's own HTTP server, with Google's headers, retries with backoff,
// the attempt deadline, pause and RunJob; every attempt read back from
// Cloud Logging through the official clients.
import http from "node:http";
import type net from "node:net";
import logging from "@google-cloud/logging";
import { CloudSchedulerClient } from "@google-cloud/scheduler";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../../test/databases";
import { fromStruct } from "../logging/wire";
import { CALL, clientOptions, startTestEmulator, template, waitFor, type TestEmulator } from "../../testing/harness";
import { backoffMs } from "./dispatcher";
import { toDuration } from "./job";

const P = "sched-fire";
const parent = `projects/${P}/locations/us-central1`;
let t: TestEmulator;
let sched: CloudSchedulerClient;
let logs: InstanceType<typeof logging.v2.LoggingServiceV2Client>;
let pipelineUri = "";

// A target of the tests' own: records every request; answers with `answer`.
type Seen = { at: number; method: string; url: string; headers: http.IncomingHttpHeaders; body: string };
const seen: Seen[] = [];
let answer: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_q, s) => s.end("ok");
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    seen.push({
      at: Date.now(),
      method: req.method!,
      url: req.url!,
      headers: req.headers,
      body: Buffer.concat(chunks).toString(),
    });
    answer(req, res);
  });
});
const own = (path: string) => `http://127.0.0.1:${(server.address() as net.AddressInfo).port}${path}`;

type Entry = {
  timestamp: Date;
  severity: string;
  payload: Record<string, unknown>;
  httpStatus?: number;
  resource: Record<string, unknown>;
};
async function executions(jobId: string): Promise<Entry[]> {
  const [entries] = await logs.listLogEntries(
    {
      resourceNames: [`projects/${P}`],
      filter: `logName="projects/${P}/logs/cloudscheduler.googleapis.com%2Fexecutions" AND resource.labels.job_id="${jobId}"`,
      orderBy: "timestamp asc",
      pageSize: 1000,
    },
    { ...CALL, autoPaginate: false },
  );
  return entries.map((e: (typeof entries)[number]) => ({
    timestamp: new Date(Number(e.timestamp!.seconds) * 1000 + (e.timestamp!.nanos ?? 0) / 1e6),
    severity: String(e.severity),
    payload: fromStruct(e.jsonPayload as never) as Record<string, unknown>,
    httpStatus: e.httpRequest?.status ?? undefined,
    resource: { type: e.resource!.type, labels: e.resource!.labels },
  }));
}
const finished = (es: Entry[]) => es.filter((e) => String(e.payload["@type"]).endsWith("AttemptFinished"));
const started = (es: Entry[]) => es.filter((e) => String(e.payload["@type"]).endsWith("AttemptStarted"));
const ts = (d: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  new Date(Number(d?.seconds ?? 0) * 1000 + (d?.nanos ?? 0) / 1e6);

async function createJob(id: string, job: Record<string, unknown>) {
  const [created] = await sched.createJob({ parent, job: { name: `${parent}/jobs/${id}`, ...job } }, CALL);
  return created;
}

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  t = await startTestEmulator(await createEmptyDatabase(inject("pgAdminUrl"), "emu"));
  sched = new CloudSchedulerClient(clientOptions(t.emulator.grpcPort));
  logs = new logging.v2.LoggingServiceV2Client(clientOptions(t.emulator.grpcPort));
  const [op] = await t.services.createService(
    {
      parent,
      serviceId: "pipeline",
      service: { template: template("gcr.io/x/ai-usage-analytics-pipeline:v2", { DAILY_JOB_RECORDS: "50000" }) },
    },
    CALL,
  );
  const [svc] = await op.promise();
  pipelineUri = svc.uri!;
});
afterEach(async () => {
  // Jobs of one test must not fire when the next one moves the clock.
  const [jobs] = await sched.listJobs({ parent }, CALL);
  for (const j of jobs) await sched.deleteJob({ name: j.name }, CALL);
  t.emulator.schedulerClock.reset();
  answer = (_q, s) => s.end("ok");
});
afterAll(async () => {
  await Promise.allSettled([sched?.close(), logs?.close()]);
  await t?.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe("Google's backoff", () => {
  it("doubles max_doublings times, then grows linearly, capped at max backoff", () => {
    const cfg = {
      retryCount: 5,
      maxRetryDuration: toDuration(0),
      minBackoffDuration: toDuration(10_000),
      maxBackoffDuration: toDuration(300_000),
      maxDoublings: 3,
    };
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffMs(n, cfg) / 1000)).toEqual([10, 20, 40, 80, 160, 240, 300, 300]);
  });
});

describe("the scheduler clock on the admin endpoint", () => {
  it("moves, reads and resets", async () => {
    const url = `http://127.0.0.1:${t.emulator.routerPort}/_emulator/clock`;
    const moved = await (
      await fetch(url, { method: "PUT", body: JSON.stringify({ time: "2031-06-01T05:59:58Z" }) })
    ).json();
    expect(Math.abs(Date.parse(moved.now) - Date.parse("2031-06-01T05:59:58Z"))).toBeLessThan(1_000);
    expect(Math.abs(t.emulator.schedulerClock.now().getTime() - Date.parse("2031-06-01T05:59:58Z"))).toBeLessThan(
      2_000,
    );
    expect((await fetch(url, { method: "PUT", body: "{}" })).status).toBe(400);
    expect((await (await fetch(url, { method: "DELETE" })).json()).offsetMs).toBe(0);
    expect(Math.abs(Date.parse((await (await fetch(url)).json()).now) - Date.now())).toBeLessThan(1_000);
  });
});

describe("firing", () => {
  it("fires at its time through the router to the service, and logs the attempt as Cloud Scheduler does", async () => {
    const job = await createJob("daily", {
      schedule: "0 6 * * *",
      timeZone: "America/Los_Angeles",
      httpTarget: { uri: `${pipelineUri}/run-daily-job`, httpMethod: "POST" },
    });
    const due = ts(job.scheduleTime);
    t.emulator.schedulerClock.set(new Date(due.getTime() - 2_000));
    const es = await waitFor(async () => {
      const all = await executions("daily");
      return finished(all).length === 1 ? all : null;
    }, "the attempt to finish");
    const [start] = started(es);
    const [end] = finished(es);
    expect(start.resource).toEqual({
      type: "cloud_scheduler_job",
      labels: { project_id: P, job_id: "daily", location: "us-central1" },
    });
    expect(start.payload).toEqual({
      "@type": "type.googleapis.com/google.cloud.scheduler.logging.AttemptStarted",
      jobName: job.name,
      scheduledTime: due.toISOString(),
      targetType: "HTTP",
      url: `${pipelineUri}/run-daily-job`,
    });
    expect(start.timestamp.getTime()).toBeGreaterThanOrEqual(due.getTime());
    expect(end).toMatchObject({ severity: "INFO", httpStatus: 200 });
    expect(end.payload).toEqual({
      "@type": "type.googleapis.com/google.cloud.scheduler.logging.AttemptFinished",
      jobName: job.name,
      targetType: "HTTP",
      url: `${pipelineUri}/run-daily-job`,
      debugInfo: "URL_CRAWLED. Original HTTP response code number = 200",
    });
    const [after] = await sched.getJob({ name: job.name }, CALL);
    expect(after.status).toMatchObject({ code: 0 });
    expect(ts(after.lastAttemptTime).getTime()).toBe(start.timestamp.getTime());
    expect(ts(after.scheduleTime).getTime() - due.getTime()).toBe(86_400_000);
  });

  it("records a failed run with the service's status and the rpc code", async () => {
    const job = await createJob("failing", {
      schedule: "0 6 * * *",
      httpTarget: { uri: `${pipelineUri}/run-daily-job?fail=1` },
    });
    await sched.runJob({ name: job.name }, CALL);
    const [end] = await waitFor(async () => {
      const ends = finished(await executions("failing"));
      return ends.length === 1 ? ends : null;
    }, "the failed attempt");
    expect(end).toMatchObject({ severity: "ERROR", httpStatus: 500 });
    expect(end.payload).toMatchObject({
      status: "INTERNAL",
      debugInfo: "URL_UNREACHABLE-UNREACHABLE_5xx. Original HTTP response code number = 500",
    });
    expect((await sched.getJob({ name: job.name }, CALL))[0].status).toMatchObject({ code: 13 });
  });

  it("RunJob fires once, with Google's headers, the body and an OIDC token, leaving the schedule alone", async () => {
    const job = await createJob("manual", {
      schedule: "0 6 1 1 *",
      httpTarget: {
        uri: own("/hook?x=1"),
        httpMethod: "PUT",
        body: Buffer.from('{"day":"today"}'),
        headers: { "Content-Type": "application/json", "X-Team": "data" },
        oidcToken: { serviceAccountEmail: "sched@sched-fire.iam.gserviceaccount.com" },
      },
    });
    const [ran] = await sched.runJob({ name: job.name }, CALL);
    expect(ts(ran.scheduleTime)).toEqual(ts(job.scheduleTime));
    await waitFor(async () => finished(await executions("manual")).length === 1, "the attempt");
    const mine = seen.filter((s) => s.headers["x-cloudscheduler-jobname"] === "manual");
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ method: "PUT", url: "/hook?x=1", body: '{"day":"today"}' });
    expect(mine[0].headers).toMatchObject({
      "content-type": "application/json",
      "x-team": "data",
      "user-agent": "Google-Cloud-Scheduler",
      "x-cloudscheduler": "true",
    });
    const claims = JSON.parse(Buffer.from(String(mine[0].headers.authorization).split(".")[1], "base64url").toString());
    expect(claims).toMatchObject({
      iss: "https://accounts.google.com",
      aud: own("/hook?x=1"),
      email: "sched@sched-fire.iam.gserviceaccount.com",
    });
    expect(started(await executions("manual"))).toHaveLength(1);
    const [after] = await sched.getJob({ name: job.name }, CALL);
    expect(ts(after.scheduleTime)).toEqual(ts(job.scheduleTime));
    expect(after.lastAttemptTime).toBeTruthy();
  });

  it("retries a failing target with the configured backoff, then stops", async () => {
    answer = (_q, s) => {
      s.statusCode = 503;
      s.end("busy");
    };
    const job = await createJob("retrying", {
      schedule: "0 6 1 1 *",
      httpTarget: { uri: own("/flaky") },
      retryConfig: {
        retryCount: 2,
        minBackoffDuration: { seconds: 1 },
        maxBackoffDuration: { seconds: 10 },
        maxDoublings: 1,
      },
    });
    await sched.runJob({ name: job.name }, CALL);
    const es = await waitFor(async () => {
      const all = await executions("retrying");
      return finished(all).length === 3 ? all : null;
    }, "three attempts");
    const ends = finished(es);
    const starts = started(es);
    expect(ends.map((e) => e.payload.status)).toEqual(["UNAVAILABLE", "UNAVAILABLE", "UNAVAILABLE"]);
    // Waits of 1 s, then 2 s (one doubling), from one attempt's end to the next start.
    const gaps = [
      starts[1].timestamp.getTime() - ends[0].timestamp.getTime(),
      starts[2].timestamp.getTime() - ends[1].timestamp.getTime(),
    ];
    expect(gaps[0]).toBeGreaterThanOrEqual(1_000);
    expect(gaps[0]).toBeLessThan(1_900);
    expect(gaps[1]).toBeGreaterThanOrEqual(2_000);
    expect(gaps[1]).toBeLessThan(2_900);
    expect(seen.filter((s) => s.url === "/flaky")).toHaveLength(3);
    expect((await sched.getJob({ name: job.name }, CALL))[0].status).toMatchObject({ code: 14 });
  });

  it("enforces the attempt deadline", async () => {
    answer = () => {}; // never answers
    const job = await createJob("slow", {
      schedule: "0 6 1 1 *",
      httpTarget: { uri: own("/slow") },
      attemptDeadline: { seconds: 15 },
    });
    await sched.runJob({ name: job.name }, CALL);
    const es = await waitFor(
      async () => {
        const all = await executions("slow");
        return finished(all).length === 1 ? all : null;
      },
      "the deadline",
      25_000,
    );
    const took = finished(es)[0].timestamp.getTime() - started(es)[0].timestamp.getTime();
    expect(took).toBeGreaterThanOrEqual(15_000);
    expect(took).toBeLessThan(16_500);
    expect(finished(es)[0]).toMatchObject({ severity: "ERROR", payload: { status: "DEADLINE_EXCEEDED" } });
    expect((await sched.getJob({ name: job.name }, CALL))[0].status).toMatchObject({ code: 4 });
  }, 40_000);

  it("a paused job does not fire when its time comes; an enabled twin does", async () => {
    const a = await createJob("paused-twin", { schedule: "17 4 * * *", httpTarget: { uri: own("/a") } });
    const b = await createJob("enabled-twin", { schedule: "17 4 * * *", httpTarget: { uri: own("/b") } });
    expect(ts(a.scheduleTime)).toEqual(ts(b.scheduleTime));
    await sched.pauseJob({ name: a.name }, CALL);
    t.emulator.schedulerClock.set(new Date(ts(b.scheduleTime).getTime() - 1_500));
    // Due jobs are picked together: once the twin has fired, the paused one had its chance.
    await waitFor(async () => finished(await executions("enabled-twin")).length === 1, "the enabled twin to fire");
    expect(await executions("paused-twin")).toEqual([]);
    expect(seen.filter((s) => s.url === "/a")).toEqual([]);
    const [pa] = await sched.getJob({ name: a.name }, CALL);
    expect(pa).toMatchObject({ state: "PAUSED" });
    expect(pa.lastAttemptTime).toBeFalsy();
  });
});
