// The service URL form that resolves everywhere: every service host and tag
// host also has a port of its own on 127.0.0.1. Node's plain fetch (whose
// resolver does not know *.localhost) reaches a seeded service and its tag
// that way, absolute paths included; the Host form keeps working; the port
// survives a restart.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../test/databases";
import { CALL, hostOf, request, startTestEmulator, type TestEmulator } from "../testing/harness";

let databaseUrl: string;
let t: TestEmulator;
const API = "projects/pyplots-prod/locations/europe-west4/services/pyplots-api";

beforeAll(async () => {
  databaseUrl = await createEmptyDatabase(inject("pgAdminUrl"), "emu");
  t = await startTestEmulator(databaseUrl, { seed: true });
});
afterAll(async () => t?.close());

type Route = {
  key: string;
  hosts: string[];
  tags: { tag: string; hosts: string[]; revision: string }[];
  localUrls: Record<string, string>;
};

async function routeOf(key: string): Promise<Route> {
  const r = await request(t.emulator.routerPort, "127.0.0.1", "/_emulator/routes");
  return (r.json().routes as Route[]).find((route) => route.key === key)!;
}

describe("own-port service URLs", () => {
  it("lists the own-port URL in the service's urls, after the Host-form uri", async () => {
    const [svc] = await t.services.getService({ name: API }, CALL);
    expect(svc.uri).toBe(`http://pyplots-api.europe-west4.localhost:${t.emulator.routerPort}`);
    expect(svc.urls).toHaveLength(2);
    expect(svc.urls![0]).toBe(svc.uri);
    expect(svc.urls![1]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(svc.urls![1]).not.toBe(`http://127.0.0.1:${t.emulator.routerPort}`);
  });

  it("is reached by Node's plain fetch, on the revision the traffic split serves, absolute paths included", async () => {
    const [svc] = await t.services.getService({ name: API }, CALL);
    const serving = svc.trafficStatuses!.find((s) => s.percent === 100)!.revision!;
    const res = await fetch(`${svc.urls![1]}/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-runway-revision")).toBe(serving);
    const headers = await fetch(`${svc.urls![1]}/debug/headers?x=1`);
    expect(headers.status).toBe(200);
    expect(((await headers.json()) as { headers: Record<string, string> }).headers.host).toBe(
      new URL(svc.urls![1]).host,
    );
    expect((await fetch(`${svc.urls![1]}/no-such-page`)).status).toBe(404);
  });

  it("gives a tag its own port too, which serves only the tagged revision", async () => {
    const [svc] = await t.services.getService({ name: API }, CALL);
    const tagged = svc.trafficStatuses!.find((s) => s.tag === "v7-debug")!;
    const route = await routeOf(API);
    const tagHost = hostOf(tagged.uri!);
    expect(route.localUrls[tagHost]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(route.localUrls[hostOf(svc.uri!)]).toBe(svc.urls![1]);
    const res = await fetch(`${route.localUrls[tagHost]}/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-runway-revision")).toBe(tagged.revision);
  });

  it("keeps the Host form working", async () => {
    const [svc] = await t.services.getService({ name: API }, CALL);
    const res = await request(t.emulator.routerPort, hostOf(svc.uri!), "/health");
    expect(res.status).toBe(200);
  });

  it("keeps a service's own port across a restart", async () => {
    const [before] = await t.services.getService({ name: API }, CALL);
    await t.close();
    t = await startTestEmulator(databaseUrl, { seed: true });
    const [after] = await t.services.getService({ name: API }, CALL);
    expect(after.urls![1]).toBe(before.urls![1]);
    expect((await fetch(`${after.urls![1]}/health`)).status).toBe(200);
  });
});
