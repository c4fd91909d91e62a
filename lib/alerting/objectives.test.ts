// Uptime checks and SLOs of a service through the guarded actions, against
// the emulator's Cloud Monitoring through the official clients.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { template, waitFor } from "../../emulator/testing/harness";
import { fetchViaRouter, startTestEmulator } from "../../test/emulator";
import { coveredPortalDb, makeUser } from "../../test/portal-db";
import { runGuarded } from "../actions";
import type { Actor } from "../auth/roles";
import type { Db } from "../db";
import { alertingClients, type AlertingClients, type RunClients } from "../gcp/clients";
import { buildSlo, createSloDefinition, deleteSloDefinition, serviceSlos } from "./slo";
import { createUptimeCheckDefinition, deleteUptimeCheckDefinition, serviceUptimeChecks } from "./uptime";

let db: Db;
let clients: AlertingClients;
let stop: () => Promise<void>;
let developer: Actor;
let run: RunClients;
let routerPort: number;

beforeAll(async () => {
  const t = await startTestEmulator();
  stop = () => t.emulator.stop();
  clients = alertingClients({ emulatorHost: t.emulator.endpoint });
  run = t.clients;
  routerPort = t.emulator.routerPort;
  db = await coveredPortalDb();
  await db.fleetLocation.create({ data: { project: "slo-numbers-prod", region: "us-central1", addedBy: "test" } });
  developer = await makeUser(db, "developer");
}, 120_000);

afterAll(async () => stop?.());

const deps = () => ({ clients, intakeBaseUrl: "http://127.0.0.1:3999" });
const newRef = () => ({
  project: "shortfactory-prod",
  region: "us-central1",
  service: `svc-${randomUUID().slice(0, 8)}`,
});
const act = (def: Parameters<typeof runGuarded>[0], input: Record<string, unknown>) =>
  runGuarded(def, developer, input, { db }) as Promise<{
    ok: boolean;
    data?: { name: string };
    fieldErrors?: Record<string, string[]>;
    code?: string;
  }>;

