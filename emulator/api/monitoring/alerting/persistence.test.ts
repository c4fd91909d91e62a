// Alerting state lives in the emulator's PostgreSQL: policies, channels,
// uptime checks, SLOs and snoozes read back unchanged after a restart on the
// same database.
import monitoring from "@google-cloud/monitoring";
import { describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../../../test/databases";
import { CALL, clientOptions, startTestEmulator } from "../../../testing/harness";

const P = "alert-restart";

async function clients(port: number) {
  const o = clientOptions(port);
  return {
    policies: new monitoring.AlertPolicyServiceClient(o),
    channels: new monitoring.NotificationChannelServiceClient(o),
    uptime: new monitoring.UptimeCheckServiceClient(o),
    slos: new monitoring.ServiceMonitoringServiceClient(o),
    snoozes: new monitoring.SnoozeServiceClient(o),
  };
}

describe("alerting persistence", () => {
  it("keeps every resource across a restart", async () => {
    const url = await createEmptyDatabase(inject("pgAdminUrl"), "emu");
    let t = await startTestEmulator(url);
    let c = await clients(t.emulator.grpcPort);
    const [channel] = await c.channels.createNotificationChannel(
      { name: `projects/${P}`, notificationChannel: { type: "email", labels: { email_address: "a@example.com" } } },
      CALL,
    );
    const [policy] = await c.policies.createAlertPolicy(
      {
        name: `projects/${P}`,
        alertPolicy: {
          displayName: "p",
          notificationChannels: [channel.name!],
          conditions: [
            {
              displayName: "gone",
              conditionAbsent: {
                filter: 'metric.type = "run.googleapis.com/request_count"',
                duration: { seconds: 300 },
              },
            },
          ],
        },
      },
      CALL,
    );
    const [check] = await c.uptime.createUptimeCheckConfig(
      {
        parent: `projects/${P}`,
        uptimeCheckConfig: {
          displayName: "u",
          monitoredResource: { type: "uptime_url", labels: { host: "127.0.0.1" } },
          tcpCheck: { port: 9 },
        },
      },
      CALL,
    );
    const [svc] = await c.slos.createService(
      { parent: `projects/${P}`, serviceId: "s", service: { custom: {} } },
      CALL,
    );
    const now = Math.floor(Date.now() / 1000);
    const [snooze] = await c.snoozes.createSnooze(
      {
        parent: `projects/${P}`,
        snooze: {
          displayName: "z",
          criteria: { policies: [policy.name!] },
          interval: { endTime: { seconds: now + 600 } },
        },
      },
      CALL,
    );
    await Promise.all(Object.values(c).map((x) => x.close()));
    await t.close();

    t = await startTestEmulator(url);
    c = await clients(t.emulator.grpcPort);
    try {
      expect((await c.policies.getAlertPolicy({ name: policy.name }, CALL))[0]).toEqual(policy);
      expect((await c.channels.getNotificationChannel({ name: channel.name }, CALL))[0]).toEqual(channel);
      expect((await c.uptime.getUptimeCheckConfig({ name: check.name }, CALL))[0]).toEqual(check);
      expect((await c.slos.getService({ name: svc.name }, CALL))[0]).toEqual(svc);
      expect((await c.snoozes.getSnooze({ name: snooze.name }, CALL))[0]).toEqual(snooze);
    } finally {
      await Promise.all(Object.values(c).map((x) => x.close()));
      await t.close();
    }
  }, 60_000);
});
