// The alerting APIs' contract through the official @google-cloud/monitoring
// clients: create/get/list/update/delete, Google's names and validation
// errors, update masks, mutation records and paging, for alert policies,
// notification channels (and descriptors, verification), uptime checks,
// services with SLOs, and snoozes.
import monitoring, { type protos } from "@google-cloud/monitoring";
import { grpc } from "google-gax";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../../../test/databases";
import { CALL, clientOptions, code, startTestEmulator, type TestEmulator } from "../../../testing/harness";

let t: TestEmulator;
let policies: InstanceType<typeof monitoring.AlertPolicyServiceClient>;
let channels: InstanceType<typeof monitoring.NotificationChannelServiceClient>;
let uptime: InstanceType<typeof monitoring.UptimeCheckServiceClient>;
let slos: InstanceType<typeof monitoring.ServiceMonitoringServiceClient>;
let snoozes: InstanceType<typeof monitoring.SnoozeServiceClient>;
const ONE = { ...CALL, autoPaginate: false } as const;

beforeAll(async () => {
  t = await startTestEmulator(await createEmptyDatabase(inject("pgAdminUrl"), "emu"));
  const o = clientOptions(t.emulator.grpcPort);
  policies = new monitoring.AlertPolicyServiceClient(o);
  channels = new monitoring.NotificationChannelServiceClient(o);
  uptime = new monitoring.UptimeCheckServiceClient(o);
  slos = new monitoring.ServiceMonitoringServiceClient(o);
  snoozes = new monitoring.SnoozeServiceClient(o);
});
afterAll(async () => {
  await Promise.allSettled([policies, channels, uptime, slos, snoozes].map((c) => c?.close()));
  await t?.close();
});

type Condition = protos.google.monitoring.v3.AlertPolicy.ICondition;
const threshold = (extra: Record<string, unknown> = {}): Condition => ({
  displayName: "5xx share above 5%",
  conditionThreshold: {
    filter:
      'metric.type = "run.googleapis.com/request_count" AND resource.type = "cloud_run_revision" AND metric.labels.response_code_class = "5xx"',
    aggregations: [
      {
        alignmentPeriod: { seconds: 60 },
        perSeriesAligner: "ALIGN_RATE",
        crossSeriesReducer: "REDUCE_SUM",
        groupByFields: ["resource.labels.service_name"],
      },
    ],
    denominatorFilter: 'metric.type = "run.googleapis.com/request_count" AND resource.type = "cloud_run_revision"',
    denominatorAggregations: [
      {
        alignmentPeriod: { seconds: 60 },
        perSeriesAligner: "ALIGN_RATE",
        crossSeriesReducer: "REDUCE_SUM",
        groupByFields: ["resource.labels.service_name"],
      },
    ],
    comparison: "COMPARISON_GT",
    thresholdValue: 0.05,
    duration: { seconds: 300 },
    trigger: { count: 1 },
  },
  ...extra,
});

async function emailChannel(project: string, address = "oncall@example.com") {
  const [c] = await channels.createNotificationChannel(
    {
      name: `projects/${project}`,
      notificationChannel: { type: "email", displayName: "On call", labels: { email_address: address } },
    },
    CALL,
  );
  return c;
}

