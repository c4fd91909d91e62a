// Fault injection: rule parsing, and faults seen by the official client,
// set at start and through the admin endpoint.
import http from "node:http";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../test/databases";
import { CALL, startTestEmulator, type TestEmulator } from "../testing/harness";
import { parseFaultRules } from "./faults";

describe("parseFaultRules", () => {
  it("accepts a rule, a list, or {rules}", () => {
    expect(parseFaultRules('{"latencyMs":150}')).toEqual([{ latencyMs: 150 }]);
    expect(parseFaultRules([{ method: "GetService", code: "UNAVAILABLE", rate: 0.5 }])).toHaveLength(1);
    expect(parseFaultRules({ rules: [{ code: 14 }, { method: "*", latencyMs: 5 }] })).toHaveLength(2);
    expect(parseFaultRules("")).toEqual([]);
  });

  it("rejects what it cannot apply", () => {
    expect(() => parseFaultRules({ code: "NOPE" })).toThrow(/not a gRPC error code/);
    expect(() => parseFaultRules({ code: "OK" })).toThrow(/not a gRPC error code/);
    expect(() => parseFaultRules({ rate: 2 })).toThrow(/rate/);
    expect(() => parseFaultRules({ latency: 5 })).toThrow(/unknown fault rule field "latency"/);
    expect(() => parseFaultRules("{not json")).toThrow();
  });
});

let t: TestEmulator;
const parent = "projects/faulty/locations/us-central1";

function admin(method: string, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port: t.emulator.routerPort, method, path: "/_emulator/faults" },
      (res) => {
        let text = "";
        res.on("data", (c) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function codeOf(p: Promise<unknown>): Promise<number | null> {
  try {
    await p;
    return null;
  } catch (err) {
    return (err as { code: number }).code;
  }
}

describe("injected faults", () => {
  beforeAll(async () => {
    t = await startTestEmulator(await createEmptyDatabase(inject("pgAdminUrl"), "emu"), {
      faults: [{ method: "ListServices", latencyMs: 150 }],
    });
  });
  afterAll(async () => t?.close());

  it("adds latency to the methods a rule names", async () => {
    // The rule the emulator started with, set again: another test here replaces the rules.
    expect((await admin("PUT", [{ method: "ListServices", latencyMs: 150 }])).status).toBe(200);
    const started = performance.now();
    await t.services.listServices({ parent }, CALL);
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
    expect(await codeOf(t.services.getService({ name: `${parent}/services/none` }, CALL))).toBe(5);
  });

  it("fails calls with a code at a rate, changed through the admin endpoint", async () => {
    expect(
      (
        await admin("PUT", {
          method: "google.cloud.run.v2.Services/ListServices",
          code: "UNAVAILABLE",
          message: "maintenance",
        })
      ).status,
    ).toBe(200);
    const err = await t.services.listServices({ parent }, CALL).catch((e: { code: number; details: string }) => e);
    expect(err).toMatchObject({ code: 14, details: "maintenance" });

    // rate 0.5 over 100 calls: failures ~ Binomial(100, 0.5), sd 5; ±25 is 5 sd.
    await admin("PUT", [{ method: "GetService", code: "INTERNAL", rate: 0.5 }]);
    let internal = 0;
    for (let i = 0; i < 100; i++)
      if ((await codeOf(t.services.getService({ name: `${parent}/services/none` }, CALL))) === 13) internal++;
    expect(internal).toBeGreaterThan(25);
    expect(internal).toBeLessThan(75);

    expect(JSON.parse((await admin("GET")).body).rules).toHaveLength(1);
    expect((await admin("PUT", { code: "BOGUS" })).status).toBe(400);
    expect((await admin("DELETE")).status).toBe(200);
    expect(await codeOf(t.services.listServices({ parent }, CALL))).toBeNull();
  });
});
