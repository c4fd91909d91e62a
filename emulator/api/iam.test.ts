// Contract test: GetIamPolicy, SetIamPolicy and TestIamPermissions on Cloud
// Run services and on secrets (global and regional), through the official
// @google-cloud/run v2 and @google-cloud/secret-manager clients. Policies are
// stored (they survive a restart), carry an etag (stale → ABORTED), have their
// bindings validated and merged, and go with their resource.
import { SecretManagerServiceClient } from "@google-cloud/secret-manager";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../test/databases";
import { projectNumber } from "./projects";
import { CALL, clientOptions, code, startTestEmulator, template, type TestEmulator } from "../testing/harness";

let databaseUrl: string;
let t: TestEmulator;
let sm: SecretManagerServiceClient;
const P = "iam-contract";
const parent = `projects/${P}/locations/us-central1`;
const svc = (id: string) => `${parent}/services/${id}`;
const INVOKERS = { role: "roles/run.invoker", members: ["allUsers", "user:ana@example.com"] };

async function createService(id: string) {
  const [op] = await t.services.createService(
    { parent, serviceId: id, service: { template: template("gcr.io/x/hello:v1") } },
    CALL,
  );
  await op.promise();
}

beforeAll(async () => {
  databaseUrl = await createEmptyDatabase(inject("pgAdminUrl"), "emu");
  t = await startTestEmulator(databaseUrl);
  sm = new SecretManagerServiceClient(clientOptions(t.emulator.grpcPort));
});

let seq = 0;
/** A new service of the calling test's own: no test sees another's policy. */
async function ownService(): Promise<string> {
  const id = `guarded-${++seq}`;
  await createService(id);
  return id;
}
afterAll(async () => {
  await sm?.close();
  await t?.close();
});

