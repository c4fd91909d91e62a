// Cloud Scheduler v1 as Google's proto comments describe it, through the
// official client: the conformance differences found in issue 26's second
// pass, one test each.
import { CloudSchedulerClient } from "@google-cloud/scheduler";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../../test/databases";
import { CALL, clientOptions, startTestEmulator, type TestEmulator } from "../../testing/harness";

let t: TestEmulator;
let sched: CloudSchedulerClient;
const parent = "projects/sched-conformance/locations/us-central1";
const target = { uri: "http://127.0.0.1:9/never", httpMethod: "POST" as const };

beforeAll(async () => {
  t = await startTestEmulator(await createEmptyDatabase(inject("pgAdminUrl"), "emu"));
  sched = new CloudSchedulerClient(clientOptions(t.emulator.grpcPort));
});
afterAll(async () => {
  await sched?.close();
  await t?.close();
});

describe("Cloud Scheduler conformance", () => {
  it("UpdateJob without an update mask updates every field the job gives (the mask is optional), output-only ones ignored", async () => {
    const name = `${parent}/jobs/no-mask`;
    await sched.createJob(
      { parent, job: { name, description: "before", schedule: "0 6 * * *", timeZone: "Etc/UTC", httpTarget: target } },
      CALL,
    );
    const [updated] = await sched.updateJob(
      { job: { name, description: "after", httpTarget: { uri: "http://127.0.0.1:9/other" } } },
      CALL,
    );
    expect(updated).toMatchObject({
      name,
      description: "after",
      schedule: "0 6 * * *",
      timeZone: "Etc/UTC",
      state: "ENABLED",
    });
    expect(updated.httpTarget!.uri).toBe("http://127.0.0.1:9/other");

    // Read, change, write back whole: the output-only fields it carries are ignored.
    const [read] = await sched.getJob({ name }, CALL);
    const [rewritten] = await sched.updateJob({ job: { ...read, schedule: "30 7 * * *", state: "PAUSED" } }, CALL);
    expect(rewritten).toMatchObject({ description: "after", schedule: "30 7 * * *", state: "ENABLED" });
    expect((await sched.getJob({ name }, CALL))[0].schedule).toBe("30 7 * * *");
  });
});
