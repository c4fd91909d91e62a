// Policies and channels through the guarded actions, against the emulator's
// Cloud Monitoring through the official clients: what a developer creates from
// a template is what Monitoring holds and what the service page reads back; a
// viewer is refused and audited; bad input creates nothing.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator } from "../../test/emulator";
import { coveredPortalDb, makeUser } from "../../test/portal-db";
import { runGuarded } from "../actions";
import type { Actor } from "../auth/roles";
import type { Db } from "../db";
import { alertingClients, type AlertingClients } from "../gcp/clients";
import {
  createEmailChannelDefinition,
  createWebhookChannelDefinition,
  deleteChannelDefinition,
  listChannels,
} from "./channels";
import { hashToken } from "./intake";
import {
  createPolicyDefinition,
  deletePolicyDefinition,
  servicePolicies,
  setPolicyEnabledDefinition,
  updatePolicyDefinition,
} from "./policies";

let db: Db;
let clients: AlertingClients;
let stop: () => Promise<void>;
let developer: Actor;
let operator: Actor;
const project = "pyplots-prod";
// Tests run in any order: each makes its own service name, policy and channels.
const newRef = () => ({ project, region: "europe-west4", service: `svc-${randomUUID().slice(0, 8)}` });

beforeAll(async () => {
  const t = await startTestEmulator();
  stop = () => t.emulator.stop();
  clients = alertingClients({ emulatorHost: t.emulator.endpoint });
  db = await coveredPortalDb();
  developer = await makeUser(db, "developer");
  operator = await makeUser(db, "operator");
}, 120_000);

afterAll(async () => stop?.());

const deps = () => ({ clients, intakeBaseUrl: "http://127.0.0.1:3999" });
const act = <T>(def: Parameters<typeof runGuarded>[0], actor: Actor, input: Record<string, unknown>) =>
  runGuarded(def, actor, input, { db }) as Promise<{
    ok: boolean;
    data?: T;
    code?: string;
    error?: string;
    fieldErrors?: Record<string, string[]>;
  }>;

