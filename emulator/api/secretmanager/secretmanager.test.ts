// Contract tests for Secret Manager v1 through the official
// @google-cloud/secret-manager client only, plus a rotation reaching a Cloud
// Run service once a new revision starts.
import { createHash } from "node:crypto";
import { SecretManagerServiceClient } from "@google-cloud/secret-manager";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../../test/databases";
import { projectNumber } from "../run/names";
import {
  CALL,
  clientOptions,
  hostOf,
  request,
  startTestEmulator,
  template,
  code,
  type TestEmulator,
} from "../../testing/harness";
import { crc32c } from "./crc32c";

let t: TestEmulator;
let sm: SecretManagerServiceClient;
const P = "sm-contract";
const NUM = projectNumber(P);

beforeAll(async () => {
  t = await startTestEmulator(await createEmptyDatabase(inject("pgAdminUrl"), "emu"));
  sm = new SecretManagerServiceClient(clientOptions(t.emulator.grpcPort));
});
afterAll(async () => {
  await sm?.close();
  await t?.close();
});

const add = async (secret: string, value: string) =>
  (
    await sm.addSecretVersion(
      { parent: `projects/${P}/secrets/${secret}`, payload: { data: Buffer.from(value) } },
      CALL,
    )
  )[0];
const access = async (name: string) => (await sm.accessSecretVersion({ name }, CALL))[0];