describe("IAM on Cloud Run services", () => {
  it("starts with an empty policy and stores what is set, with a new etag", async () => {
    const id = await ownService();
    const [empty] = await t.services.getIamPolicy({ resource: svc(id) }, CALL);
    expect(empty.bindings).toEqual([]);
    expect(empty.version).toBe(0);
    expect(Buffer.from(empty.etag!).toString("base64")).toBe("ACAB");

    const [set] = await t.services.setIamPolicy(
      { resource: svc(id), policy: { bindings: [INVOKERS], etag: empty.etag } },
      CALL,
    );
    expect(set.version).toBe(1);
    expect(set.bindings?.map((b) => ({ role: b.role, members: b.members }))).toEqual([INVOKERS]);
    expect(Buffer.from(set.etag!).equals(Buffer.from(empty.etag!))).toBe(false);

    // By project number too.
    const [got] = await t.services.getIamPolicy(
      { resource: `projects/${projectNumber(P)}/locations/us-central1/services/${id}` },
      CALL,
    );
    expect(got.bindings?.map((b) => ({ role: b.role, members: b.members }))).toEqual([INVOKERS]);
    expect(Buffer.from(got.etag!).equals(Buffer.from(set.etag!))).toBe(true);
  });

  it("refuses a stale etag with ABORTED and overwrites when none is sent", async () => {
    const id = await ownService();
    const [before] = await t.services.getIamPolicy({ resource: svc(id) }, CALL);
    const viewers = { role: "roles/run.viewer", members: ["group:team@example.com"] };
    await t.services.setIamPolicy(
      { resource: svc(id), policy: { bindings: [INVOKERS, viewers], etag: before.etag } },
      CALL,
    );
    const stale = await code(
      t.services.setIamPolicy({ resource: svc(id), policy: { bindings: [], etag: before.etag } }, CALL),
    );
    expect(stale.code).toBe(10);
    const [after] = await t.services.getIamPolicy({ resource: svc(id) }, CALL);
    expect(after.bindings?.map((b) => b.role)).toEqual(["roles/run.invoker", "roles/run.viewer"]);

    const [blind] = await t.services.setIamPolicy({ resource: svc(id), policy: { bindings: [INVOKERS] } }, CALL);
    expect(blind.bindings?.map((b) => b.role)).toEqual(["roles/run.invoker"]);
  });

  it("validates roles, members and versions", async () => {
    const id = await ownService();
    await t.services.setIamPolicy({ resource: svc(id), policy: { bindings: [INVOKERS] } }, CALL);
    const set = (bindings: object[], version?: number) =>
      code(t.services.setIamPolicy({ resource: svc(id), policy: { bindings, version } }, CALL));
    expect((await set([{ role: "run.invoker", members: ["allUsers"] }])).code).toBe(3);
    expect((await set([{ role: "roles/run.invoker", members: ["ana@example.com"] }])).code).toBe(3);
    expect((await set([{ role: "roles/run.invoker", members: ["user:not-an-address"] }])).code).toBe(3);
    expect((await set([{ role: "roles/run.invoker", members: ["everyone"] }])).code).toBe(3);
    expect((await set([INVOKERS], 2)).code).toBe(3);
    const conditional = {
      role: "roles/run.invoker",
      members: ["domain:example.com"],
      condition: { title: "soon", expression: "request.time < timestamp('2030-01-01T00:00:00Z')" },
    };
    expect((await set([conditional], 1)).code).toBe(3);
    const [current] = await t.services.getIamPolicy({ resource: svc(id) }, CALL);
    expect(current.bindings?.map((b) => ({ role: b.role, members: b.members }))).toEqual([INVOKERS]);
  });

  it("merges bindings of one role, takes every member kind and needs version 3 for conditions", async () => {
    const id = await ownService();
    const members = [
      "serviceAccount:ci@iam-contract.iam.gserviceaccount.com",
      "domain:example.com",
      "allAuthenticatedUsers",
      "user:ana@example.com",
    ];
    const [merged] = await t.services.setIamPolicy(
      {
        resource: svc(id),
        policy: {
          bindings: [
            { role: "roles/run.invoker", members: members.slice(0, 2) },
            { role: "roles/run.invoker", members: members.slice(1) },
          ],
        },
      },
      CALL,
    );
    expect(merged.bindings?.map((b) => ({ role: b.role, members: b.members }))).toEqual([
      { role: "roles/run.invoker", members },
    ]);

    const condition = { title: "until 2030", expression: "request.time < timestamp('2030-01-01T00:00:00Z')" };
    const [v3] = await t.services.setIamPolicy(
      {
        resource: svc(id),
        policy: {
          version: 3,
          bindings: [{ role: "roles/run.developer", members: ["user:ana@example.com"], condition }],
        },
      },
      CALL,
    );
    expect(v3.version).toBe(3);
    expect((await code(t.services.getIamPolicy({ resource: svc(id) }, CALL))).code).toBe(3);
    const [read] = await t.services.getIamPolicy({ resource: svc(id), options: { requestedPolicyVersion: 3 } }, CALL);
    expect(read.version).toBe(3);
    expect(read.bindings?.[0].condition).toMatchObject(condition);
  });

  it("answers TestIamPermissions with the asked permissions that apply to a service", async () => {
    const id = await ownService();
    const [res] = await t.services.testIamPermissions(
      {
        resource: svc(id),
        permissions: [
          "run.services.get",
          "secretmanager.versions.access",
          "run.routes.invoke",
          "run.services.setIamPolicy",
        ],
      },
      CALL,
    );
    expect(res.permissions).toEqual(["run.services.get", "run.routes.invoke", "run.services.setIamPolicy"]);
    expect((await code(t.services.testIamPermissions({ resource: svc(id), permissions: ["run.*"] }, CALL))).code).toBe(
      3,
    );
  });

  it("keeps policies across a restart and drops them with the service", async () => {
    const id = await ownService();
    await t.services.setIamPolicy({ resource: svc(id), policy: { bindings: [INVOKERS] } }, CALL);
    await t.close();
    t = await startTestEmulator(databaseUrl);
    await sm.close();
    sm = new SecretManagerServiceClient(clientOptions(t.emulator.grpcPort));
    const [kept] = await t.services.getIamPolicy({ resource: svc(id) }, CALL);
    expect(kept.bindings?.map((b) => ({ role: b.role, members: b.members }))).toEqual([INVOKERS]);

    const [op] = await t.services.deleteService({ name: svc(id) }, CALL);
    await op.promise();
    expect((await code(t.services.getIamPolicy({ resource: svc(id) }, CALL))).code).toBe(5);
    await createService(id);
    const [fresh] = await t.services.getIamPolicy({ resource: svc(id) }, CALL);
    expect(fresh.bindings).toEqual([]);
    expect((await code(t.services.getIamPolicy({ resource: svc("never-created") }, CALL))).code).toBe(5);
  });
});

