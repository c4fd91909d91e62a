// The seeded fleet at first start, and synthetic services for load tests.
import { createHash } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../test/databases";
import { SecretManagerServiceClient } from "@google-cloud/secret-manager";
import {
  CALL,
  clientOptions,
  hostOf,
  request,
  startTestEmulator,
  waitFor,
  type TestEmulator,
} from "../testing/harness";
import { FLEET, FLEET_SECRETS } from "./fleet";

let t: TestEmulator;
let url: string;
/** Instances running right after the first start, before any test sends a request. */
let instancesAtStart: number;
const short = (name: string) => name.split("/").pop()!;
/** Telemetry tables: instances write logs, minutes and their hourly and daily rollups as they run and stop. */
const TELEMETRY_TABLE =
  /^emu_(log_entries|request_minutes|instance_minutes|request_hours|instance_hours|utilization_minutes|utilization_hours|request_days|instance_days|utilization_days)$/;

beforeAll(async () => {
  url = await createEmptyDatabase(inject("pgAdminUrl"), "emu");
  t = await startTestEmulator(url, { seed: true });
  instancesAtStart = await runningInstances();
});
afterAll(async () => t?.close());

/** Instances running, but for the warm min instances the plans keep (`warm`: only those). */
async function runningInstances(warm = false): Promise<number> {
  const r = await request(t.emulator.routerPort, "127.0.0.1", "/_emulator/instances");
  const kept = (key: string) => WARM.some((s) => key.includes(`/${s}-`));
  return ((r.json().revisions ?? []) as { key: string; instances: unknown[] }[])
    .filter((p) => kept(p.key) === warm)
    .reduce((n, p) => n + p.instances.length, 0);
}
const WARM = FLEET.filter((f) => f.minInstances > 0).map((f) => f.service);

