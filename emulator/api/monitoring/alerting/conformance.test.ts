// The alerting APIs as Google's proto comments describe them, through the
// official @google-cloud/monitoring clients: the differences found in issue
// 26's second conformance pass, one test each, and log-match (log-based)
// alerting policies evaluated from the emulator's Cloud Logging entries.
import http from "node:http";
import logging from "@google-cloud/logging";
import monitoring from "@google-cloud/monitoring";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../../../test/databases";
import { CALL, clientOptions, code, startTestEmulator, type TestEmulator } from "../../../testing/harness";

let t: TestEmulator;
let policies: InstanceType<typeof monitoring.AlertPolicyServiceClient>;
let channels: InstanceType<typeof monitoring.NotificationChannelServiceClient>;
let uptime: InstanceType<typeof monitoring.UptimeCheckServiceClient>;
let snoozes: InstanceType<typeof monitoring.SnoozeServiceClient>;
let log: InstanceType<typeof logging.v2.LoggingServiceV2Client>;
let hooks: http.Server;
const received: { url: string; body: any }[] = [];

beforeAll(async () => {
  // Evaluation only when the test asks (evaluateAlerts), at the instants it names.
  t = await startTestEmulator(await createEmptyDatabase(inject("pgAdminUrl"), "emu"), {
    alerting: { evaluationPeriodMs: 3_600_000 },
  });
  const o = clientOptions(t.emulator.grpcPort);
  policies = new monitoring.AlertPolicyServiceClient(o);
  channels = new monitoring.NotificationChannelServiceClient(o);
  uptime = new monitoring.UptimeCheckServiceClient(o);
  snoozes = new monitoring.SnoozeServiceClient(o);
  log = new logging.v2.LoggingServiceV2Client(o);
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
  await Promise.allSettled([policies, channels, uptime, snoozes, log].map((c) => c?.close()));
  await t?.close();
  hooks?.close();
});

async function webhook(project: string, path: string) {
  const port = (hooks.address() as { port: number }).port;
  const [c] = await channels.createNotificationChannel(
    {
      name: `projects/${project}`,
      notificationChannel: {
        type: "webhook_tokenauth",
        displayName: path,
        labels: { url: `http://127.0.0.1:${port}/${path}?auth_token=t` },
      },
    },
    CALL,
  );
  return c.name!;
}

describe("NotificationChannelService", () => {
  it("refuses verification_status on create and update (illegal to specify: only VerifyNotificationChannel sets it)", async () => {
    const P = "conf-channels";
    const email = { type: "email", displayName: "On call", labels: { email_address: "oncall@example.com" } };
    expect(
      await code(
        channels.createNotificationChannel(
          { name: `projects/${P}`, notificationChannel: { ...email, verificationStatus: "VERIFIED" } },
          CALL,
        ),
      ),
    ).toMatchObject({ code: 3, details: expect.stringContaining("verification_status") });
    const [[none]] = await channels.listNotificationChannels({ name: `projects/${P}` }, CALL).then((r) => [r[0]]);
    expect(none).toBeUndefined();
    const [c] = await channels.createNotificationChannel({ name: `projects/${P}`, notificationChannel: email }, CALL);
    expect(
      await code(
        channels.updateNotificationChannel(
          {
            notificationChannel: { name: c.name, verificationStatus: "VERIFIED" },
            updateMask: { paths: ["verification_status"] },
          },
          CALL,
        ),
      ),
    ).toMatchObject({ code: 3 });
    expect(
      await code(
        channels.updateNotificationChannel(
          { notificationChannel: { ...c, displayName: "x", verificationStatus: "VERIFIED" } },
          CALL,
        ),
      ),
    ).toMatchObject({ code: 3 });
    const [got] = await channels.getNotificationChannel({ name: c.name }, CALL);
    expect(got).toMatchObject({ displayName: "On call", verificationStatus: "VERIFICATION_STATUS_UNSPECIFIED" });
  });
});

