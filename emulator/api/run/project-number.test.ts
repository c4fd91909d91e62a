// Contract test: Cloud Run v2 names may carry the project NUMBER instead of the
// id (the protos' `projects/{project}` takes either), through the official
// clients. Answers carry the name as the service was created (the id), as
// Cloud Run v2 does; the number is the one Secret Manager and the default
// service account use.
import { SecretManagerServiceClient } from "@google-cloud/secret-manager";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../../test/databases";
import { projectNumber } from "../projects";
import { CALL, clientOptions, code, startTestEmulator, template, type TestEmulator } from "../../testing/harness";

let t: TestEmulator;
let sm: SecretManagerServiceClient;
const P = "number-contract";
const NUM = projectNumber(P);
const byId = `projects/${P}/locations/us-central1`;
const byNumber = `projects/${NUM}/locations/us-central1`;

beforeAll(async () => {
  t = await startTestEmulator(await createEmptyDatabase(inject("pgAdminUrl"), "emu"));
  sm = new SecretManagerServiceClient(clientOptions(t.emulator.grpcPort));
  const [op] = await t.services.createService(
    { parent: byId, serviceId: "numbered", service: { template: template("gcr.io/x/hello:v1") } },
    CALL,
  );
  await op.promise();
});
afterAll(async () => {
  await sm?.close();
  await t?.close();
});

describe("Cloud Run names with the project number", () => {
  it("gets a service by number and answers with the name it was created under", async () => {
    const [svc] = await t.services.getService({ name: `${byNumber}/services/numbered` }, CALL);
    expect(svc.name).toBe(`${byId}/services/numbered`);
    expect(svc.latestReadyRevision).toMatch(new RegExp(`^${byId}/services/numbered/revisions/numbered-00001-`));
  });

  it("uses the same number as the default service account and Secret Manager names", async () => {
    const [svc] = await t.services.getService({ name: `${byNumber}/services/numbered` }, CALL);
    expect(svc.template?.serviceAccount).toBe(`${NUM}-compute@developer.gserviceaccount.com`);
    const [secret] = await sm.createSecret(
      { parent: `projects/${P}`, secretId: "shared-number", secret: { replication: { automatic: {} } } },
      CALL,
    );
    expect(secret.name).toBe(`projects/${NUM}/secrets/shared-number`);
  });

  it("lists services and revisions by number", async () => {
    const [services] = await t.services.listServices({ parent: byNumber }, CALL);
    expect(services.map((s) => s.name)).toEqual([`${byId}/services/numbered`]);
    const [revisions] = await t.revisions.listRevisions({ parent: `${byNumber}/services/numbered` }, CALL);
    expect(revisions).toHaveLength(1);
    const [revision] = await t.revisions.getRevision({ name: revisions[0].name!.replace(byId, byNumber) }, CALL);
    expect(revision.name).toBe(revisions[0].name);
    expect(revision.service).toBe(`${byId}/services/numbered`);
  });

  it("updates a service named by number", async () => {
    const [current] = await t.services.getService({ name: `${byId}/services/numbered` }, CALL);
    const [op] = await t.services.updateService(
      {
        service: { name: `${byNumber}/services/numbered`, labels: { team: "numbers" }, etag: current.etag },
        updateMask: { paths: ["labels"] },
      },
      CALL,
    );
    expect(op.name).toMatch(new RegExp(`^${byId}/operations/`));
    await op.promise();
    const [after] = await t.services.getService({ name: `${byNumber}/services/numbered` }, CALL);
    expect(after.name).toBe(`${byId}/services/numbered`);
    expect(after.labels).toEqual({ team: "numbers" });
    expect(Number(after.generation)).toBe(Number(current.generation) + 1);
  });

  it("answers NOT_FOUND for a number no project has", async () => {
    const err = await code(
      t.services.getService({ name: "projects/894821819954/locations/us-central1/services/numbered" }, CALL),
    );
    expect(err.code).toBe(5);
  });
});