describe("seeded fleet", () => {
  it("has every DESIGN.md service, Ready, with a history, and starts no process until asked", async () => {
    // Nothing starts but the min instances the plans ask for (shortfactory-frontend's one).
    expect(WARM).toEqual(["shortfactory-frontend"]);
    expect(instancesAtStart).toBe(0);
    await waitFor(async () => (await runningInstances(true)) === 1, "the warm min instance", 60_000, 200);
    const running = await runningInstances();
    for (const f of FLEET) {
      const [svc] = await t.services.getService(
        { name: `projects/${f.project}/locations/${f.region}/services/${f.service}` },
        CALL,
      );
      expect(svc.terminalCondition?.state, f.service).toBe("CONDITION_SUCCEEDED");
      expect(svc.uri).toBe(`http://${f.service}.${f.region}.localhost:${t.emulator.routerPort}`);
      const [revs] = await t.revisions.listRevisions({ parent: svc.name }, CALL);
      expect(revs.length).toBe(f.tags.length);
      expect(revs[0].containers?.[0].image).toBe(`${f.image}:${f.tags.at(-1)}`);
      expect(revs.every((r) => r.annotations?.["runway.dev/deployed-by"])).toBe(true);
      const created = revs.map((r) => Number(r.createTime?.seconds));
      expect(created).toEqual([...created].sort((a, b) => b - a));
      expect(created.at(-1)!).toBeLessThan(Date.now() / 1000 - 14 * 86_400);
      const c = svc.template!.containers![0];
      expect(c.resources?.limits).toEqual({ cpu: f.cpu, memory: f.memory });
      expect(svc.template!.scaling).toMatchObject({ maxInstanceCount: f.maxInstances });
      for (const [name, secret] of Object.entries(f.secrets)) {
        expect(c.env?.find((e) => e.name === name)?.valueSource?.secretKeyRef).toMatchObject({
          secret,
          version: "latest",
        });
      }
    }
    // Reading the fleet starts nothing either.
    expect(await runningInstances()).toBe(running);
  }, 90_000);

  it("carries the settings and the rollback and canary from the plans", async () => {
    const [api] = await t.services.getService(
      { name: "projects/intentvision-prod/locations/us-central1/services/intentvision-api" },
      CALL,
    );
    expect(api.template).toMatchObject({
      maxInstanceRequestConcurrency: 80,
      serviceAccount: "intentvision-sa@intentvision-prod.iam.gserviceaccount.com",
      timeout: { seconds: "300" },
    });
    expect(api.template!.containers![0].startupProbe?.httpGet?.path).toBe("/health");
    const [pipeline] = await t.services.getService(
      { name: "projects/ai-usage-analytics-prod/locations/us-central1/services/ai-usage-analytics-pipeline" },
      CALL,
    );
    expect(pipeline.template).toMatchObject({ maxInstanceRequestConcurrency: 10, timeout: { seconds: "3600" } });
    const [backend] = await t.services.getService(
      { name: "projects/shortfactory-prod/locations/us-central1/services/shortfactory-backend" },
      CALL,
    );
    expect(backend.template?.executionEnvironment).toBe("EXECUTION_ENVIRONMENT_GEN2");
    expect(backend.trafficStatuses?.map((s) => [s.percent, s.tag])).toEqual([
      [90, ""],
      [10, "canary"],
    ]);

    const [pyplots] = await t.services.getService(
      { name: "projects/pyplots-prod/locations/europe-west4/services/pyplots-api" },
      CALL,
    );
    const [revs] = await t.revisions.listRevisions({ parent: pyplots.name }, CALL);
    // Rolled back: v6 takes all traffic, v7 (the latest) is reachable by its tag only.
    expect(pyplots.trafficStatuses).toEqual([
      expect.objectContaining({ revision: short(revs[1].name!), percent: 100 }),
      expect.objectContaining({ revision: short(revs[0].name!), percent: 0, tag: "v7-debug" }),
    ]);
    expect(Number(pyplots.generation)).toBe(4);
  });

  it("serves every service at its URI with its secrets resolved", async () => {
    for (const f of FLEET) {
      const r = await request(t.emulator.routerPort, `${f.service}.${f.region}.localhost`, "/");
      expect(r.status, f.service).toBe(200);
      expect(r.json()).toMatchObject({ service: f.service });
    }
    const env = await request(t.emulator.routerPort, "pyplots-api.europe-west4.localhost", "/debug/env");
    const fingerprints = env.json().env as Record<string, string>;
    // db-connection-string is a real URL to the seeded pyplots-db database (emulator/api/sql/seed.ts).
    const sm = new SecretManagerServiceClient(clientOptions(t.emulator.grpcPort));
    const [url] = await sm.accessSecretVersion(
      { name: "projects/pyplots-prod/secrets/db-connection-string/versions/latest" },
      CALL,
    );
    await sm.close();
    const value = Buffer.from(url.payload!.data as Uint8Array).toString();
    expect(value).toMatch(/^postgresql:\/\/csql_[a-z0-9_]+:[^@]+@127\.0\.0\.1:\d+\/csql_\w+$/);
    const expected = `sha256:${createHash("sha256").update(value).digest("hex").slice(0, 16)}`;
    expect(fingerprints.DATABASE_URL).toBe(expected);
    expect(fingerprints.ANTHROPIC_API_KEY).toMatch(/^sha256:/);
    expect(fingerprints.K_REVISION).toBeTruthy();
    const worker = await request(t.emulator.routerPort, "intentvision-api.us-central1.localhost", "/");
    expect(worker.json()).toMatchObject({ database: "configured", environment: "production" });
  });

  it("fails a revision whose secret version is not enabled", async () => {
    const secretEnv = (version: string) => ({
      containers: [
        {
          image: "gcr.io/x/hello:v1",
          env: [
            { name: "TURSO_TOKEN", valueSource: { secretKeyRef: { secret: "intentvision-turso-token", version } } },
          ],
        },
      ],
    });
    const parent = "projects/intentvision-prod/locations/us-central1";
    const [bad] = await t.services.createService(
      { parent, serviceId: "old-token", service: { template: secretEnv("1") } },
      CALL,
    );
    const err = await bad.promise().then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toContain(
      "Secret Version [projects/intentvision-prod/secrets/intentvision-turso-token/versions/1] is in DISABLED state",
    );
    const [good] = await t.services.createService(
      { parent, serviceId: "new-token", service: { template: secretEnv("latest") } },
      CALL,
    );
    await good.promise();
  });

  it("adds synthetic services that start nothing until a request comes", async () => {
    const before = await runningInstances();
    expect(await t.emulator.seedSyntheticServices(200)).toBe(200);
    expect(await t.emulator.seedSyntheticServices(200)).toBe(0);
    const [us] = await t.services.listServices({ parent: "projects/runway-synthetic/locations/us-central1" }, CALL);
    const [eu] = await t.services.listServices({ parent: "projects/runway-synthetic/locations/europe-west4" }, CALL);
    expect(us.length + eu.length).toBe(200);
    expect(await runningInstances()).toBe(before);
    const r = await request(t.emulator.routerPort, hostOf(us[0].uri!), "/");
    expect(r.status).toBe(200);
  }, 120_000); // 200 services written twice: minutes on a loaded 2-core machine, not the default 30 s

  it("does not seed again on a restart: same revisions, secret versions and rows", async () => {
    const before = await seededState();
    await t.close();
    t = await startTestEmulator(url, { seed: true });
    const after = await seededState();
    expect(after.revisions).toEqual(before.revisions);
    expect(after.secretVersions).toEqual(before.secretVersions);
    expect(after.rows).toEqual(before.rows);
    // The snapshot is of a seeded fleet, not of an empty one.
    expect(Object.keys(after.revisions)).toHaveLength(FLEET.length);
    expect(after.secretVersions["projects/intentvision-prod/secrets/intentvision-turso-token"]).toBe(2);
    expect(after.rows["public.sql_instances"]).toBeGreaterThan(0);
    const [list] = await t.services.listServices({ parent: "projects/pyplots-prod/locations/europe-west4" }, CALL);
    expect(list.map((s) => short(s.name!))).toEqual(["pyplots-api", "pyplots-frontend"]);
  }, 120_000); // a whole emulator restart with its seed check
});