describe("UptimeCheckService", () => {
  it("refuses to delete a check an alert policy refers to (FAILED_PRECONDITION), and deletes it once the policy is gone", async () => {
    const P = "conf-uptime";
    const [check] = await uptime.createUptimeCheckConfig(
      {
        parent: `projects/${P}`,
        uptimeCheckConfig: {
          displayName: "Home page",
          monitoredResource: { type: "uptime_url", labels: { host: "127.0.0.1" } },
          httpCheck: { path: "/", port: 9 },
          period: { seconds: 300 },
          timeout: { seconds: 10 },
        },
      },
      CALL,
    );
    const id = check.name!.split("/").pop();
    const [policy] = await policies.createAlertPolicy(
      {
        name: `projects/${P}`,
        alertPolicy: {
          displayName: "Home page down",
          combiner: "OR",
          conditions: [
            {
              displayName: "failing",
              conditionThreshold: {
                filter: `metric.type="monitoring.googleapis.com/uptime_check/check_passed" AND resource.type="uptime_url" AND metric.labels.check_id="${id}"`,
                aggregations: [
                  {
                    alignmentPeriod: { seconds: 1200 },
                    perSeriesAligner: "ALIGN_NEXT_OLDER",
                    crossSeriesReducer: "REDUCE_COUNT_FALSE",
                    groupByFields: ["metric.labels.check_id"],
                  },
                ],
                comparison: "COMPARISON_GT",
                thresholdValue: 1,
                duration: { seconds: 60 },
              },
            },
          ],
        },
      },
      CALL,
    );
    expect(await code(uptime.deleteUptimeCheckConfig({ name: check.name }, CALL))).toMatchObject({
      code: 9,
      details: expect.stringContaining(policy.name!),
    });
    await uptime.getUptimeCheckConfig({ name: check.name }, CALL);
    await policies.deleteAlertPolicy({ name: policy.name }, CALL);
    await uptime.deleteUptimeCheckConfig({ name: check.name }, CALL);
    expect(await code(uptime.getUptimeCheckConfig({ name: check.name }, CALL))).toMatchObject({ code: 5 });
  });
});

