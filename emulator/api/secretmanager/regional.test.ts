// Contract test: regional secrets (`projects/*/locations/*/secrets/*`) through
// the official @google-cloud/secret-manager client, with the name forms
// Google's regional samples build (the client's path helpers). The location
// stays in every name; a regional and a global secret may share an id and
// keep their own versions; listing is per location.
import { SecretManagerServiceClient } from "@google-cloud/secret-manager";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../../test/databases";
import { projectNumber } from "../projects";
import { CALL, clientOptions, code, startTestEmulator, type TestEmulator } from "../../testing/harness";

let t: TestEmulator;
let sm: SecretManagerServiceClient;
const P = "sm-regional";
const NUM = projectNumber(P);
const REGION = "europe-west4";

beforeAll(async () => {
  t = await startTestEmulator(await createEmptyDatabase(inject("pgAdminUrl"), "emu"));
  sm = new SecretManagerServiceClient(clientOptions(t.emulator.grpcPort));
});
afterAll(async () => {
  await sm?.close();
  await t?.close();
});

const payload = (value: string) => ({ data: Buffer.from(value) });

/** In `project`, a global `shared-id` (v1 "global-1") and a regional one in REGION (v1 "regional-1", v2 "regional-2"). */
async function sharedIdIn(project: string) {
  await sm.createSecret(
    { parent: `projects/${project}`, secretId: "shared-id", secret: { replication: { automatic: {} } } },
    CALL,
  );
  await sm.createSecret({ parent: `projects/${project}/locations/${REGION}`, secretId: "shared-id", secret: {} }, CALL);
  await sm.addSecretVersion({ parent: `projects/${project}/secrets/shared-id`, payload: payload("global-1") }, CALL);
  await sm.addSecretVersion(
    { parent: `projects/${project}/locations/${REGION}/secrets/shared-id`, payload: payload("regional-1") },
    CALL,
  );
  await sm.addSecretVersion(
    { parent: `projects/${project}/locations/${REGION}/secrets/shared-id`, payload: payload("regional-2") },
    CALL,
  );
}

describe("regional secrets", () => {
  it("creates a regional secret that keeps its location in every name", async () => {
    // As Google's regional quickstart does it (its `secret.name` is ignored).
    const [secret] = await sm.createSecret(
      {
        parent: `projects/${P}/locations/${REGION}`,
        secretId: "reg-only",
        secret: { name: "reg-only", labels: { team: "x" } },
      },
      CALL,
    );
    expect(secret.name).toBe(`projects/${NUM}/locations/${REGION}/secrets/reg-only`);
    expect(secret.replication).toBeNull();
    const [version] = await sm.addSecretVersion({ parent: secret.name, payload: payload("regional value") }, CALL);
    expect(version.name).toBe(`projects/${NUM}/locations/${REGION}/secrets/reg-only/versions/1`);
    expect(version.replicationStatus).toBeNull();
    const [got] = await sm.getSecret({ name: sm.projectLocationSecretsPath(P, REGION, "reg-only") }, CALL);
    expect(got.name).toBe(secret.name);
    expect(got.labels).toEqual({ team: "x" });
    const [accessed] = await sm.accessSecretVersion(
      { name: sm.projectLocationSecretSecretVersionPath(P, REGION, "reg-only", "latest") },
      CALL,
    );
    expect(accessed.name).toBe(version.name);
    expect(accessed.payload?.data?.toString()).toBe("regional value");
    expect(accessed.payload?.dataCrc32c).toBeTruthy();
  });

  it("lets a regional and a global secret share an id, each with its own versions", async () => {
    await sharedIdIn(P);

    const value = async (name: string) => (await sm.accessSecretVersion({ name }, CALL))[0].payload?.data?.toString();
    expect(await value(`projects/${P}/secrets/shared-id/versions/latest`)).toBe("global-1");
    expect(await value(`projects/${NUM}/locations/${REGION}/secrets/shared-id/versions/latest`)).toBe("regional-2");
    expect(await value(`projects/${P}/locations/${REGION}/secrets/shared-id/versions/1`)).toBe("regional-1");

    const [globalVersions] = await sm.listSecretVersions({ parent: `projects/${P}/secrets/shared-id` }, CALL);
    expect(globalVersions.map((v) => v.name)).toEqual([`projects/${NUM}/secrets/shared-id/versions/1`]);
    const [regionalVersions] = await sm.listSecretVersions(
      { parent: `projects/${P}/locations/${REGION}/secrets/shared-id` },
      CALL,
    );
    expect(regionalVersions.map((v) => v.name)).toEqual(
      [2, 1].map((n) => `projects/${NUM}/locations/${REGION}/secrets/shared-id/versions/${n}`),
    );

    // A second regional secret of that id in that location is a duplicate.
    expect(
      (
        await code(
          sm.createSecret({ parent: `projects/${P}/locations/${REGION}`, secretId: "shared-id", secret: {} }, CALL),
        )
      ).code,
    ).toBe(6);
  });

  it("lists secrets per location", async () => {
    // A project of its own: other tests here add and delete secrets in P.
    const P = "sm-regional-list";
    const NUM = projectNumber(P);
    await sm.createSecret({ parent: `projects/${P}/locations/${REGION}`, secretId: "reg-only", secret: {} }, CALL);
    await sharedIdIn(P);
    await sm.createSecret({ parent: `projects/${P}/locations/us-central1`, secretId: "elsewhere", secret: {} }, CALL);
    const names = async (parent: string) => (await sm.listSecrets({ parent }, CALL))[0].map((s) => s.name);
    expect(await names(`projects/${P}/locations/${REGION}`)).toEqual([
      `projects/${NUM}/locations/${REGION}/secrets/reg-only`,
      `projects/${NUM}/locations/${REGION}/secrets/shared-id`,
    ]);
    expect(await names(`projects/${P}/locations/us-central1`)).toEqual([
      `projects/${NUM}/locations/us-central1/secrets/elsewhere`,
    ]);
    expect(await names(`projects/${P}`)).toEqual([`projects/${NUM}/secrets/shared-id`]);
  });

  it("disables, updates and deletes a regional secret without touching the global one", async () => {
    const P = "sm-regional-delete";
    const NUM = projectNumber(P);
    await sharedIdIn(P);
    const regional = `projects/${P}/locations/${REGION}/secrets/shared-id`;
    const [disabled] = await sm.disableSecretVersion({ name: `${regional}/versions/2` }, CALL);
    expect(disabled.state).toBe("DISABLED");
    expect((await code(sm.accessSecretVersion({ name: `${regional}/versions/2` }, CALL))).code).toBe(9);
    const [updated] = await sm.updateSecret(
      { secret: { name: regional, labels: { env: "eu" } }, updateMask: { paths: ["labels"] } },
      CALL,
    );
    expect(updated.name).toBe(`projects/${NUM}/locations/${REGION}/secrets/shared-id`);
    expect(updated.labels).toEqual({ env: "eu" });
    await sm.deleteSecret({ name: regional }, CALL);
    expect((await code(sm.getSecret({ name: regional }, CALL))).code).toBe(5);
    const [global] = await sm.getSecret({ name: `projects/${P}/secrets/shared-id` }, CALL);
    expect(global.labels).toEqual({});
    const [v] = await sm.accessSecretVersion({ name: `projects/${P}/secrets/shared-id/versions/1` }, CALL);
    expect(v.payload?.data?.toString()).toBe("global-1");
  });

  it("refuses a replication policy on a regional secret and a location that is no region", async () => {
    const withReplication = await code(
      sm.createSecret(
        {
          parent: `projects/${P}/locations/${REGION}`,
          secretId: "replicated",
          secret: { replication: { automatic: {} } },
        },
        CALL,
      ),
    );
    expect(withReplication.code).toBe(3);
    const notARegion = await code(
      sm.createSecret({ parent: `projects/${P}/locations/nowhere`, secretId: "lost", secret: {} }, CALL),
    );
    expect(notARegion.code).toBe(3);
  });
});

