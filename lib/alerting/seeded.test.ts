// The seeded fleet's alerting as the portal shows it at first start: the
// plans' policies in words on their services, the uptime check and the SLO,
// and Runway's webhook added (once) to the seeded policies of each project.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator } from "../../test/emulator";
import { freshPortalDb } from "../../test/portal-db";
import type { Db } from "../db";
import { alertingClients, type AlertingClients } from "../gcp/clients";
import { listChannels } from "./channels";
import { connectSeededPolicies } from "./local-setup";
import { projectPolicies } from "./policies";
import { serviceAlerting } from "./service-alerting";

let db: Db;
let clients: AlertingClients;
let stop: () => Promise<void>;
const deps = () => ({ clients, intakeBaseUrl: "http://127.0.0.1:3999" });

beforeAll(async () => {
  const t = await startTestEmulator();
  stop = () => t.emulator.stop();
  clients = alertingClients({ emulatorHost: t.emulator.endpoint });
  db = await freshPortalDb();
}, 120_000);

afterAll(async () => stop?.());

describe("the seeded fleet's alerting in the portal", () => {
  it("shows IntentVision's policies in words, its /health check, and ShortFactory's SLO", async () => {
    const iv = await serviceAlerting(
      db,
      { project: "intentvision-prod", region: "us-central1", service: "intentvision-api" },
      deps(),
    );
    expect(iv.errors).toEqual([]);
    expect(iv.policies!.map((p) => [p.displayName, p.conditions])).toEqual([
      ["IntentVision API error rate", "5xx share of requests > 1 % for 5 min"],
      ["IntentVision API health check", "uptime check failing in at least 1 region for 2 min"],
      ["IntentVision API memory", "p99 memory utilization > 80 % for 5 min"],
      ["IntentVision API p99 latency", "p99 request latency > 5000 ms for 5 min"],
    ]);
    expect(iv.uptimeChecks!.map((c) => [c.path, c.periodSeconds, c.timeoutSeconds])).toEqual([["/health", 60, 10]]);
    const sf = await serviceAlerting(
      db,
      { project: "shortfactory-prod", region: "us-central1", service: "shortfactory-backend" },
      deps(),
    );
    expect(sf.slos!.map((s) => [s.displayName, s.goal])).toEqual([["99.9% of requests succeed (30 days)", 0.999]]);
  });

  it("adds Runway's webhook to the seeded policies of each project that has some, once", async () => {
    const projects = ["intentvision-prod", "pyplots-prod", "shortfactory-prod", "elevendops-prod"];
    expect(await connectSeededPolicies(db, deps(), projects)).toEqual(["intentvision-prod", "pyplots-prod"]);
    const [channel] = (await listChannels(db, "pyplots-prod", clients)).filter((c) => c.runway);
    const [highErrorRate] = (await projectPolicies("pyplots-prod", clients)).filter(
      (p) => p.displayName === "High Error Rate",
    );
    expect(highErrorRate.notificationChannels).toHaveLength(2);
    expect(highErrorRate.notificationChannels).toContain(channel.name);
    expect(
      await db.auditEvent.count({ where: { action: "alerting.local-setup", target: "projects/pyplots-prod" } }),
    ).toBe(1);
    // A second start changes nothing, even after the channel was deleted on purpose.
    await db.alertWebhookChannel.deleteMany({ where: { project: "pyplots-prod" } });
    expect(await connectSeededPolicies(db, deps(), projects)).toEqual([]);
    expect(await db.alertWebhookChannel.count({ where: { project: "pyplots-prod" } })).toBe(0);
  });
});