describe("log-match (log-based) alerting policies", () => {
  const P = "conf-logmatch";
  const logMatch = (extra: Record<string, unknown> = {}) => ({
    displayName: "Payment failures",
    conditions: [
      {
        displayName: "payment failed",
        conditionMatchedLog: {
          filter: 'severity>=ERROR AND jsonPayload.event="payment_failed"',
          labelExtractors: { customer: "EXTRACT(jsonPayload.customer)" },
        },
      },
    ],
    alertStrategy: { notificationRateLimit: { period: { seconds: 300 } } },
    ...extra,
  });
  const write = (customer: string, event = "payment_failed", severity: "ERROR" | "INFO" = "ERROR") =>
    log.writeLogEntries(
      {
        logName: `projects/${P}/logs/app`,
        resource: {
          type: "cloud_run_revision",
          labels: {
            service_name: "checkout",
            location: "us-central1",
            revision_name: "checkout-00001-abc",
            project_id: P,
          },
        },
        entries: [
          { severity, jsonPayload: { fields: { event: { stringValue: event }, customer: { stringValue: customer } } } },
        ],
      },
      CALL,
    );
  const incidents = async () =>
    (
      (await (await fetch(`http://127.0.0.1:${t.emulator.routerPort}/_emulator/incidents`)).json()) as {
        incidents: { policy: string; state: string; metric: Record<string, string> }[];
      }
    ).incidents;

  it("are accepted as Google accepts them, with Google's rules: one condition, a notification rate limit, OPENED prompts only, a valid filter", async () => {
    const [p] = await policies.createAlertPolicy({ name: `projects/${P}`, alertPolicy: logMatch() }, CALL);
    expect(p.conditions![0].conditionMatchedLog).toMatchObject({
      filter: 'severity>=ERROR AND jsonPayload.event="payment_failed"',
      labelExtractors: { customer: "EXTRACT(jsonPayload.customer)" },
    });
    expect(p.alertStrategy!.notificationRateLimit!.period).toMatchObject({ seconds: "300" });
    await policies.deleteAlertPolicy({ name: p.name }, CALL);

    const bad = [
      logMatch({ alertStrategy: {} }),
      logMatch({
        alertStrategy: {
          notificationRateLimit: { period: { seconds: 300 } },
          notificationPrompts: ["OPENED", "CLOSED"],
        },
      }),
      logMatch({
        combiner: "OR",
        conditions: [
          logMatch().conditions[0],
          { displayName: "second", conditionMatchedLog: { filter: "severity>=ERROR" } },
        ],
      }),
      logMatch({ conditions: [{ displayName: "no filter", conditionMatchedLog: { filter: "" } }] }),
      logMatch({ conditions: [{ displayName: "bad filter", conditionMatchedLog: { filter: "severity >= (" } }] }),
      logMatch({
        conditions: [
          {
            displayName: "bad extractor",
            conditionMatchedLog: { filter: "severity>=ERROR", labelExtractors: { x: "SPLIT(textPayload)" } },
          },
        ],
      }),
    ];
    for (const b of bad)
      expect(
        await code(policies.createAlertPolicy({ name: `projects/${P}-rules`, alertPolicy: b }, CALL)),
        JSON.stringify(b),
      ).toMatchObject({ code: 3 });
    expect((await policies.listAlertPolicies({ name: `projects/${P}-rules` }, CALL))[0]).toEqual([]);
  });

  it("open an incident per extracted label combination when a matching entry arrives, at most one notification per rate-limit period, and auto-close silently", async () => {
    const hook = await webhook(P, "logs");
    const [p] = await policies.createAlertPolicy(
      {
        name: `projects/${P}`,
        alertPolicy: logMatch({
          notificationChannels: [hook],
          alertStrategy: { notificationRateLimit: { period: { seconds: 300 } }, autoClose: { seconds: 1800 } },
        }),
      },
      CALL,
    );
    const mine = () => received.filter((r) => r.url.startsWith("/logs"));
    const t0 = Date.now();

    await write("acme", "checkout_ok");
    await write("acme", "payment_failed", "INFO");
    await t.emulator.evaluateAlerts(t0);
    expect(mine()).toHaveLength(0);

    await write("acme");
    await t.emulator.evaluateAlerts(t0 + 1_000);
    expect(mine()).toHaveLength(1);
    expect(mine()[0].body.incident).toMatchObject({
      state: "open",
      policy_name: "Payment failures",
      condition_name: "payment failed",
      metric: { labels: { customer: "acme" } },
      resource: { type: "cloud_run_revision", labels: { service_name: "checkout" } },
    });
    expect(mine()[0].body.incident.summary).toContain("customer=acme");

    // Within the rate-limit period: the same rule stays quiet; another customer is another rule.
    await write("acme");
    await write("globex");
    await t.emulator.evaluateAlerts(t0 + 60_000);
    expect(mine().map((r) => r.body.incident.metric.labels.customer)).toEqual(["acme", "globex"]);
    expect((await incidents()).filter((i) => i.policy === p.name && i.state === "open")).toHaveLength(2);

    // Nothing new: no notification, even after the period.
    await t.emulator.evaluateAlerts(t0 + 400_000);
    expect(mine()).toHaveLength(2);
    // After the period a new match notifies again, for the incident still open.
    await write("acme");
    await t.emulator.evaluateAlerts(t0 + 401_000);
    expect(mine()).toHaveLength(3);
    expect(mine()[2].body.incident.incident_id).toBe(mine()[0].body.incident.incident_id);

    // No match for auto_close: the incidents close, without a notification (log-based policies notify on OPENED only).
    await t.emulator.evaluateAlerts(t0 + 401_000 + 1_800_000);
    expect((await incidents()).filter((i) => i.policy === p.name && i.state === "open")).toHaveLength(0);
    expect(mine()).toHaveLength(3);
  });

  it("stay silent while snoozed, and read only entries written after the policy was made", async () => {
    const hook = await webhook(P, "snoozed");
    await write("early");
    const [p] = await policies.createAlertPolicy(
      {
        name: `projects/${P}`,
        alertPolicy: logMatch({ displayName: "Snoozed failures", notificationChannels: [hook] }),
      },
      CALL,
    );
    const t0 = Date.now();
    await t.emulator.evaluateAlerts(t0);
    const mine = () => received.filter((r) => r.url.startsWith("/snoozed"));
    expect(mine()).toHaveLength(0);
    await snoozes.createSnooze(
      {
        parent: `projects/${P}`,
        snooze: {
          displayName: "maintenance",
          criteria: { policies: [p.name!] },
          interval: {
            startTime: { seconds: Math.floor(t0 / 1000) },
            endTime: { seconds: Math.floor(t0 / 1000) + 3600 },
          },
        },
      },
      CALL,
    );
    await write("initech");
    await t.emulator.evaluateAlerts(t0 + 1_000);
    expect(mine()).toHaveLength(0);
    expect((await incidents()).filter((i) => i.policy === p.name)).toHaveLength(0);
  });
});