describe("a database written before regional secrets", () => {
  it("keeps its secrets and takes regional ones after the upgrade", async () => {
    const databaseUrl = await createEmptyDatabase(inject("pgAdminUrl"), "emu");
    // The tables as they were: keyed on (project, secret_id).
    const old = new pg.Client({ connectionString: databaseUrl });
    await old.connect();
    await old.query(`CREATE TABLE sm_secrets (project text NOT NULL, secret_id text NOT NULL, create_time timestamptz NOT NULL DEFAULT now(),
      labels jsonb NOT NULL DEFAULT '{}', annotations jsonb NOT NULL DEFAULT '{}', version_aliases jsonb NOT NULL DEFAULT '{}', etag text NOT NULL,
      PRIMARY KEY (project, secret_id))`);
    await old.query(`CREATE TABLE sm_secret_versions (project text NOT NULL, secret_id text NOT NULL, version integer NOT NULL,
      state text NOT NULL CHECK (state IN ('ENABLED', 'DISABLED', 'DESTROYED')), payload bytea, create_time timestamptz NOT NULL DEFAULT now(),
      destroy_time timestamptz, etag text NOT NULL, PRIMARY KEY (project, secret_id, version),
      FOREIGN KEY (project, secret_id) REFERENCES sm_secrets (project, secret_id) ON DELETE CASCADE)`);
    await old.query(`INSERT INTO sm_secrets (project, secret_id, etag) VALUES ('old-project', 'kept', '"e"')`);
    await old.query(
      `INSERT INTO sm_secret_versions (project, secret_id, version, state, payload, etag) VALUES ('old-project', 'kept', 1, 'ENABLED', 'before', '"v"')`,
    );
    await old.end();

    const upgraded = await startTestEmulator(databaseUrl);
    const client = new SecretManagerServiceClient(clientOptions(upgraded.emulator.grpcPort));
    try {
      // By number too: the project was learnt from the old rows.
      const [kept] = await client.accessSecretVersion(
        { name: `projects/${projectNumber("old-project")}/secrets/kept/versions/latest` },
        CALL,
      );
      expect(kept.payload?.data?.toString()).toBe("before");
      await client.createSecret(
        { parent: "projects/old-project/locations/us-central1", secretId: "kept", secret: {} },
        CALL,
      );
      await client.addSecretVersion(
        { parent: "projects/old-project/locations/us-central1/secrets/kept", payload: payload("regional") },
        CALL,
      );
      const [regional] = await client.accessSecretVersion(
        { name: "projects/old-project/locations/us-central1/secrets/kept/versions/1" },
        CALL,
      );
      expect(regional.payload?.data?.toString()).toBe("regional");
      await client.deleteSecret({ name: "projects/old-project/secrets/kept" }, CALL);
      expect(
        (await code(client.accessSecretVersion({ name: "projects/old-project/secrets/kept/versions/1" }, CALL))).code,
      ).toBe(5);
      const [still] = await client.accessSecretVersion(
        { name: "projects/old-project/locations/us-central1/secrets/kept/versions/1" },
        CALL,
      );
      expect(still.payload?.data?.toString()).toBe("regional");
    } finally {
      await client.close();
      await upgraded.close();
    }
  });
});