describe("AlertPolicyService", () => {
  const P = "alert-crud";

  it("creates, gets, lists, updates with a mask and deletes a policy, naming it and its conditions as Google does", async () => {
    const ch = await emailChannel(P);
    const [created] = await policies.createAlertPolicy(
      {
        name: `projects/${P}`,
        alertPolicy: {
          displayName: "High Error Rate",
          conditions: [threshold()],
          notificationChannels: [ch.name!],
          userLabels: { service: "pyplots-api" },
          severity: "ERROR",
        },
      },
      { ...CALL, otherArgs: { headers: { "x-runway-actor": "dev@example.com" } } },
    );
    expect(created.name).toMatch(new RegExp(`^projects/${P}/alertPolicies/\\d{19}$`));
    expect(created.conditions![0].name).toMatch(new RegExp(`^${created.name}/conditions/\\d{19}$`));
    expect(created).toMatchObject({
      displayName: "High Error Rate",
      combiner: "OR",
      enabled: { value: true },
      notificationChannels: [ch.name],
      severity: "ERROR",
    });
    expect(created.creationRecord!.mutatedBy).toBe("dev@example.com");
    expect(Number(created.creationRecord!.mutateTime!.seconds)).toBeGreaterThan(Date.now() / 1000 - 60);
    expect(created.conditions![0].conditionThreshold).toMatchObject({
      comparison: "COMPARISON_GT",
      thresholdValue: 0.05,
      duration: { seconds: "300" },
    });

    const [got] = await policies.getAlertPolicy({ name: created.name }, CALL);
    expect(got).toEqual(created);

    const [updated] = await policies.updateAlertPolicy(
      {
        alertPolicy: { name: created.name, enabled: { value: false }, displayName: "ignored" },
        updateMask: { paths: ["enabled"] },
      },
      CALL,
    );
    expect(updated).toMatchObject({ displayName: "High Error Rate", enabled: { value: false } });
    expect(updated.conditions![0].name).toBe(created.conditions![0].name);
    expect(updated.mutationRecord!.mutatedBy).toBe("developer@runway.localhost");
    expect(updated.creationRecord).toEqual(created.creationRecord);

    const [listed] = await policies.listAlertPolicies(
      { name: `projects/${P}`, filter: 'user_labels.service = "pyplots-api"' },
      ONE,
    );
    expect(listed.map((p) => p.name)).toEqual([created.name]);
    expect(
      (await policies.listAlertPolicies({ name: `projects/${P}`, filter: 'user_labels.service = "other"' }, ONE))[0],
    ).toEqual([]);

    await policies.deleteAlertPolicy({ name: created.name }, CALL);
    expect((await code(policies.getAlertPolicy({ name: created.name }, CALL))).code).toBe(grpc.status.NOT_FOUND);
    expect((await code(policies.deleteAlertPolicy({ name: created.name }, CALL))).code).toBe(grpc.status.NOT_FOUND);
  });

  it("refuses what Google refuses, and condition kinds the emulator does not evaluate, saying so", async () => {
    const create = (alertPolicy: Record<string, unknown>) =>
      code(policies.createAlertPolicy({ name: `projects/${P}`, alertPolicy }, CALL));
    expect(await create({ displayName: "none", conditions: [] })).toMatchObject({
      code: 3,
      details: expect.stringContaining("at least one condition"),
    });
    expect(await create({ conditions: [threshold()] })).toMatchObject({
      code: 3,
      details: expect.stringContaining("display_name"),
    });
    expect(await create({ displayName: "two", conditions: [threshold(), threshold()] })).toMatchObject({
      code: 3,
      details: expect.stringContaining("combiner"),
    });
    const mql = await create({
      displayName: "mql",
      conditions: [
        { displayName: "q", conditionMonitoringQueryLanguage: { query: "fetch x", duration: { seconds: 60 } } },
      ],
    });
    expect(mql).toMatchObject({
      code: 3,
      details: expect.stringContaining("condition_monitoring_query_language is not supported"),
    });
    const logs = await create({
      displayName: "log",
      conditions: [{ displayName: "l", conditionMatchedLog: { filter: "severity>=ERROR" } }],
    });
    // Log-match conditions are served (conformance.test.ts); without the rate limit Google requires, refused.
    expect(logs).toMatchObject({ code: 3, details: expect.stringContaining("notification_rate_limit") });
    const noCmp = threshold();
    delete (noCmp.conditionThreshold as Record<string, unknown>).comparison;
    expect((await create({ displayName: "cmp", conditions: [noCmp] })).details).toContain("comparison");
    const badFilter = threshold();
    (badFilter.conditionThreshold as Record<string, unknown>).filter = 'resource.type = "cloud_run_revision"';
    expect((await create({ displayName: "f", conditions: [badFilter] })).details).toContain("metric.type");
    const oddDuration = threshold();
    (oddDuration.conditionThreshold as Record<string, unknown>).duration = { seconds: 90 };
    expect((await create({ displayName: "d", conditions: [oddDuration] })).details).toContain("multiples of a minute");
    const shortAbsence = {
      displayName: "gone",
      conditionAbsent: { filter: 'metric.type = "run.googleapis.com/request_count"', duration: { seconds: 60 } },
    };
    expect((await create({ displayName: "a", conditions: [shortAbsence] })).details).toContain("120 seconds");
    expect(
      (
        await create({
          displayName: "ch",
          conditions: [threshold()],
          notificationChannels: [`projects/${P}/notificationChannels/123`],
        })
      ).details,
    ).toContain("does not exist");
    expect((await code(policies.getAlertPolicy({ name: "projects/x/policies/1" }, CALL))).code).toBe(3);
    expect(
      (await policies.listAlertPolicies({ name: `projects/${P}` }, ONE))[0].map((p) => p.displayName),
    ).not.toContain("mql");
  });

  it("pages with page_size and page_token, ordered as asked", async () => {
    const project = "alert-paging";
    for (const n of ["c", "a", "b"])
      await policies.createAlertPolicy(
        { name: `projects/${project}`, alertPolicy: { displayName: n, conditions: [threshold()] } },
        CALL,
      );
    const [first, next, res] = await policies.listAlertPolicies(
      { name: `projects/${project}`, pageSize: 2, orderBy: "display_name" },
      ONE,
    );
    expect(first.map((p) => p.displayName)).toEqual(["a", "b"]);
    expect(res!.totalSize).toBe(3);
    const [second, last] = await policies.listAlertPolicies({ ...next!, name: `projects/${project}` }, ONE);
    expect(second.map((p) => p.displayName)).toEqual(["c"]);
    expect(last).toBeNull();
    expect(
      (await policies.listAlertPolicies({ name: `projects/${project}`, orderBy: "display_name desc" }, ONE))[0].map(
        (p) => p.displayName,
      ),
    ).toEqual(["c", "b", "a"]);
    expect(
      (await code(policies.listAlertPolicies({ name: `projects/${project}`, pageToken: "garbage" }, ONE))).code,
    ).toBe(3);
  });
});