describe("ServiceMonitoringService ids", () => {
  it("takes Google's id patterns: services [a-z0-9-]+ (no capitals), SLOs ^[a-zA-Z0-9-_:.]+$", async () => {
    const slos = new monitoring.ServiceMonitoringServiceClient(clientOptions(t.emulator.grpcPort));
    try {
      const P = "conf-slo-ids";
      const service = { displayName: "Checkout", custom: {} };
      expect(
        await code(slos.createService({ parent: `projects/${P}`, serviceId: "Checkout", service }, CALL)),
      ).toMatchObject({ code: 3, details: expect.stringContaining("service_id") });
      const [s] = await slos.createService({ parent: `projects/${P}`, serviceId: "checkout", service }, CALL);
      const goal = {
        displayName: "99% good",
        goal: 0.99,
        rollingPeriod: { seconds: 86400 * 7 },
        serviceLevelIndicator: {
          requestBased: {
            goodTotalRatio: {
              goodServiceFilter:
                'metric.type="run.googleapis.com/request_count" metric.labels.response_code_class="2xx"',
              totalServiceFilter: 'metric.type="run.googleapis.com/request_count"',
            },
          },
        },
      };
      const [slo] = await slos.createServiceLevelObjective(
        { parent: s.name, serviceLevelObjectiveId: "avail_7d:v1.2", serviceLevelObjective: goal },
        CALL,
      );
      expect(slo.name).toBe(`${s.name}/serviceLevelObjectives/avail_7d:v1.2`);
      expect(
        await code(
          slos.createServiceLevelObjective(
            { parent: s.name, serviceLevelObjectiveId: "no/slash", serviceLevelObjective: goal },
            CALL,
          ),
        ),
      ).toMatchObject({ code: 3 });
    } finally {
      await slos.close();
    }
  });
});

describe("list paging and masks as the protos describe them", () => {
  it("uptime checks and snoozes take a page size <= 0 as 'the server decides', not INVALID_ARGUMENT", async () => {
    const P = "conf-paging";
    const [checks] = await uptime.listUptimeCheckConfigs({ parent: `projects/${P}`, pageSize: -1 }, CALL);
    expect(checks).toEqual([]);
    const [ips] = await uptime.listUptimeCheckIps({ pageSize: -5 }, CALL);
    expect(ips.length).toBeGreaterThan(0);
    const [sn] = await snoozes.listSnoozes({ parent: `projects/${P}`, pageSize: -1 }, CALL);
    expect(sn).toEqual([]);
  });

  it("UpdateAlertPolicy takes a user label by key in the mask, spelled user_label.KEY as Google's examples do", async () => {
    const P = "conf-mask";
    const [p] = await policies.createAlertPolicy(
      {
        name: `projects/${P}`,
        alertPolicy: {
          displayName: "labelled",
          userLabels: { team: "a", tier: "1" },
          conditions: [
            {
              displayName: "absent",
              conditionAbsent: { filter: 'metric.type="run.googleapis.com/request_count"', duration: { seconds: 300 } },
            },
          ],
        },
      },
      CALL,
    );
    const [u] = await policies.updateAlertPolicy(
      {
        alertPolicy: { name: p.name, userLabels: { team: "b", tier: "9" } },
        updateMask: { paths: ["user_label.team"] },
      },
      CALL,
    );
    expect(u.userLabels).toEqual({ team: "b", tier: "1" });
  });
});

