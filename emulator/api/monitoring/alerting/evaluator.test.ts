// The evaluator end to end, through the official clients: a 5xx-share policy
// opens an incident when a revision starts failing and closes it when a good
// revision replaces it, with a schema-1.2 webhook POST (token in the URL) and
// an outbox mail each time; a snoozed policy on the same service stays silent.
import http from "node:http";
import type { AddressInfo } from "node:net";
import monitoring from "@google-cloud/monitoring";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../../../test/databases";
import {
  CALL,
  clientOptions,
  deployHello,
  request,
  startTestEmulator,
  waitFor,
  type TestEmulator,
} from "../../../testing/harness";

const PROJECT = "alert-eval";
const parent = `projects/${PROJECT}/locations/us-central1`;
let t: TestEmulator;
let policies: InstanceType<typeof monitoring.AlertPolicyServiceClient>;
let channels: InstanceType<typeof monitoring.NotificationChannelServiceClient>;
let snoozes: InstanceType<typeof monitoring.SnoozeServiceClient>;
let hooks: http.Server;
const received: { url: string; body: any }[] = [];

beforeAll(async () => {
  t = await startTestEmulator(await createEmptyDatabase(inject("pgAdminUrl"), "emu"), {
    alerting: { evaluationPeriodMs: 300 },
  });
  const o = clientOptions(t.emulator.grpcPort);
  policies = new monitoring.AlertPolicyServiceClient(o);
  channels = new monitoring.NotificationChannelServiceClient(o);
  snoozes = new monitoring.SnoozeServiceClient(o);
  hooks = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ url: req.url ?? "", body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => hooks.listen(0, "127.0.0.1", r));
}, 60_000);
afterAll(async () => {
  await Promise.allSettled([policies, channels, snoozes].map((c) => c?.close()));
  await t?.close();
  hooks?.close();
});

const share = (service: string, displayName: string) => ({
  displayName,
  conditions: [
    {
      displayName: "5xx share above 50%",
      conditionThreshold: {
        filter: `metric.type = "run.googleapis.com/request_count" AND resource.labels.service_name = "${service}" AND metric.labels.response_code_class = "5xx"`,
        aggregations: [
          {
            alignmentPeriod: { seconds: 60 },
            perSeriesAligner: "ALIGN_RATE" as const,
            crossSeriesReducer: "REDUCE_SUM" as const,
            groupByFields: ["resource.labels.service_name"],
          },
        ],
        denominatorFilter: `metric.type = "run.googleapis.com/request_count" AND resource.labels.service_name = "${service}"`,
        denominatorAggregations: [
          {
            alignmentPeriod: { seconds: 60 },
            perSeriesAligner: "ALIGN_RATE" as const,
            crossSeriesReducer: "REDUCE_SUM" as const,
            groupByFields: ["resource.labels.service_name"],
          },
        ],
        comparison: "COMPARISON_GT" as const,
        thresholdValue: 0.5,
        duration: { seconds: 0 },
      },
    },
  ],
});

const deploy = (service: string, env: Record<string, string>, create = false) =>
  deployHello(t, parent, service, env, create);

