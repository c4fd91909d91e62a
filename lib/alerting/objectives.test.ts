// Uptime checks and SLOs of a service through the guarded actions, against
// the emulator's Cloud Monitoring through the official clients.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator } from "../../test/emulator";
import { freshPortalDb, makeUser } from "../../test/portal-db";
import { runGuarded } from "../actions";
import type { Actor } from "../auth/roles";
import type { Db } from "../db";
import { alertingClients, type AlertingClients } from "../gcp/clients";
import { buildSlo, createSloDefinition, deleteSloDefinition, serviceSlos } from "./slo";
import { createUptimeCheckDefinition, deleteUptimeCheckDefinition, serviceUptimeChecks } from "./uptime";

let db: Db;
let clients: AlertingClients;
let stop: () => Promise<void>;
let developer: Actor;

beforeAll(async () => {
  const t = await startTestEmulator();
  stop = () => t.emulator.stop();
  clients = alertingClients({ emulatorHost: t.emulator.endpoint });
  db = await freshPortalDb();
  developer = await makeUser(db, "developer");
}, 120_000);

afterAll(async () => stop?.());

const deps = () => ({ clients, intakeBaseUrl: "http://127.0.0.1:3999" });
const newRef = () => ({ project: "shortfactory-prod", region: "us-central1", service: `svc-${randomUUID().slice(0, 8)}` });
const act = (def: Parameters<typeof runGuarded>[0], input: Record<string, unknown>) => runGuarded(def, developer, input, { db }) as Promise<{ ok: boolean; data?: { name: string }; fieldErrors?: Record<string, string[]>; code?: string }>;

describe("uptime checks and SLOs", () => {
  it("a developer adds an uptime check (path, period, timeout, regions) and deletes it", async () => {
    const ref = newRef();
    const r = await act(createUptimeCheckDefinition(deps), { ...ref, path: "/health", periodSeconds: "300", timeoutSeconds: "10", regions: ["USA", "EUROPE", "ASIA_PACIFIC"] });
    expect(r.ok).toBe(true);
    const [check] = await serviceUptimeChecks(ref, clients);
    expect(check).toMatchObject({ name: r.data!.name, path: "/health", periodSeconds: 300, timeoutSeconds: 10, regions: ["USA", "EUROPE", "ASIA_PACIFIC"] });
    expect(await serviceUptimeChecks(newRef(), clients)).toEqual([]);
    expect(await act(deleteUptimeCheckDefinition(deps), { project: ref.project, checkName: r.data!.name })).toMatchObject({ ok: true });
    expect(await serviceUptimeChecks(ref, clients)).toEqual([]);
  });

  it("refuses two regions, a 30 s period and a path without /, creating nothing", async () => {
    const ref = newRef();
    const r = await act(createUptimeCheckDefinition(deps), { ...ref, path: "health", periodSeconds: "30", timeoutSeconds: "10", regions: ["USA", "EUROPE"] });
    expect(r).toMatchObject({ ok: false, code: "invalid" });
    expect(Object.keys(r.fieldErrors!).sort()).toEqual(["path", "periodSeconds", "regions"]);
    expect(await serviceUptimeChecks(ref, clients)).toEqual([]);
  });

  it("builds availability (5xx as bad of all requests) and latency (a distribution cut) SLOs", () => {
    const ref = { project: "shortfactory-prod", region: "us-central1", service: "shortfactory-backend" };
    const run = 'resource.type="cloud_run_revision" AND resource.labels.service_name="shortfactory-backend" AND resource.labels.location="us-central1"';
    expect(buildSlo(ref, { kind: "availability", goalPercent: 99.9, days: 30 })).toEqual({
      id: "availability-30d",
      slo: {
        displayName: "99.9 % of requests without a 5xx over 30 days", goal: 0.999, rollingPeriod: { seconds: 2_592_000 },
        serviceLevelIndicator: { requestBased: { goodTotalRatio: { badServiceFilter: `metric.type="run.googleapis.com/request_count" AND ${run} AND metric.labels.response_code_class="5xx"`, totalServiceFilter: `metric.type="run.googleapis.com/request_count" AND ${run}` } } },
      },
    });
    expect(buildSlo(ref, { kind: "latency", goalPercent: 95, days: 7, latencyMs: 500 }).slo.serviceLevelIndicator).toEqual({ requestBased: { distributionCut: { distributionFilter: `metric.type="run.googleapis.com/request_latencies" AND ${run}`, range: { min: 0, max: 500 } } } });
  });

  it("a developer adds a 99.9 % availability SLO over 30 days: listed with its goal; a twin is refused; deleted", async () => {
    const ref = newRef();
    const r = await act(createSloDefinition(deps), { ...ref, kind: "availability", goalPercent: "99.9", days: "30" });
    expect(r.ok).toBe(true);
    const [slo] = await serviceSlos(ref, clients);
    expect(slo).toMatchObject({ name: r.data!.name, displayName: "99.9 % of requests without a 5xx over 30 days", goal: 0.999 });
    expect(await act(createSloDefinition(deps), { ...ref, kind: "availability", goalPercent: "99.9", days: "30" })).toMatchObject({ ok: false, code: "conflict" });
    expect(await act(createSloDefinition(deps), { ...ref, kind: "latency", goalPercent: "99", days: "30", latencyMs: "800" })).toMatchObject({ ok: true });
    expect((await serviceSlos(ref, clients)).map((s) => s.displayName).sort()).toEqual(["99 % of requests under 800 ms over 30 days", "99.9 % of requests without a 5xx over 30 days"]);
    expect(await act(deleteSloDefinition(deps), { project: ref.project, sloName: r.data!.name })).toMatchObject({ ok: true });
    expect((await serviceSlos(ref, clients)).map((s) => s.name)).not.toContain(r.data!.name);
    expect(await serviceSlos(newRef(), clients)).toEqual([]);
  });
});