describe("NotificationChannelService", () => {
  const P = "channels-crud";

  it("lists the email and webhook_tokenauth descriptors", async () => {
    const [ds] = await channels.listNotificationChannelDescriptors({ name: `projects/${P}` }, ONE);
    expect(ds.map((d) => d.type)).toEqual(["email", "webhook_tokenauth"]);
    expect(ds[1]).toMatchObject({
      name: `projects/${P}/notificationChannelDescriptors/webhook_tokenauth`,
      labels: [expect.objectContaining({ key: "url" })],
    });
    const [email] = await channels.getNotificationChannelDescriptor(
      { name: `projects/${P}/notificationChannelDescriptors/email` },
      CALL,
    );
    expect(email.labels!.map((l) => l.key)).toEqual(["email_address"]);
    expect(
      (
        await code(
          channels.getNotificationChannelDescriptor({ name: `projects/${P}/notificationChannelDescriptors/sms` }, CALL),
        )
      ).code,
    ).toBe(5);
  });

  it("creates, verifies through the outbox, updates, and deletes a channel (force when a policy uses it)", async () => {
    const c = await emailChannel(P, "team@example.com");
    expect(c).toMatchObject({
      type: "email",
      enabled: { value: true },
      verificationStatus: "VERIFICATION_STATUS_UNSPECIFIED",
      labels: { email_address: "team@example.com" },
    });
    expect(c.name).toMatch(new RegExp(`^projects/${P}/notificationChannels/\\d{19}$`));
    expect(c.mutationRecords).toHaveLength(1);

    await channels.sendNotificationChannelVerificationCode({ name: c.name }, CALL);
    const mail = (await (await fetch(`http://127.0.0.1:${t.emulator.routerPort}/_emulator/outbox`)).json()) as {
      mails: { to: string; body: string }[];
    };
    const sent = mail.mails.find((m) => m.to === "team@example.com")!;
    const verificationCode = /G-\d{6}/.exec(sent.body)![0];
    expect((await code(channels.verifyNotificationChannel({ name: c.name, code: "G-000000" }, CALL))).code).toBe(3);
    const [verified] = await channels.verifyNotificationChannel({ name: c.name, code: verificationCode }, CALL);
    expect(verified.verificationStatus).toBe("VERIFIED");

    const [moved] = await channels.updateNotificationChannel(
      {
        notificationChannel: { name: c.name, labels: { email_address: "new@example.com" } },
        updateMask: { paths: ["labels"] },
      },
      CALL,
    );
    expect(moved).toMatchObject({
      verificationStatus: "UNVERIFIED",
      displayName: "On call",
      labels: { email_address: "new@example.com" },
    });
    expect(moved.mutationRecords).toHaveLength(2);

    const [policy] = await policies.createAlertPolicy(
      {
        name: `projects/${P}`,
        alertPolicy: { displayName: "uses it", conditions: [threshold()], notificationChannels: [c.name!] },
      },
      CALL,
    );
    expect((await code(channels.deleteNotificationChannel({ name: c.name }, CALL))).code).toBe(
      grpc.status.FAILED_PRECONDITION,
    );
    await channels.deleteNotificationChannel({ name: c.name, force: true }, CALL);
    expect((await policies.getAlertPolicy({ name: policy.name }, CALL))[0].notificationChannels).toEqual([]);
    expect((await code(channels.getNotificationChannel({ name: c.name }, CALL))).code).toBe(5);
  });

  it("validates type and labels, filters and pages", async () => {
    const create = (notificationChannel: Record<string, unknown>) =>
      code(channels.createNotificationChannel({ name: `projects/${P}`, notificationChannel }, CALL));
    expect((await create({ type: "sms", labels: { number: "+1" } })).details).toContain("email and webhook_tokenauth");
    expect((await create({ type: "email", labels: {} })).details).toContain("email_address");
    expect((await create({ type: "email", labels: { email_address: "nope" } })).details).toContain(
      "not an e-mail address",
    );
    expect((await create({ type: "webhook_tokenauth", labels: { url: "ftp://x" } })).details).toContain("http(s) URL");
    const project = "channels-paging";
    const [hook] = await channels.createNotificationChannel(
      {
        name: `projects/${project}`,
        notificationChannel: {
          type: "webhook_tokenauth",
          displayName: "Runway",
          labels: { url: "http://127.0.0.1:9/hook?auth_token=abc" },
        },
      },
      CALL,
    );
    await emailChannel(project, "a@example.com");
    await emailChannel(project, "b@example.com");
    const [hooks] = await channels.listNotificationChannels(
      { name: `projects/${project}`, filter: 'type = "webhook_tokenauth"' },
      ONE,
    );
    expect(hooks.map((h) => h.name)).toEqual([hook.name]);
    const [page1, next] = await channels.listNotificationChannels({ name: `projects/${project}`, pageSize: 2 }, ONE);
    expect(page1).toHaveLength(2);
    const [page2, none] = await channels.listNotificationChannels({ ...next!, name: `projects/${project}` }, ONE);
    expect(page2).toHaveLength(1);
    expect(none).toBeNull();
  });
});

