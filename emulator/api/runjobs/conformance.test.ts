// Cloud Run jobs v2 as Google's proto comments describe them, through the
// official clients: the differences found in issue 26's second conformance
// pass, one test each.
import run from "@google-cloud/run";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../../test/databases";
import { CALL, clientOptions, code, startTestEmulator, type TestEmulator } from "../../testing/harness";

const P = "jobs-conformance";
const parent = `projects/${P}/locations/europe-west4`;
const IMAGE = "europe-west4-docker.pkg.dev/pyplots-prod/jobs/pyplots-migrate:v3";
let t: TestEmulator;
let jobs: InstanceType<typeof run.v2.JobsClient>;
let executions: InstanceType<typeof run.v2.ExecutionsClient>;
let tasks: InstanceType<typeof run.v2.TasksClient>;

beforeAll(async () => {
  t = await startTestEmulator(await createEmptyDatabase(inject("pgAdminUrl"), "emu"));
  const opts = clientOptions(t.emulator.grpcPort);
  jobs = new run.v2.JobsClient(opts);
  executions = new run.v2.ExecutionsClient(opts);
  tasks = new run.v2.TasksClient(opts);
});
afterAll(async () => {
  await Promise.allSettled([jobs?.close(), executions?.close(), tasks?.close()]);
  await t?.close();
});

async function runOnce(id: string, taskCount: number) {
  const [op] = await jobs.createJob(
    {
      parent,
      jobId: id,
      job: {
        template: {
          taskCount,
          template: {
            maxRetries: 0,
            containers: [
              {
                image: IMAGE,
                env: [
                  { name: "ROWS", value: "10" },
                  { name: "STEP_MS", value: "1" },
                ],
              },
            ],
          },
        },
      },
    },
    CALL,
  );
  const [job] = await op.promise();
  const [run] = await jobs.runJob({ name: job.name }, CALL);
  const [e] = await run.promise();
  return e.name!;
}

describe("Cloud Run jobs conformance", () => {
  it('ListTasks takes "-" for the execution (every execution of the job) and for the job too (across jobs)', async () => {
    const a1 = await runOnce("alpha", 2);
    const b1 = await runOnce("beta", 1);
    const [ofAlpha] = await tasks.listTasks({ parent: `${parent}/jobs/alpha/executions/-` }, CALL);
    expect(ofAlpha.every((x) => x.name!.startsWith(`${a1}/tasks/`))).toBe(true);
    expect(ofAlpha).toHaveLength(2);
    const [all] = await tasks.listTasks({ parent: `${parent}/jobs/-/executions/-` }, CALL);
    expect(all).toHaveLength(3);
    expect(all.some((x) => x.name!.startsWith(`${b1}/tasks/`))).toBe(true);
    expect(await code(tasks.listTasks({ parent: `${parent}/jobs/missing/executions/-` }, CALL))).toMatchObject({
      code: 5,
    });
  });
});