/**
 * What seeding creates, read back: each fleet service's revision names, each
 * seeded secret's number of versions, and the row count of every table of the
 * emulator's database except telemetry (instances write logs as they run).
 */
async function seededState() {
  const revisions: Record<string, string[]> = {};
  for (const f of FLEET) {
    const [revs] = await t.revisions.listRevisions(
      { parent: `projects/${f.project}/locations/${f.region}/services/${f.service}` },
      CALL,
    );
    revisions[f.service] = revs.map((r) => short(r.name!));
  }
  const sm = new SecretManagerServiceClient(clientOptions(t.emulator.grpcPort));
  const secretVersions: Record<string, number> = {};
  try {
    for (const [project, secrets] of Object.entries(FLEET_SECRETS)) {
      for (const s of secrets) {
        const name = `projects/${project}/secrets/${s.id}`;
        secretVersions[name] = (await sm.listSecretVersions({ parent: name }, CALL))[0].length;
      }
    }
  } finally {
    await sm.close();
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ schema: string; name: string }>(
      `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
       WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2`,
    );
    const rows: Record<string, number> = {};
    for (const { schema, name } of tables.filter((x) => !TELEMETRY_TABLE.test(x.name))) {
      rows[`${schema}.${name}`] = Number(
        (await client.query(`SELECT count(*) AS n FROM "${schema}"."${name}"`)).rows[0].n,
      );
    }
    return { revisions, secretVersions, rows };
  } finally {
    await client.end();
  }
}