describe("IAM on secrets", () => {
  const accessor = {
    role: "roles/secretmanager.secretAccessor",
    members: ["serviceAccount:app@iam-contract.iam.gserviceaccount.com"],
  };
  /** A global and a regional secret of the calling test's own, sharing one id. */
  async function ownSecrets() {
    const id = `token-${++seq}`;
    await sm.createSecret({ parent: `projects/${P}`, secretId: id, secret: { replication: { automatic: {} } } }, CALL);
    await sm.createSecret({ parent: `projects/${P}/locations/europe-west4`, secretId: id, secret: {} }, CALL);
    return {
      id,
      global: `projects/${P}/secrets/${id}`,
      regional: `projects/${P}/locations/europe-west4/secrets/${id}`,
    };
  }

  it("keeps one policy per secret, global and regional apart, with etags", async () => {
    const { id, global, regional } = await ownSecrets();
    const [empty] = await sm.getIamPolicy({ resource: regional }, CALL);
    const [set] = await sm.setIamPolicy(
      { resource: regional, policy: { bindings: [accessor], etag: empty.etag } },
      CALL,
    );
    expect(set.bindings?.map((b) => ({ role: b.role, members: b.members }))).toEqual([accessor]);
    const [other] = await sm.getIamPolicy({ resource: global }, CALL);
    expect(other.bindings).toEqual([]);
    const [byNumber] = await sm.getIamPolicy(
      { resource: `projects/${projectNumber(P)}/locations/europe-west4/secrets/${id}` },
      CALL,
    );
    expect(byNumber.bindings?.map((b) => b.role)).toEqual(["roles/secretmanager.secretAccessor"]);
    expect(
      (await code(sm.setIamPolicy({ resource: regional, policy: { bindings: [], etag: empty.etag } }, CALL))).code,
    ).toBe(10);
    expect(
      (
        await code(
          sm.setIamPolicy(
            { resource: global, policy: { bindings: [{ role: "secretAccessor", members: ["allUsers"] }] } },
            CALL,
          ),
        )
      ).code,
    ).toBe(3);
  });

  it("answers TestIamPermissions for secrets and drops the policy with the secret", async () => {
    const { id, global, regional } = await ownSecrets();
    const [res] = await sm.testIamPermissions(
      {
        resource: global,
        permissions: ["secretmanager.versions.access", "run.services.get", "secretmanager.secrets.delete"],
      },
      CALL,
    );
    expect(res.permissions).toEqual(["secretmanager.versions.access", "secretmanager.secrets.delete"]);
    await sm.deleteSecret({ name: regional }, CALL);
    expect((await code(sm.getIamPolicy({ resource: regional }, CALL))).code).toBe(5);
    await sm.createSecret({ parent: `projects/${P}/locations/europe-west4`, secretId: id, secret: {} }, CALL);
    const [fresh] = await sm.getIamPolicy({ resource: regional }, CALL);
    expect(fresh.bindings).toEqual([]);
  });
});