describe("alert evaluator", () => {
  it("opens an incident when a revision fails and closes it when it recovers, with a webhook POST and a mail each time", async () => {
    const host = await deploy("checkout", { ERROR_RATE: "0" }, true);
    const [hook] = await channels.createNotificationChannel(
      {
        name: `projects/${PROJECT}`,
        notificationChannel: {
          type: "webhook_tokenauth",
          displayName: "Runway",
          labels: { url: `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/intake?auth_token=s3cret` },
        },
      },
      CALL,
    );
    const [mail] = await channels.createNotificationChannel(
      {
        name: `projects/${PROJECT}`,
        notificationChannel: {
          type: "email",
          displayName: "On call",
          labels: { email_address: "oncall@checkout.example" },
        },
      },
      CALL,
    );
    const [policy] = await policies.createAlertPolicy(
      {
        name: `projects/${PROJECT}`,
        alertPolicy: {
          ...share("checkout", "Checkout errors"),
          notificationChannels: [hook.name!, mail.name!],
          severity: "ERROR",
        },
      },
      CALL,
    );
    const mine = () => received.filter((r) => r.body.incident.policy_name === "Checkout errors");

    // Healthy traffic: evaluated, nothing opens.
    for (let i = 0; i < 5; i++) expect((await request(t.emulator.routerPort, host, "/")).status).toBe(200);
    await t.emulator.evaluateAlerts();
    expect(mine()).toEqual([]);

    await deploy("checkout", { ERROR_RATE: "1" });
    const opened = await waitFor(
      async () => {
        await request(t.emulator.routerPort, host, "/");
        return mine().find((r) => r.body.incident.state === "open");
      },
      "an open incident POSTed",
      30_000,
      200,
    );
    expect(opened.url).toBe("/intake?auth_token=s3cret");
    expect(opened.body).toMatchObject({
      version: "1.2",
      incident: {
        state: "open",
        ended_at: null,
        scoping_project_id: PROJECT,
        policy_name: "Checkout errors",
        condition_name: "5xx share above 50%",
        severity: "Error",
        threshold_value: "0.5",
        resource: { type: "cloud_run_revision", labels: { service_name: "checkout" } },
        metric: { type: "run.googleapis.com/request_count" },
        condition: { name: policy.conditions![0].name, conditionThreshold: { duration: "0s" } },
      },
    });
    expect(opened.body.incident.incident_id).toMatch(/^0\.[0-9a-f]{16}$/);
    expect(Number(opened.body.incident.observed_value)).toBeGreaterThan(0.5);
    expect(opened.body.incident.started_at).toBeGreaterThan(Date.now() / 1000 - 120);

    await deploy("checkout", { ERROR_RATE: "0" });
    const closed = await waitFor(
      async () => {
        await request(t.emulator.routerPort, host, "/");
        return mine().find((r) => r.body.incident.state === "closed");
      },
      "a closed incident POSTed",
      60_000,
      50,
    );
    expect(closed.body.incident.incident_id).toBe(opened.body.incident.incident_id);
    expect(closed.body.incident.ended_at).toBeGreaterThanOrEqual(opened.body.incident.started_at);
    expect(Number(closed.body.incident.observed_value)).toBeLessThanOrEqual(0.5);
    expect(mine().map((r) => r.body.incident.state)).toEqual(["open", "closed"]);

    // Channels are served in order: the mail of the closure follows its POST.
    const subjects = await waitFor(
      async () => {
        const outbox = (await (await fetch(`http://127.0.0.1:${t.emulator.routerPort}/_emulator/outbox`)).json()) as {
          mails: { to: string; subject: string }[];
        };
        const mails = outbox.mails
          .filter((m) => m.to === "oncall@checkout.example")
          .map((m) => m.subject)
          .reverse();
        return mails.length >= 2 && mails;
      },
      "two mails in the outbox",
      10_000,
    );
    expect(subjects).toEqual(["[ALERT - Error] Checkout errors on checkout", "[RESOLVED] Checkout errors on checkout"]);
    const incidents = (await (await fetch(`http://127.0.0.1:${t.emulator.routerPort}/_emulator/incidents`)).json()) as {
      incidents: { id: string; state: string }[];
    };
    expect(incidents.incidents.find((i) => i.id === opened.body.incident.incident_id)?.state).toBe("closed");
  }, 120_000);

  it("a snooze mutes a policy: no incident and no notification while the other policy fires", async () => {
    const host = await deploy("search", { ERROR_RATE: "1" }, true);
    const url = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/intake?auth_token=s3cret`;
    const [hook] = await channels.createNotificationChannel(
      { name: `projects/${PROJECT}`, notificationChannel: { type: "webhook_tokenauth", labels: { url } } },
      CALL,
    );
    const [snoozed] = await policies.createAlertPolicy(
      {
        name: `projects/${PROJECT}`,
        alertPolicy: { ...share("search", "Search errors (snoozed)"), notificationChannels: [hook.name!] },
      },
      CALL,
    );
    const now = Math.floor(Date.now() / 1000);
    await snoozes.createSnooze(
      {
        parent: `projects/${PROJECT}`,
        snooze: {
          displayName: "release",
          criteria: { policies: [snoozed.name!] },
          interval: { startTime: { seconds: now }, endTime: { seconds: now + 3600 } },
        },
      },
      CALL,
    );
    await policies.createAlertPolicy(
      {
        name: `projects/${PROJECT}`,
        alertPolicy: { ...share("search", "Search errors"), notificationChannels: [hook.name!] },
      },
      CALL,
    );

    await waitFor(
      async () => {
        await request(t.emulator.routerPort, host, "/");
        return received.some((r) => r.body.incident.policy_name === "Search errors");
      },
      "the unsnoozed policy to fire",
      30_000,
      200,
    );
    // One more full evaluation with the same failing data, its deliveries awaited.
    await t.emulator.evaluateAlerts();
    expect(received.filter((r) => r.body.incident.policy_name === "Search errors (snoozed)")).toEqual([]);
    const incidents = (await (await fetch(`http://127.0.0.1:${t.emulator.routerPort}/_emulator/incidents`)).json()) as {
      incidents: { policy: string }[];
    };
    expect(incidents.incidents.filter((i) => i.policy === snoozed.name)).toEqual([]);
  }, 120_000);
});