describe("field limits from the protos", () => {
  it("refuses documentation beyond Google's limits (content 8,192 characters, text/markdown only, 3 links with names of at most 63) and channel descriptions beyond 1,024", async () => {
    const P = "conf-limits";
    const condition = {
      displayName: "absent",
      conditionAbsent: { filter: 'metric.type="run.googleapis.com/request_count"', duration: { seconds: 300 } },
    };
    const link = (displayName: string) => ({ displayName, url: "https://runbooks.example/x" });
    const bad = [
      { content: "x".repeat(8193) },
      { content: "runbook", mimeType: "text/html" },
      { content: "runbook", links: [link("a"), link("b"), link("c"), link("d")] },
      { content: "runbook", links: [link("")] },
      { content: "runbook", links: [link("n".repeat(64))] },
    ];
    for (const documentation of bad) {
      expect(
        await code(
          policies.createAlertPolicy(
            { name: `projects/${P}`, alertPolicy: { displayName: "doc", documentation, conditions: [condition] } },
            CALL,
          ),
        ),
        JSON.stringify(documentation).slice(0, 80),
      ).toMatchObject({ code: 3, details: expect.stringContaining("documentation") });
    }
    const [ok] = await policies.createAlertPolicy(
      {
        name: `projects/${P}`,
        alertPolicy: {
          displayName: "doc",
          documentation: {
            content: "x".repeat(8192),
            mimeType: "text/markdown",
            links: [link("a"), link("b"), link("c")],
          },
          conditions: [condition],
        },
      },
      CALL,
    );
    expect(ok.documentation!.links).toHaveLength(3);

    const email = { type: "email", displayName: "On call", labels: { email_address: "oncall@example.com" } };
    expect(
      await code(
        channels.createNotificationChannel(
          { name: `projects/${P}`, notificationChannel: { ...email, description: "d".repeat(1025) } },
          CALL,
        ),
      ),
    ).toMatchObject({ code: 3, details: expect.stringContaining("description") });
    await channels.createNotificationChannel(
      { name: `projects/${P}`, notificationChannel: { ...email, description: "d".repeat(1024) } },
      CALL,
    );
  });
});

describe("channel verification codes", () => {
  it("a code from GetNotificationChannelVerificationCode verifies another channel with the same identity, in another project, and no other", async () => {
    const email = (address: string) => ({ type: "email", displayName: "On call", labels: { email_address: address } });
    const [a] = await channels.createNotificationChannel(
      { name: "projects/conf-verify-a", notificationChannel: email("verify@example.com") },
      CALL,
    );
    await channels.sendNotificationChannelVerificationCode({ name: a.name }, CALL);
    const outbox = (await (await fetch(`http://127.0.0.1:${t.emulator.routerPort}/_emulator/outbox`)).json()) as {
      mails: { to: string; body: string }[];
    };
    const sent = /G-\d{6}/.exec(outbox.mails.find((m) => m.to === "verify@example.com")!.body)![0];
    await channels.verifyNotificationChannel({ name: a.name, code: sent }, CALL);
    const [{ code: transfer }] = await channels.getNotificationChannelVerificationCode({ name: a.name }, CALL);

    const [copy] = await channels.createNotificationChannel(
      { name: "projects/conf-verify-b", notificationChannel: email("verify@example.com") },
      CALL,
    );
    const [other] = await channels.createNotificationChannel(
      { name: "projects/conf-verify-b", notificationChannel: email("someone-else@example.com") },
      CALL,
    );
    expect(await code(channels.verifyNotificationChannel({ name: other.name, code: transfer }, CALL))).toMatchObject({
      code: 3,
    });
    const [verified] = await channels.verifyNotificationChannel({ name: copy.name, code: transfer! }, CALL);
    expect(verified.verificationStatus).toBe("VERIFIED");
  });
});

describe("SLO names", () => {
  it("CreateServiceLevelObjective without an id respects the name the SLO gives when no SLO has it, and makes an id when one has", async () => {
    const slos = new monitoring.ServiceMonitoringServiceClient(clientOptions(t.emulator.grpcPort));
    try {
      const [s] = await slos.createService(
        { parent: "projects/conf-slo-name", serviceId: "checkout", service: { displayName: "Checkout", custom: {} } },
        CALL,
      );
      const goal = {
        name: `${s.name}/serviceLevelObjectives/named-by-name`,
        displayName: "99% good",
        goal: 0.99,
        rollingPeriod: { seconds: 86400 * 7 },
        serviceLevelIndicator: {
          requestBased: {
            goodTotalRatio: {
              goodServiceFilter:
                'metric.type="run.googleapis.com/request_count" metric.labels.response_code_class="2xx"',
              totalServiceFilter: 'metric.type="run.googleapis.com/request_count"',
            },
          },
        },
      };
      const [slo] = await slos.createServiceLevelObjective({ parent: s.name, serviceLevelObjective: goal }, CALL);
      expect(slo.name).toBe(`${s.name}/serviceLevelObjectives/named-by-name`);
      // Taken: the name is not respected, a new id is made.
      const [second] = await slos.createServiceLevelObjective({ parent: s.name, serviceLevelObjective: goal }, CALL);
      expect(second.name).toMatch(new RegExp(`^${s.name}/serviceLevelObjectives/(?!named-by-name$)[\\w-]+$`));
    } finally {
      await slos.close();
    }
  });
});