describe("UptimeCheckService", () => {
  const P = "uptime-crud";
  const config = (extra: Record<string, unknown> = {}) => ({
    displayName: "IntentVision health",
    monitoredResource: { type: "uptime_url", labels: { host: "intentvision-api.us-central1.localhost" } },
    httpCheck: { path: "/health", port: 80 },
    period: { seconds: 60 },
    timeout: { seconds: 10 },
    ...extra,
  });

  it("creates, gets, lists, updates and deletes a check", async () => {
    const [c] = await uptime.createUptimeCheckConfig({ parent: `projects/${P}`, uptimeCheckConfig: config() }, CALL);
    expect(c.name).toMatch(new RegExp(`^projects/${P}/uptimeCheckConfigs/intentvision-health-[0-9a-f]{8}$`));
    expect(c).toMatchObject({
      period: { seconds: "60" },
      timeout: { seconds: "10" },
      checkerType: "STATIC_IP_CHECKERS",
      monitoredResource: { labels: { project_id: P } },
    });
    const [u] = await uptime.updateUptimeCheckConfig(
      { uptimeCheckConfig: { name: c.name, period: { seconds: 300 } }, updateMask: { paths: ["period"] } },
      CALL,
    );
    expect(u).toMatchObject({ period: { seconds: "300" }, displayName: "IntentVision health" });
    expect((await uptime.listUptimeCheckConfigs({ parent: `projects/${P}` }, ONE))[0].map((x) => x.name)).toEqual([
      c.name,
    ]);
    await uptime.deleteUptimeCheckConfig({ name: c.name }, CALL);
    expect((await code(uptime.getUptimeCheckConfig({ name: c.name }, CALL))).code).toBe(5);
    const [ips] = await uptime.listUptimeCheckIps({}, ONE);
    expect(ips.map((i) => i.location)).toContain("usa-iowa");
  });

  it("refuses periods, timeouts and regions Google refuses", async () => {
    const create = (extra: Record<string, unknown>) =>
      code(uptime.createUptimeCheckConfig({ parent: `projects/${P}`, uptimeCheckConfig: config(extra) }, CALL));
    expect((await create({ period: { seconds: 30 } })).details).toContain("60s, 300s, 600s or 900s");
    expect((await create({ timeout: { seconds: 61 } })).details).toContain("between 1 and 60");
    expect((await create({ selectedRegions: ["USA", "EUROPE"] })).details).toContain("at least 3 regions");
    expect((await create({ monitoredResource: { type: "gce_instance", labels: {} } })).details).toContain(
      "uptime_url and cloud_run_revision",
    );
  });
});

