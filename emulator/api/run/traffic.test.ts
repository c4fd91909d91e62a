// Traffic splitting and tag URLs, observed through the router.
import http from "node:http";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../../test/databases";
import { CALL, hostOf, request, startTestEmulator, template, type TestEmulator } from "../../testing/harness";

let t: TestEmulator;
const parent = "projects/traffic/locations/europe-west4";
const short = (name: string) => name.split("/").pop()!;

beforeAll(async () => {
  t = await startTestEmulator(await createEmptyDatabase(inject("pgAdminUrl"), "emu"));
});
afterAll(async () => t?.close());

describe("traffic", () => {
  it("splits requests to the service URL by percent and pins tag URLs to their revision", async () => {
    const [op1] = await t.services.createService(
      { parent, serviceId: "split", service: { template: template("gcr.io/traffic/pyplots-api:v1") } },
      CALL,
    );
    await op1.promise();
    const [v1] = await t.services.getService({ name: `${parent}/services/split` }, CALL);
    const rev1 = short(v1.latestReadyRevision!);

    // Deploy v2 as a 30 % canary with a tag, v1 keeps 70 % and its own tag.
    const [op2] = await t.services.updateService(
      {
        service: {
          ...v1,
          template: template("gcr.io/traffic/pyplots-api:v2"),
          traffic: [
            { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: rev1, percent: 70, tag: "stable" },
            { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 30, tag: "canary" },
          ],
        },
      },
      CALL,
    );
    await op2.promise();
    const [svc] = await t.services.getService({ name: v1.name }, CALL);
    const rev2 = short(svc.latestReadyRevision!);
    expect(rev2).not.toBe(rev1);
    const port = t.emulator.routerPort;
    expect(svc.trafficStatuses).toEqual([
      expect.objectContaining({
        type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION",
        revision: rev1,
        percent: 70,
        tag: "stable",
        uri: `http://stable---split.europe-west4.localhost:${port}`,
      }),
      expect.objectContaining({
        type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST",
        percent: 30,
        tag: "canary",
        uri: `http://canary---split.europe-west4.localhost:${port}`,
      }),
    ]);

    // 400 requests: the count for v1 is Binomial(400, 0.7), sd ≈ 9.2. A
    // tolerance of ±40 (about 4.4 sd) makes a false failure rarer than 1 in 50 000.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const counts: Record<string, number> = {};
    const N = 400;
    for (let i = 0; i < N; i += 8) {
      const batch = await Promise.all(
        Array.from({ length: 8 }, () => request(port, hostOf(svc.uri!), "/plots", { agent })),
      );
      for (const r of batch) {
        expect(r.status).toBe(200);
        const rev = String(r.headers["x-runway-revision"]);
        counts[rev] = (counts[rev] ?? 0) + 1;
        expect(r.json().revision).toBe(rev);
      }
    }
    expect(Object.keys(counts).sort()).toEqual([rev1, rev2].sort());
    expect(counts[rev1]).toBeGreaterThanOrEqual(280 - 40);
    expect(counts[rev1]).toBeLessThanOrEqual(280 + 40);

    // Tag URLs reach only their revision.
    for (const [tag, rev, tagName] of [
      [svc.trafficStatuses![0].uri!, rev1, "v1"],
      [svc.trafficStatuses![1].uri!, rev2, "v2"],
    ]) {
      for (let i = 0; i < 20; i++) {
        const r = await request(port, hostOf(tag), "/", { agent });
        expect(r.headers["x-runway-revision"]).toBe(rev);
        expect(r.json()).toMatchObject({ revision: rev, tag: tagName });
      }
    }
    agent.destroy();
  });

  it("adds forwarding and trace headers and publishes a request event", async () => {
    const [op] = await t.services.createService(
      { parent, serviceId: "headers", service: { template: template("gcr.io/traffic/hello:v1") } },
      CALL,
    );
    await op.promise();
    const [svc] = await t.services.getService({ name: `${parent}/services/headers` }, CALL);
    const events: unknown[] = [];
    const off = t.emulator.events.subscribe((e) => e.type === "request" && events.push(e));
    const traceId = "105445aa7843bc8bf206b12000100000";
    const r = await request(t.emulator.routerPort, hostOf(svc.uri!), "/debug/headers?x=1", {
      headers: { "x-cloud-trace-context": `${traceId}/1;o=1`, "user-agent": "runway-test/1.0" },
    });
    off();
    const headers = (r.json().headers ?? {}) as Record<string, string>;
    expect(headers["x-forwarded-for"]).toBe("127.0.0.1");
    expect(headers["x-forwarded-proto"]).toBe("http");
    expect(headers["x-cloud-trace-context"]).toMatch(new RegExp(`^${traceId}/\\d+;o=1$`));
    expect(headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(headers.host).toBe(`headers.europe-west4.localhost:${t.emulator.routerPort}`);
    expect(r.headers["x-runway-image"]).toBe("gcr.io/traffic/hello:v1");
    expect(events).toEqual([
      expect.objectContaining({
        type: "request",
        project: "traffic",
        region: "europe-west4",
        service: "headers",
        revision: short(svc.latestReadyRevision!),
        method: "GET",
        url: "/debug/headers?x=1",
        status: 200,
        userAgent: "runway-test/1.0",
        remoteIp: "127.0.0.1",
        trace: `projects/traffic/traces/${traceId}`,
        instanceId: expect.stringMatching(/^[0-9a-f]{32}$/),
        responseBytes: Buffer.byteLength(r.body),
        requestBytes: 0,
        latencyMs: expect.any(Number),
      }),
    ]);
  });

  it("gives a same-named service in another project its own host", async () => {
    const uris: string[] = [];
    for (const project of ["first-project", "second-project"]) {
      const [op] = await t.services.createService(
        {
          parent: `projects/${project}/locations/us-east1`,
          serviceId: "twin",
          service: { template: template(`gcr.io/${project}/hello:${project}`) },
        },
        CALL,
      );
      await op.promise();
      const [svc] = await t.services.getService({ name: `projects/${project}/locations/us-east1/services/twin` }, CALL);
      uris.push(svc.uri!);
    }
    const port = t.emulator.routerPort;
    expect(uris).toEqual([
      `http://twin.us-east1.localhost:${port}`,
      `http://twin.second-project.us-east1.localhost:${port}`,
    ]);
    expect((await request(port, hostOf(uris[0]))).json().tag).toBe("first-project");
    expect((await request(port, hostOf(uris[1]))).json().tag).toBe("second-project");
    expect((await request(port, "twin.first-project.us-east1.localhost")).json().tag).toBe("first-project");
  });

  it("answers unknown hosts with 404", async () => {
    const r = await request(t.emulator.routerPort, "nothing.europe-west4.localhost");
    expect(r.status).toBe(404);
  });
});
