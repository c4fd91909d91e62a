// google.iam.v1 as its proto comments describe it, through the official
// clients: the differences found in issue 26's second conformance pass.
import run from "@google-cloud/run";
import { SecretManagerServiceClient } from "@google-cloud/secret-manager";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../../test/databases";
import { CALL, clientOptions, code, startTestEmulator, type TestEmulator } from "../../testing/harness";

let t: TestEmulator;
let sm: SecretManagerServiceClient;
let jobs: InstanceType<typeof run.v2.JobsClient>;
const parent = "projects/iam-conformance/locations/us-central1";

beforeAll(async () => {
  t = await startTestEmulator(await createEmptyDatabase(inject("pgAdminUrl"), "emu"));
  sm = new SecretManagerServiceClient(clientOptions(t.emulator.grpcPort));
  jobs = new run.v2.JobsClient(clientOptions(t.emulator.grpcPort));
});
afterAll(async () => {
  await Promise.allSettled([sm?.close(), jobs?.close()]);
  await t?.close();
});

describe("IAM conformance", () => {
  it("TestIamPermissions on a resource that does not exist answers an empty set, not NOT_FOUND", async () => {
    const [svc] = await t.services.testIamPermissions(
      { resource: `${parent}/services/nowhere`, permissions: ["run.services.get"] },
      CALL,
    );
    expect(svc.permissions).toEqual([]);
    const [job] = await jobs.testIamPermissions(
      { resource: `${parent}/jobs/nowhere`, permissions: ["run.jobs.run"] },
      CALL,
    );
    expect(job.permissions).toEqual([]);
    const [secret] = await sm.testIamPermissions(
      { resource: "projects/iam-conformance/secrets/nowhere", permissions: ["secretmanager.versions.access"] },
      CALL,
    );
    expect(secret.permissions).toEqual([]);
    // Get/SetIamPolicy still answer NOT_FOUND; malformed permissions stay INVALID_ARGUMENT.
    expect((await code(t.services.getIamPolicy({ resource: `${parent}/services/nowhere` }, CALL))).code).toBe(5);
    expect(
      (
        await code(
          t.services.testIamPermissions({ resource: `${parent}/services/nowhere`, permissions: ["run.*"] }, CALL),
        )
      ).code,
    ).toBe(3);
  });
});