describe("uptime checks and SLOs", () => {
  it("a developer adds an uptime check (path, period, timeout, regions) and deletes it", async () => {
    const ref = newRef();
    const r = await act(createUptimeCheckDefinition(deps), {
      ...ref,
      path: "/health",
      periodSeconds: "300",
      timeoutSeconds: "10",
      regions: ["USA", "EUROPE", "ASIA_PACIFIC"],
    });
    expect(r.ok).toBe(true);
    const [check] = await serviceUptimeChecks(ref, clients);
    expect(check).toMatchObject({
      name: r.data!.name,
      path: "/health",
      periodSeconds: 300,
      timeoutSeconds: 10,
      regions: ["USA", "EUROPE", "ASIA_PACIFIC"],
    });
    expect(await serviceUptimeChecks(newRef(), clients)).toEqual([]);
    expect(
      await act(deleteUptimeCheckDefinition(deps), { project: ref.project, checkName: r.data!.name }),
    ).toMatchObject({ ok: true });
    expect(await serviceUptimeChecks(ref, clients)).toEqual([]);
  });

  it("refuses two regions, a 30 s period and a path without /, creating nothing", async () => {
    const ref = newRef();
    const r = await act(createUptimeCheckDefinition(deps), {
      ...ref,
      path: "health",
      periodSeconds: "30",
      timeoutSeconds: "10",
      regions: ["USA", "EUROPE"],
    });
    expect(r).toMatchObject({ ok: false, code: "invalid" });
    expect(Object.keys(r.fieldErrors!).sort()).toEqual(["path", "periodSeconds", "regions"]);
    expect(await serviceUptimeChecks(ref, clients)).toEqual([]);
  });

  it("builds availability (5xx as bad of all requests) and latency (a distribution cut) SLOs", () => {
    const ref = { project: "shortfactory-prod", region: "us-central1", service: "shortfactory-backend" };
    const run =
      'resource.type="cloud_run_revision" AND resource.labels.service_name="shortfactory-backend" AND resource.labels.location="us-central1"';
    expect(buildSlo(ref, { kind: "availability", goalPercent: 99.9, days: 30 })).toEqual({
      id: "availability-30d",
      slo: {
        displayName: "99.9 % of requests without a 5xx over 30 days",
        goal: 0.999,
        rollingPeriod: { seconds: 2_592_000 },
        serviceLevelIndicator: {
          requestBased: {
            goodTotalRatio: {
              badServiceFilter: `metric.type="run.googleapis.com/request_count" AND ${run} AND metric.labels.response_code_class="5xx"`,
              totalServiceFilter: `metric.type="run.googleapis.com/request_count" AND ${run}`,
            },
          },
        },
      },
    });
    expect(
      buildSlo(ref, { kind: "latency", goalPercent: 95, days: 7, latencyMs: 500 }).slo.serviceLevelIndicator,
    ).toEqual({
      requestBased: {
        distributionCut: {
          distributionFilter: `metric.type="run.googleapis.com/request_latencies" AND ${run}`,
          range: { min: 0, max: 500 },
        },
      },
    });
  });

  it("a developer adds a 99.9 % availability SLO over 30 days: listed with its goal; a twin is refused; deleted", async () => {
    const ref = newRef();
    const r = await act(createSloDefinition(deps), { ...ref, kind: "availability", goalPercent: "99.9", days: "30" });
    expect(r.ok).toBe(true);
    const [slo] = await serviceSlos(ref, clients);
    expect(slo).toMatchObject({
      name: r.data!.name,
      displayName: "99.9 % of requests without a 5xx over 30 days",
      goal: 0.999,
    });
    expect(
      await act(createSloDefinition(deps), { ...ref, kind: "availability", goalPercent: "99.9", days: "30" }),
    ).toMatchObject({ ok: false, code: "conflict" });
    expect(
      await act(createSloDefinition(deps), {
        ...ref,
        kind: "latency",
        goalPercent: "99",
        days: "30",
        latencyMs: "800",
      }),
    ).toMatchObject({ ok: true });
    expect((await serviceSlos(ref, clients)).map((s) => s.displayName).sort()).toEqual([
      "99 % of requests under 800 ms over 30 days",
      "99.9 % of requests without a 5xx over 30 days",
    ]);
    expect(await act(deleteSloDefinition(deps), { project: ref.project, sloName: r.data!.name })).toMatchObject({
      ok: true,
    });
    expect((await serviceSlos(ref, clients)).map((s) => s.name)).not.toContain(r.data!.name);
    expect(await serviceSlos(newRef(), clients)).toEqual([]);
  });

  it("shows an SLO's attainment, budget left and burn rates as Monitoring's selectors compute them from the service's requests", async () => {
    const ref = { project: "slo-numbers-prod", region: "us-central1", service: "orders" };
    const [op] = await run.services.createService({
      parent: `projects/${ref.project}/locations/${ref.region}`,
      serviceId: ref.service,
      service: { template: template("gcr.io/t/hello:v1", { ERROR_RATE: "0.3" }) },
    });
    await op.promise();
    const [svc] = await run.services.getService({
      name: `projects/${ref.project}/locations/${ref.region}/services/${ref.service}`,
    });
    let bad = 0;
    for (let i = 0; i < 40; i++) if ((await fetchViaRouter(svc.uri!, routerPort)).status >= 500) bad++;
    expect(bad).toBeGreaterThan(0);
    expect(
      await act(createSloDefinition(deps), { ...ref, kind: "availability", goalPercent: "90", days: "1" }),
    ).toMatchObject({ ok: true });
    const errorShare = bad / 40;
    // Telemetry reaches Monitoring within seconds; wait until all 40 requests count.
    const [slo] = await waitFor(
      async () => {
        const slos = await serviceSlos(ref, clients);
        return slos[0]?.attainment !== null && Math.abs(slos[0].attainment! - (1 - errorShare)) < 1e-9 ? slos : null;
      },
      "the SLO to count the 40 requests",
      75_000,
      500,
    );
    expect(slo.budgetLeft).toBeCloseTo(1 - errorShare / 0.1, 9);
    expect(slo.burnRate1h).toBeCloseTo(errorShare / 0.1, 9);
    expect(slo.burnRate6h).toBeCloseTo(errorShare / 0.1, 9);
  }, 150_000);
});
