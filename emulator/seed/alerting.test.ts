// The seeded fleet's alerting at first start, read through the official
// clients: the plans' channels, policies, uptime checks and SLO; evaluating
// them (the memory metric may have no data) opens nothing and logs no error.
import monitoring from "@google-cloud/monitoring";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../test/databases";
import { CALL, clientOptions, startTestEmulator, type TestEmulator } from "../testing/harness";

let t: TestEmulator;
let policies: InstanceType<typeof monitoring.AlertPolicyServiceClient>;
let channels: InstanceType<typeof monitoring.NotificationChannelServiceClient>;
let uptime: InstanceType<typeof monitoring.UptimeCheckServiceClient>;
let slos: InstanceType<typeof monitoring.ServiceMonitoringServiceClient>;
const ONE = { ...CALL, autoPaginate: false } as const;

beforeAll(async () => {
  t = await startTestEmulator(await createEmptyDatabase(inject("pgAdminUrl"), "emu"), { seed: true });
  const o = clientOptions(t.emulator.grpcPort);
  policies = new monitoring.AlertPolicyServiceClient(o);
  channels = new monitoring.NotificationChannelServiceClient(o);
  uptime = new monitoring.UptimeCheckServiceClient(o);
  slos = new monitoring.ServiceMonitoringServiceClient(o);
});
afterAll(async () => {
  await Promise.allSettled([policies, channels, uptime, slos].map((c) => c?.close()));
  await t?.close();
});

const names = async (project: string) =>
  (await policies.listAlertPolicies({ name: `projects/${project}`, orderBy: "display_name" }, ONE))[0];

describe("seeded alerting", () => {
  it("carries the plans' policies, channels, uptime checks and SLO", async () => {
    const iv = await names("intentvision-prod");
    expect(iv.map((p) => p.displayName)).toEqual([
      "IntentVision API error rate",
      "IntentVision API health check",
      "IntentVision API memory",
      "IntentVision API p99 latency",
    ]);
    const [ivChannel] = (await channels.listNotificationChannels({ name: "projects/intentvision-prod" }, ONE))[0];
    expect(ivChannel).toMatchObject({ type: "email", displayName: "IntentVision alerts" });
    expect(iv.every((p) => p.notificationChannels![0] === ivChannel.name)).toBe(true);
    expect(iv[0].conditions![0].conditionThreshold).toMatchObject({
      thresholdValue: 0.01,
      duration: { seconds: "300" },
      comparison: "COMPARISON_GT",
    });
    expect(iv[3].conditions![0].conditionThreshold).toMatchObject({ thresholdValue: 5000 });
    expect(iv[2].conditions![0].conditionThreshold!.filter).toContain(
      "run.googleapis.com/container/memory/utilizations",
    );

    const [pp] = await names("pyplots-prod");
    expect(pp).toMatchObject({
      displayName: "High Error Rate",
      conditions: [{ conditionThreshold: { thresholdValue: 0.05, duration: { seconds: "300" } } }],
    });
    expect(pp.notificationChannels).toHaveLength(1);

    const [[ivCheck]] = await uptime.listUptimeCheckConfigs({ parent: "projects/intentvision-prod" }, ONE);
    expect(ivCheck).toMatchObject({
      httpCheck: { path: "/health" },
      monitoredResource: { type: "cloud_run_revision", labels: { service_name: "intentvision-api" } },
    });
    const [[aiCheck]] = await uptime.listUptimeCheckConfigs({ parent: "projects/ai-usage-analytics-prod" }, ONE);
    expect(aiCheck).toMatchObject({ period: { seconds: "60" }, timeout: { seconds: "10" } });
    const ai = await names("ai-usage-analytics-prod");
    const health = ai.find((p) => p.displayName === "AI usage analytics health check")!;
    expect(health.conditions![0].conditionThreshold).toMatchObject({ duration: { seconds: "180" } });
    expect(health.conditions![0].conditionThreshold!.filter).toContain(aiCheck.name!.split("/").pop());

    const [slo] = await slos.getServiceLevelObjective(
      { name: "projects/shortfactory-prod/services/shortfactory-backend/serviceLevelObjectives/availability" },
      CALL,
    );
    expect(slo).toMatchObject({ goal: 0.999, rollingPeriod: { seconds: String(30 * 86400) } });
  });

  it("evaluates the seeded policies without data, opening nothing", async () => {
    await t.emulator.evaluateAlerts();
    const r = (await (await fetch(`http://127.0.0.1:${t.emulator.routerPort}/_emulator/incidents`)).json()) as {
      incidents: unknown[];
    };
    expect(r.incidents).toEqual([]);
  });
});