describe("ServiceMonitoringService", () => {
  const P = "slo-crud";

  it("creates a Cloud Run service and an availability SLO, updates and deletes them", async () => {
    const [svc] = await slos.createService(
      {
        parent: `projects/${P}`,
        serviceId: "shortfactory-backend",
        service: {
          displayName: "ShortFactory backend",
          cloudRun: { serviceName: "shortfactory-backend", location: "europe-west4" },
        },
      },
      CALL,
    );
    expect(svc).toMatchObject({
      name: `projects/${P}/services/shortfactory-backend`,
      basicService: { serviceType: "CLOUD_RUN", serviceLabels: { service_name: "shortfactory-backend" } },
    });
    expect(
      (
        await code(
          slos.createService(
            { parent: `projects/${P}`, serviceId: "shortfactory-backend", service: { custom: {} } },
            CALL,
          ),
        )
      ).code,
    ).toBe(grpc.status.ALREADY_EXISTS);
    const sli = {
      requestBased: {
        goodTotalRatio: {
          goodServiceFilter:
            'metric.type = "run.googleapis.com/request_count" AND resource.labels.service_name = "shortfactory-backend" AND metric.labels.response_code_class != "5xx"',
          totalServiceFilter:
            'metric.type = "run.googleapis.com/request_count" AND resource.labels.service_name = "shortfactory-backend"',
        },
      },
    };
    const [slo] = await slos.createServiceLevelObjective(
      {
        parent: svc.name,
        serviceLevelObjectiveId: "availability",
        serviceLevelObjective: {
          displayName: "99.9% available",
          goal: 0.999,
          rollingPeriod: { seconds: 30 * 86400 },
          serviceLevelIndicator: sli,
        },
      },
      CALL,
    );
    expect(slo).toMatchObject({ name: `${svc.name}/serviceLevelObjectives/availability`, goal: 0.999 });
    const [changed] = await slos.updateServiceLevelObjective(
      {
        serviceLevelObjective: { name: slo.name, calendarPeriod: "MONTH" },
        updateMask: { paths: ["calendar_period"] },
      },
      CALL,
    );
    expect(changed.calendarPeriod).toBe("MONTH");
    expect(changed.rollingPeriod).toBeFalsy();
    expect((await slos.listServiceLevelObjectives({ parent: svc.name }, ONE))[0].map((o) => o.name)).toEqual([
      slo.name,
    ]);
    const bad = (o: Record<string, unknown>) =>
      code(
        slos.createServiceLevelObjective(
          {
            parent: svc.name,
            serviceLevelObjective: { serviceLevelIndicator: sli, rollingPeriod: { seconds: 86400 }, goal: 0.99, ...o },
          },
          CALL,
        ),
      );
    expect((await bad({ goal: 1 })).details).toContain("at most 0.9999");
    expect((await bad({ rollingPeriod: { seconds: 3600 } })).details).toContain("whole days");
    expect((await bad({ serviceLevelIndicator: { windowsBased: { goodBadMetricFilter: "x" } } })).details).toContain(
      "windows_based is not supported",
    );
    await slos.deleteService({ name: svc.name }, CALL);
    expect((await code(slos.getServiceLevelObjective({ name: slo.name }, CALL))).code).toBe(5);
  });
});