describe("crc32c", () => {
  it("matches the Castagnoli check value", () => {
    expect(crc32c(Buffer.from("123456789"))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
  });
});

describe("Secret Manager", () => {
  it("creates, gets and lists secrets, named with the project number", async () => {
    // A project of its own: the listing is exact whatever other tests created.
    const OWN = "sm-contract-listing";
    const OWN_NUM = projectNumber(OWN);
    const asked = Math.floor(Date.now() / 1000);
    const [s] = await sm.createSecret(
      {
        parent: `projects/${OWN}`,
        secretId: "api-key",
        secret: { replication: { automatic: {} }, labels: { team: "a" } },
      },
      CALL,
    );
    const answered = Math.ceil(Date.now() / 1000);
    expect(s.name).toBe(`projects/${OWN_NUM}/secrets/api-key`);
    expect(s.etag).toMatch(/^".+"$/);
    expect(s.labels).toEqual({ team: "a" });
    // Stamped while the call ran.
    expect(Number(s.createTime?.seconds)).toBeGreaterThanOrEqual(asked);
    expect(Number(s.createTime?.seconds)).toBeLessThanOrEqual(answered);
    expect(
      (await code(sm.createSecret({ parent: `projects/${OWN}`, secretId: "api-key", secret: {} }, CALL))).code,
    ).toBe(6);
    expect(
      (await code(sm.createSecret({ parent: `projects/${OWN}`, secretId: "bad id!", secret: {} }, CALL))).code,
    ).toBe(3);
    const [got] = await sm.getSecret({ name: `projects/${OWN_NUM}/secrets/api-key` }, CALL);
    expect(got.name).toBe(s.name);
    expect((await code(sm.getSecret({ name: `projects/${OWN}/secrets/nope` }, CALL))).code).toBe(5);
    for (const id of ["b1", "b2", "b3"])
      await sm.createSecret({ parent: `projects/${OWN}`, secretId: id, secret: {} }, CALL);
    const [all] = await sm.listSecrets({ parent: `projects/${OWN}`, pageSize: 2 }, CALL);
    expect(all.map((x) => x.name!.split("/").pop())).toEqual(["api-key", "b1", "b2", "b3"]);
    const [page, , raw] = await sm.listSecrets(
      { parent: `projects/${OWN}`, pageSize: 3 },
      { ...CALL, autoPaginate: false },
    );
    expect(page.length).toBe(3);
    expect(raw?.nextPageToken).toBeTruthy();
    expect(Number(raw?.totalSize)).toBe(4);
    const [byLabel] = await sm.listSecrets({ parent: `projects/${OWN}`, filter: "labels.team=a" }, CALL);
    expect(byLabel.map((x) => x.name)).toEqual([s.name]);
    const [byName] = await sm.listSecrets({ parent: `projects/${OWN}`, filter: "name:b" }, CALL);
    expect(byName.map((x) => x.name!.split("/").pop())).toEqual(["b1", "b2", "b3"]);
    expect((await code(sm.listSecrets({ parent: `projects/${OWN}`, filter: "create_time>2020" }, CALL))).code).toBe(3);
  });

  it("adds versions with checksums, accesses latest, numbers and aliases", async () => {
    await sm.createSecret({ parent: `projects/${P}`, secretId: "db", secret: {} }, CALL);
    const v1 = await add("db", "one");
    expect(v1.name).toBe(`projects/${NUM}/secrets/db/versions/1`);
    expect(v1.state).toBe("ENABLED");
    expect(v1.clientSpecifiedPayloadChecksum).toBe(false);
    const data = Buffer.from("two");
    const [v2] = await sm.addSecretVersion(
      { parent: `projects/${P}/secrets/db`, payload: { data, dataCrc32c: crc32c(data) } },
      CALL,
    );
    expect(v2.clientSpecifiedPayloadChecksum).toBe(true);
    const bad = await code(
      sm.addSecretVersion(
        { parent: `projects/${P}/secrets/db`, payload: { data, dataCrc32c: crc32c(data) + 1 } },
        CALL,
      ),
    );
    expect(bad.code).toBe(3);
    expect(
      (
        await code(
          sm.addSecretVersion(
            { parent: `projects/${P}/secrets/db`, payload: { data: Buffer.alloc(64 * 1024 + 1) } },
            CALL,
          ),
        )
      ).code,
    ).toBe(3);
    const latest = await access(`projects/${P}/secrets/db/versions/latest`);
    expect(latest.name).toBe(`projects/${NUM}/secrets/db/versions/2`);
    expect(Buffer.from(latest.payload!.data as Uint8Array).toString()).toBe("two");
    expect(Number(latest.payload!.dataCrc32c)).toBe(crc32c(data));
    expect(
      Buffer.from((await access(`projects/${P}/secrets/db/versions/1`)).payload!.data as Uint8Array).toString(),
    ).toBe("one");
    expect((await code(access(`projects/${P}/secrets/db/versions/9`))).code).toBe(5);

    const [s] = await sm.getSecret({ name: `projects/${P}/secrets/db` }, CALL);
    const [u] = await sm.updateSecret(
      {
        secret: { name: s.name, versionAliases: { current: 1 }, etag: s.etag },
        updateMask: { paths: ["version_aliases"] },
      },
      CALL,
    );
    expect(u.versionAliases).toEqual({ current: "1" });
    expect(u.etag).not.toBe(s.etag);
    expect(
      Buffer.from((await access(`projects/${P}/secrets/db/versions/current`)).payload!.data as Uint8Array).toString(),
    ).toBe("one");
    expect(
      (
        await code(
          sm.updateSecret(
            { secret: { name: s.name, versionAliases: { x: 7 } }, updateMask: { paths: ["version_aliases"] } },
            CALL,
          ),
        )
      ).code,
    ).toBe(3);
  });

  it("moves versions through ENABLED, DISABLED and DESTROYED with etags", async () => {
    await sm.createSecret({ parent: `projects/${P}`, secretId: "st", secret: {} }, CALL);
    await add("st", "a");
    const v2 = await add("st", "b");
    const [d] = await sm.disableSecretVersion({ name: v2.name, etag: v2.etag }, CALL);
    expect(d.state).toBe("DISABLED");
    expect(d.etag).not.toBe(v2.etag);
    // latest is the newest version whatever its state: no fallback to version 1.
    const denied = await code(access(`projects/${P}/secrets/st/versions/latest`));
    expect(denied).toEqual({
      code: 9,
      details: `Secret Version [projects/${NUM}/secrets/st/versions/2] is in DISABLED state.`,
    });
    expect((await code(sm.enableSecretVersion({ name: v2.name, etag: v2.etag }, CALL))).code).toBe(10);
    const [e] = await sm.enableSecretVersion({ name: v2.name, etag: d.etag }, CALL);
    expect(e.state).toBe("ENABLED");
    const [x] = await sm.destroySecretVersion({ name: v2.name }, CALL);
    expect(x.state).toBe("DESTROYED");
    expect(Number(x.destroyTime?.seconds)).toBeGreaterThan(0);
    expect((await code(sm.enableSecretVersion({ name: v2.name }, CALL))).code).toBe(9);
    expect((await code(access(v2.name!))).details).toContain("DESTROYED state");

    const [versions] = await sm.listSecretVersions({ parent: `projects/${P}/secrets/st` }, CALL);
    expect(versions.map((v) => [v.name!.split("/").pop(), v.state])).toEqual([
      ["2", "DESTROYED"],
      ["1", "ENABLED"],
    ]);
    const [enabled] = await sm.listSecretVersions(
      { parent: `projects/${P}/secrets/st`, filter: "state:ENABLED" },
      CALL,
    );
    expect(enabled.map((v) => v.name!.split("/").pop())).toEqual(["1"]);
    const [one, , raw] = await sm.listSecretVersions(
      { parent: `projects/${P}/secrets/st`, pageSize: 1 },
      { ...CALL, autoPaginate: false },
    );
    expect(one.length).toBe(1);
    expect(Number(raw?.totalSize)).toBe(2);
  });

  it("updates labels, annotations, rotation and topics under an update mask and deletes with etags", async () => {
    const [s] = await sm.createSecret({ parent: `projects/${P}`, secretId: "rot", secret: {} }, CALL);
    expect((await code(sm.updateSecret({ secret: { name: s.name, labels: { a: "b" } } }, CALL))).code).toBe(3);
    const next = { seconds: Math.floor(Date.now() / 1000) + 3600 };
    const noTopic = await code(
      sm.updateSecret(
        {
          secret: { name: s.name, rotation: { nextRotationTime: next, rotationPeriod: { seconds: 86_400 * 30 } } },
          updateMask: { paths: ["rotation"] },
        },
        CALL,
      ),
    );
    expect(noTopic.code).toBe(3);
    const tooSoon = await code(
      sm.updateSecret(
        {
          secret: {
            name: s.name,
            topics: [{ name: `projects/${P}/topics/rot` }],
            rotation: { nextRotationTime: { seconds: Math.floor(Date.now() / 1000) + 60 } },
          },
          updateMask: { paths: ["rotation", "topics"] },
        },
        CALL,
      ),
    );
    expect(tooSoon.code).toBe(3);
    const [u] = await sm.updateSecret(
      {
        secret: {
          name: s.name,
          labels: { a: "b" },
          annotations: { owner: "ops" },
          topics: [{ name: `projects/${P}/topics/rot` }],
          rotation: { nextRotationTime: next, rotationPeriod: { seconds: 86_400 * 30 } },
        },
        updateMask: { paths: ["labels", "annotations", "rotation", "topics"] },
      },
      CALL,
    );
    expect(u.labels).toEqual({ a: "b" });
    expect(u.annotations).toEqual({ owner: "ops" });
    expect(u.topics?.map((x) => x.name)).toEqual([`projects/${P}/topics/rot`]);
    expect(Number(u.rotation?.nextRotationTime?.seconds)).toBe(next.seconds);
    expect((await code(sm.deleteSecret({ name: s.name, etag: s.etag }, CALL))).code).toBe(10);
    await sm.deleteSecret({ name: s.name, etag: u.etag }, CALL);
    expect((await code(sm.getSecret({ name: s.name }, CALL))).code).toBe(5);
  });

  it("a new version reaches a Cloud Run service when a new revision starts", async () => {
    await sm.createSecret({ parent: `projects/${P}`, secretId: "app-token", secret: {} }, CALL);
    await add("app-token", "first-value");
    const parent = `projects/${P}/locations/us-central1`;
    // One instance, kept warm by min instances: it started before the new version and runs until replaced.
    const env = (rev: string) => ({
      ...template("gcr.io/sm/hello:v1"),
      revision: rev,
      scaling: { minInstanceCount: 1, maxInstanceCount: 1 },
      containers: [
        {
          image: "gcr.io/sm/hello:v1",
          env: [
            { name: "TOKEN", valueSource: { secretKeyRef: { secret: "app-token", version: "latest" } } },
            { name: "REV", value: rev },
          ],
        },
      ],
    });
    const [op] = await t.services.createService(
      { parent, serviceId: "rotated", service: { template: env("rotated-1") } },
      CALL,
    );
    const [svc] = await op.promise();
    const fp = (v: string) => "sha256:" + createHash("sha256").update(v).digest("hex").slice(0, 16);
    const seen = async () => {
      const r = await request(t.emulator.routerPort, hostOf(svc.uri!), "/debug/env");
      return { ...(r.json() as { env: Record<string, string> }), instance: r.headers["x-runway-instance"] };
    };
    expect((await seen()).env.TOKEN).toBe(fp("first-value"));

    const { instance } = await seen();
    await add("app-token", "second-value");
    // The running instance keeps the value it started with (`latest` is read when an instance starts).
    const again = await seen();
    expect(again.env.TOKEN).toBe(fp("first-value"));
    expect(again.instance).toBe(instance);
    const [op2] = await t.services.updateService({ service: { name: svc.name, template: env("rotated-2") } }, CALL);
    await op2.promise();
    expect((await seen()).env.TOKEN).toBe(fp("second-value"));

    // A reference by full name with the project number, pinned to version 1.
    const pinned = {
      containers: [
        {
          image: "gcr.io/sm/hello:v1",
          env: [
            {
              name: "TOKEN",
              valueSource: { secretKeyRef: { secret: `projects/${NUM}/secrets/app-token`, version: "1" } },
            },
          ],
        },
      ],
    };
    const [op3] = await t.services.createService({ parent, serviceId: "pinned", service: { template: pinned } }, CALL);
    const [svc3] = await op3.promise();
    const env3 = (await request(t.emulator.routerPort, hostOf(svc3.uri!), "/debug/env")).json() as {
      env: Record<string, string>;
    };
    expect(env3.env.TOKEN).toBe(fp("first-value"));
  });
});