describe("alert policies and channels", () => {
  it("an operator creates Runway's webhook: Monitoring holds the intake URL with the token, Postgres only its hash; the token is answered once", async () => {
    const r = await act<{ name: string; token: string }>(createWebhookChannelDefinition(deps), operator, { project });
    expect(r.ok).toBe(true);
    const { name, token } = r.data!;
    const row = await db.alertWebhookChannel.findUniqueOrThrow({ where: { channelName: name } });
    expect(row.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(row)).not.toContain(token);
    const [channel] = await clients.channels.getNotificationChannel({ name });
    expect(channel.type).toBe("webhook_tokenauth");
    expect(channel.labels?.url).toBe(`http://127.0.0.1:3999/api/alerting/intake/${row.id}?auth_token=${token}`);
    // The audit row names the channel and never the token.
    const audit = await db.auditEvent.findFirstOrThrow({
      where: { action: "alerting.create-webhook-channel", outcome: "success" },
      orderBy: { id: "desc" },
    });
    expect(JSON.stringify([audit.input, audit.details, audit.error])).not.toContain(token);
    expect(audit.details).toEqual({ channel: name });
    // The list a page shows never carries the URL.
    const listed = await listChannels(db, project, clients);
    expect(listed.find((c) => c.name === name)).toEqual({
      name,
      type: "webhook_tokenauth",
      displayName: "Runway (incidents)",
      address: "Runway's incident intake",
      verification: "not applicable",
      enabled: true,
      runway: true,
    });
    expect(JSON.stringify(listed)).not.toContain(token);
    // A second one for the same project is refused (delete the first to make a new token).
    expect(await act(createWebhookChannelDefinition(deps), operator, { project })).toMatchObject({
      ok: false,
      code: "conflict",
    });
  });

  it("a developer creates the 5xx-share policy from its template; the service page reads it back in words", async () => {
    const ref = newRef();
    const email = await act<{ name: string }>(createEmailChannelDefinition(deps), operator, {
      project,
      email: `${ref.service}@example.com`,
    });
    const channel = { name: email.data!.name };
    const r = await act<{ name: string }>(createPolicyDefinition(deps), developer, {
      ...ref,
      kind: "error-share",
      threshold: "5",
      durationSeconds: "300",
      channels: [channel.name],
    });
    expect(r).toMatchObject({ ok: true });
    const [policy] = await clients.policies.getAlertPolicy({ name: r.data!.name });
    expect(policy.conditions?.[0].conditionThreshold).toMatchObject({
      thresholdValue: 0.05,
      comparison: "COMPARISON_GT",
      denominatorFilter: expect.stringContaining(`resource.labels.service_name="${ref.service}"`),
    });
    expect(policy.notificationChannels).toEqual([channel.name]);
    expect(await servicePolicies(ref, undefined, clients)).toEqual([
      {
        name: r.data!.name,
        displayName: `${ref.service}: 5xx share of requests > 5 %`,
        enabled: true,
        conditions: "5xx share of requests > 5 % for 5 min",
        template: "error-share",
        threshold: 5,
        durationSeconds: 300,
        notificationChannels: [channel.name],
      },
    ]);
    // The same form sent twice makes one policy.
    expect(
      await act(createPolicyDefinition(deps), developer, {
        ...ref,
        kind: "error-share",
        threshold: "5",
        durationSeconds: "300",
        channels: [channel.name],
      }),
    ).toMatchObject({ ok: false, code: "conflict" });
  });

  it("edits the threshold and duration, disables, enables and deletes", async () => {
    const ref = newRef();
    await act(createPolicyDefinition(deps), developer, {
      ...ref,
      kind: "error-share",
      threshold: "5",
      durationSeconds: "300",
      channels: [],
    });
    const [policy] = await servicePolicies(ref, undefined, clients);
    expect(
      await act(updatePolicyDefinition(deps), developer, {
        project,
        policyName: policy.name,
        threshold: "2.5",
        durationSeconds: "600",
      }),
    ).toMatchObject({ ok: true });
    expect((await servicePolicies(ref, undefined, clients))[0]).toMatchObject({
      displayName: `${ref.service}: 5xx share of requests > 2.5 %`,
      conditions: "5xx share of requests > 2.5 % for 10 min",
      threshold: 2.5,
      durationSeconds: 600,
    });
    // Out of range for the template: refused with the field named, nothing changed.
    expect(
      await act(updatePolicyDefinition(deps), developer, {
        project,
        policyName: policy.name,
        threshold: "250",
        durationSeconds: "600",
      }),
    ).toMatchObject({
      ok: false,
      code: "invalid",
      fieldErrors: { threshold: ["5xx share above (%): between 0.01 and 100."] },
    });
    expect(
      await act(setPolicyEnabledDefinition(deps), developer, { project, policyName: policy.name, enabled: "false" }),
    ).toMatchObject({ ok: true });
    expect((await servicePolicies(ref, undefined, clients))[0]).toMatchObject({ enabled: false, threshold: 2.5 });
    expect(
      await act(setPolicyEnabledDefinition(deps), developer, { project, policyName: policy.name, enabled: "true" }),
    ).toMatchObject({ ok: true });
    expect((await servicePolicies(ref, undefined, clients))[0].enabled).toBe(true);
    expect(await act(deletePolicyDefinition(deps), developer, { project, policyName: policy.name })).toMatchObject({
      ok: true,
    });
    expect(await servicePolicies(ref, undefined, clients)).toEqual([]);
  });

  it("bad input creates nothing and says which field; a viewer is refused and audited", async () => {
    const ref = newRef();
    const before = (await clients.policies.listAlertPolicies({ name: `projects/${project}` }))[0].length;
    const bad = await act(createPolicyDefinition(deps), developer, {
      ...ref,
      kind: "latency-p99",
      threshold: "-3",
      durationSeconds: "45",
      channels: [],
    });
    expect(bad).toMatchObject({ ok: false, code: "invalid" });
    expect(Object.keys(bad.fieldErrors!).sort()).toEqual(["durationSeconds", "threshold"]);
    const viewer = await makeUser(db, "viewer");
    const requestId = randomUUID();
    const refused = await runGuarded(
      createPolicyDefinition(deps),
      viewer,
      { ...ref, kind: "error-share", threshold: "1", durationSeconds: "300", channels: [] },
      { db, requestId },
    );
    expect(refused).toMatchObject({
      ok: false,
      code: "forbidden",
      error: "This needs the developer role; you are viewer.",
    });
    expect(await db.auditEvent.findMany({ where: { requestId } })).toMatchObject([
      { action: "alerting.create-policy", outcome: "denied", actorEmail: viewer.email },
    ]);
    expect((await clients.policies.listAlertPolicies({ name: `projects/${project}` }))[0].length).toBe(before);
  });

  it("an operator adds an e-mail channel (shown unverified) and deletes channels; the webhook's row goes with it", async () => {
    const project = "intentvision-prod";
    const r = await act<{ name: string }>(createEmailChannelDefinition(deps), operator, {
      project,
      email: "oncall@example.com",
    });
    expect(r.ok).toBe(true);
    expect((await listChannels(db, project, clients)).find((c) => c.name === r.data!.name)).toMatchObject({
      type: "email",
      address: "oncall@example.com",
      verification: "unverified",
      runway: false,
    });
    expect(await act(createWebhookChannelDefinition(deps), operator, { project })).toMatchObject({ ok: true });
    const webhook = (await listChannels(db, project, clients)).find((c) => c.runway)!;
    for (const name of [r.data!.name, webhook.name])
      expect(await act(deleteChannelDefinition(deps), operator, { project, channelName: name })).toMatchObject({
        ok: true,
      });
    expect((await listChannels(db, project, clients)).map((c) => c.name)).not.toContain(webhook.name);
    expect(await db.alertWebhookChannel.count({ where: { channelName: webhook.name } })).toBe(0);
  });
});