describe("SnoozeService", () => {
  const P = "snooze-crud";

  it("snoozes a policy, lists by interval, ends it early, and refuses what Google refuses", async () => {
    const [policy] = await policies.createAlertPolicy(
      { name: `projects/${P}`, alertPolicy: { displayName: "p", conditions: [threshold()] } },
      CALL,
    );
    const now = Math.floor(Date.now() / 1000);
    const [s] = await snoozes.createSnooze(
      {
        parent: `projects/${P}`,
        snooze: {
          displayName: "release",
          criteria: { policies: [policy.name!] },
          interval: { startTime: { seconds: now }, endTime: { seconds: now + 3600 } },
        },
      },
      CALL,
    );
    expect(s.name).toMatch(new RegExp(`^projects/${P}/snoozes/\\d{19}$`));
    const iso = (sec: number) => new Date(sec * 1000).toISOString();
    expect(
      (
        await snoozes.listSnoozes({ parent: `projects/${P}`, filter: `interval.end_time > "${iso(now + 60)}"` }, ONE)
      )[0].map((x) => x.name),
    ).toEqual([s.name]);
    expect(
      (
        await snoozes.listSnoozes({ parent: `projects/${P}`, filter: `interval.end_time > "${iso(now + 7200)}"` }, ONE)
      )[0],
    ).toEqual([]);
    expect(
      (
        await code(
          snoozes.updateSnooze(
            {
              snooze: { name: s.name, interval: { startTime: { seconds: now + 60 } } },
              updateMask: { paths: ["interval.start_time"] },
            },
            CALL,
          ),
        )
      ).details,
    ).toContain("has started");
    const [ended] = await snoozes.updateSnooze(
      {
        snooze: { name: s.name, interval: { endTime: { seconds: now + 1 } } },
        updateMask: { paths: ["interval.end_time"] },
      },
      CALL,
    );
    expect(Number(ended.interval!.endTime!.seconds)).toBe(now + 1);
    const create = (snooze: Record<string, unknown>) =>
      code(
        snoozes.createSnooze(
          {
            parent: `projects/${P}`,
            snooze: { displayName: "x", interval: { endTime: { seconds: now + 60 } }, ...snooze },
          },
          CALL,
        ),
      );
    expect((await create({ criteria: { policies: [] } })).details).toContain("at least one alert policy");
    expect((await create({ criteria: { policies: [`projects/${P}/alertPolicies/1`] } })).details).toContain(
      "does not exist",
    );
    expect(
      (
        await create({
          criteria: { policies: [policy.name!] },
          interval: { startTime: { seconds: now - 3600 }, endTime: { seconds: now + 60 } },
        })
      ).details,
    ).toContain("in the past");
    expect((await create({ criteria: { policies: [policy.name!], filter: 'metric.type = "x"' } })).details).toContain(
      "resource.labels",
    );
  });
});

describe("paging in every list", () => {
  it("pages uptime checks, services, SLOs, snoozes and channel descriptors one at a time, ending with an empty token", async () => {
    const project = "paging-all";
    const parent = `projects/${project}`;
    for (const n of ["one", "two"]) {
      await uptime.createUptimeCheckConfig(
        {
          parent,
          uptimeCheckConfig: {
            displayName: n,
            monitoredResource: { type: "uptime_url", labels: { host: "127.0.0.1" } },
            tcpCheck: { port: 9 },
          },
        },
        CALL,
      );
      await slos.createService({ parent, serviceId: n, service: { custom: {} } }, CALL);
      await slos.createServiceLevelObjective(
        {
          parent: `${parent}/services/one`,
          serviceLevelObjectiveId: n,
          serviceLevelObjective: {
            goal: 0.99,
            rollingPeriod: { seconds: 86400 },
            serviceLevelIndicator: {
              requestBased: {
                goodTotalRatio: {
                  goodServiceFilter: 'metric.type = "run.googleapis.com/request_count"',
                  totalServiceFilter: 'metric.type = "run.googleapis.com/request_count"',
                },
              },
            },
          },
        },
        CALL,
      );
    }
    const [policy] = await policies.createAlertPolicy(
      { name: parent, alertPolicy: { displayName: "p", conditions: [threshold()] } },
      CALL,
    );
    const now = Math.floor(Date.now() / 1000);
    for (const n of ["one", "two"])
      await snoozes.createSnooze(
        {
          parent,
          snooze: {
            displayName: n,
            criteria: { policies: [policy.name!] },
            interval: { endTime: { seconds: now + 600 } },
          },
        },
        CALL,
      );

    // Each list: page 1 holds one item and a token; page 2 the other and no token.
    const twoPages = async <T>(
      list: (token?: string) => Promise<[T[], { pageToken?: string | null } | null, unknown]>,
    ) => {
      const [first, next] = await list();
      expect(first).toHaveLength(1);
      expect(next?.pageToken).toBeTruthy();
      const [second, last] = await list(next!.pageToken!);
      expect(second).toHaveLength(1);
      expect(last).toBeNull();
      return [...first, ...second];
    };
    const names = (xs: { displayName?: string | null; name?: string | null }[]) =>
      xs.map((x) => x.displayName || x.name!.split("/").pop());
    expect(
      names(await twoPages((pageToken) => uptime.listUptimeCheckConfigs({ parent, pageSize: 1, pageToken }, ONE))),
    ).toEqual(["one", "two"]);
    expect(names(await twoPages((pageToken) => slos.listServices({ parent, pageSize: 1, pageToken }, ONE)))).toEqual([
      "one",
      "two",
    ]);
    expect(
      names(
        await twoPages((pageToken) =>
          slos.listServiceLevelObjectives({ parent: `${parent}/services/one`, pageSize: 1, pageToken }, ONE),
        ),
      ),
    ).toEqual(["one", "two"]);
    expect(names(await twoPages((pageToken) => snoozes.listSnoozes({ parent, pageSize: 1, pageToken }, ONE)))).toEqual([
      "one",
      "two",
    ]);
    expect(
      (
        await twoPages((pageToken) =>
          channels.listNotificationChannelDescriptors({ name: parent, pageSize: 1, pageToken }, ONE),
        )
      ).map((d) => d.type),
    ).toEqual(["email", "webhook_tokenauth"]);
    // Google: "If the page_size is <=0, the server will decide the number of results" (conformance.test.ts).
    expect((await uptime.listUptimeCheckConfigs({ parent, pageSize: -1 }, ONE))[0].length).toBeGreaterThan(0);
  });
});
