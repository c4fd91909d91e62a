// The incident intake against a real Postgres: what Cloud Monitoring's webhook
// delivers is stored once; a wrong or missing token, an oversized body,
// malformed JSON and a payload that is not an incident store nothing.
import { randomUUID } from "node:crypto";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { coveredPortalDb, makeUser } from "../../test/portal-db";
import { runGuarded } from "../actions";
import type { Db } from "../db";
import { hashToken, INTAKE_RATE_LIMIT, MAX_BODY_BYTES, receiveIncident } from "./intake";
import { acknowledgeIncidentDefinition, listIncidents, openIncidentCounts } from "./incidents";

let db: Db;
let channelId: string;
const token = "a-very-secret-token-of-the-channel";

beforeAll(async () => {
  // Settings cover pyplots-prod, the project of these incidents: acknowledging is checked against them.
  db = await coveredPortalDb();
});

beforeEach(async () => {
  channelId = randomUUID();
  await db.alertWebhookChannel.create({
    data: {
      id: channelId,
      project: "pyplots-prod",
      channelName: `projects/pyplots-prod/notificationChannels/${Date.now()}${Math.random().toString().slice(2, 8)}`,
      tokenHash: hashToken(token),
      createdBy: "operator@example.com",
    },
  });
});

/** Cloud Monitoring's incident JSON, schema 1.2, as its webhook sends it. */
function notification(incidentId: string, state: "open" | "closed", extra: Record<string, unknown> = {}) {
  return {
    version: "1.2",
    incident: {
      incident_id: incidentId,
      scoping_project_id: "pyplots-prod",
      scoping_project_number: 123456789,
      url: "https://console.cloud.google.com/monitoring/alerting/incidents/x?project=pyplots-prod",
      started_at: 1_764_500_000,
      ended_at: state === "closed" ? 1_764_500_600 : null,
      state,
      summary: "5xx share of requests for pyplots-api is above the threshold of 0.05 with a value of 0.41.",
      observed_value: "0.41",
      threshold_value: "0.05",
      resource: {
        type: "cloud_run_revision",
        labels: { project_id: "pyplots-prod", service_name: "pyplots-api", location: "europe-west4" },
      },
      metric: { type: "run.googleapis.com/request_count", displayName: "Request Count", labels: {} },
      policy_name: "pyplots-api: 5xx share of requests > 5 %",
      policy_user_labels: { "runway-service": "pyplots-api", "runway-template": "error-share" },
      condition_name: "5xx share of requests",
      condition: { name: "projects/pyplots-prod/alertPolicies/42/conditions/7", displayName: "5xx share of requests" },
      ...extra,
    },
  };
}

function post(body: string, opts: { token?: string | null; channel?: string; headers?: Record<string, string> } = {}) {
  const t = opts.token === undefined ? token : opts.token;
  const url = `http://127.0.0.1:3000/api/alerting/intake/${opts.channel ?? channelId}${t === null ? "" : `?auth_token=${encodeURIComponent(t)}`}`;
  return receiveIncident(
    db,
    opts.channel ?? channelId,
    new Request(url, { method: "POST", body, headers: { "content-type": "application/json", ...opts.headers } }),
  );
}

const stored = async () => ({ incidents: await db.alertIncident.count(), events: await db.alertIncidentEvent.count() });

describe("incident intake", () => {
  it("stores an open incident with its policy, service, condition and values, and closes it on the closed delivery", async () => {
    const id = randomUUID();
    expect(await post(JSON.stringify(notification(id, "open")))).toEqual({ status: 200, body: { stored: true } });
    const [open] = await listIncidents(db, { service: "pyplots-api", state: "open" }).then((l) =>
      l.filter((i) => i.incidentId === id),
    );
    expect(open).toMatchObject({
      state: "open",
      project: "pyplots-prod",
      region: "europe-west4",
      service: "pyplots-api",
      policy: "pyplots-api: 5xx share of requests > 5 %",
      policyName: "projects/pyplots-prod/alertPolicies/42",
      condition: "5xx share of requests",
      observedValue: "0.41",
      thresholdValue: "0.05",
      observed: "41 %",
      threshold: "5 %",
      startedAt: "2025-11-30T10:53:20.000Z",
      endedAt: null,
    });
    // Open: the dashboard runs from 15 min before the start up to now.
    expect(open.dashboardHref).toMatch(
      /^\/services\/pyplots-prod\/europe-west4\/pyplots-api\?from=2025-11-30T10%3A38&to=\d{4}-\d\d-\d\dT\d\d%3A\d\d#metrics$/,
    );
    expect((await openIncidentCounts(db))["pyplots-prod/pyplots-api"]).toBeGreaterThanOrEqual(1);

    expect((await post(JSON.stringify(notification(id, "closed")))).status).toBe(200);
    const [closed] = (await listIncidents(db, { state: "closed" })).filter((i) => i.incidentId === id);
    expect(closed).toMatchObject({ state: "closed", endedAt: "2025-11-30T11:03:20.000Z" });
    expect(closed.dashboardHref).toBe(
      "/services/pyplots-prod/europe-west4/pyplots-api?from=2025-11-30T10%3A38&to=2025-11-30T11%3A18#metrics",
    );
  });

  it("stores a replayed delivery once: same incident id and state, nothing new", async () => {
    const body = JSON.stringify(notification(randomUUID(), "open"));
    expect(await post(body)).toEqual({ status: 200, body: { stored: true } });
    const before = await stored();
    const row = await db.alertIncident.findFirstOrThrow({ orderBy: { updatedAt: "desc" } });
    const replays = await Promise.all([post(body), post(body), post(body)]);
    expect(replays.map((r) => r.body)).toEqual([{ stored: false }, { stored: false }, { stored: false }]);
    expect(await stored()).toEqual(before);
    expect(await db.alertIncident.findUniqueOrThrow({ where: { id: row.id } })).toEqual(row);
  });

  it("refuses a wrong token, a missing token and an unknown channel with 401, storing nothing", async () => {
    const body = JSON.stringify(notification(randomUUID(), "open"));
    const before = await stored();
    expect(await post(body, { token: "a-very-secret-token-of-the-channeL" })).toMatchObject({ status: 401 });
    expect(await post(body, { token: null })).toMatchObject({ status: 401 });
    expect(await post(body, { token: "" })).toMatchObject({ status: 401 });
    expect(await post(body, { channel: randomUUID() })).toMatchObject({ status: 401 });
    expect(await post(body, { channel: "not-a-uuid" })).toMatchObject({ status: 401 });
    expect(await stored()).toEqual(before);
  });

  it("refuses an oversized body (declared or streamed), malformed JSON and a body that is not an incident, storing nothing", async () => {
    const before = await stored();
    const big = JSON.stringify(notification(randomUUID(), "open", { summary: "x".repeat(MAX_BODY_BYTES) }));
    expect(await post(big)).toMatchObject({ status: 413 });
    // No content-length: the stream itself is cut off at the limit.
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const streamed = await receiveIncident(
      db,
      channelId,
      new Request(`http://x/api/alerting/intake/${channelId}?auth_token=${token}`, {
        method: "POST",
        body: stream,
        duplex: "half",
      } as RequestInit),
    );
    expect(streamed).toMatchObject({ status: 413 });
    expect(await post('{"version": "1.2", "incident": {')).toMatchObject({
      status: 400,
      body: { error: "The body is not JSON." },
    });
    expect(await post(JSON.stringify({ version: "1.2", incident: { incident_id: "x" } }))).toMatchObject({
      status: 400,
    });
    expect(await post(JSON.stringify({ ...notification(randomUUID(), "open"), version: "1.1" }))).toMatchObject({
      status: 400,
    });
    expect(
      await post(JSON.stringify(notification(randomUUID(), "open", { scoping_project_id: "intentvision-prod" }))),
    ).toMatchObject({ status: 403 });
    expect(await stored()).toEqual(before);
  });

  it("refuses another channel's incident with 403, audited: no close, no rewrite, no event (issue 27, item 2)", async () => {
    // Channel B (another project) delivers an incident first; it belongs to B.
    const bChannel = randomUUID();
    const bToken = "the-token-of-channel-b-in-intentvision";
    await db.alertWebhookChannel.create({
      data: {
        id: bChannel,
        project: "intentvision-prod",
        channelName: `projects/intentvision-prod/notificationChannels/b-${bChannel}`,
        tokenHash: hashToken(bToken),
        createdBy: "x",
      },
    });
    const id = randomUUID();
    const bOpen = notification(id, "open", {
      scoping_project_id: "intentvision-prod",
      resource: { type: "cloud_run_revision", labels: { service_name: "intentvision-api", location: "us-central1" } },
    });
    expect(await post(JSON.stringify(bOpen), { channel: bChannel, token: bToken })).toMatchObject({ status: 200 });
    const before = await db.alertIncident.findUniqueOrThrow({ where: { incidentId: id } });
    const events = await db.alertIncidentEvent.count({ where: { incidentId: id } });

    // Channel A, with its own valid token and project, tries to close and rewrite it.
    const refused = await post(JSON.stringify(notification(id, "closed", { summary: "all good, nothing to see" })));
    expect(refused).toMatchObject({
      status: 403,
      body: { error: `Incident ${id} was delivered by another channel; this channel may not change it.` },
    });
    // A second channel of the same project is not the owner either.
    const sibling = randomUUID();
    await db.alertWebhookChannel.create({
      data: {
        id: sibling,
        project: "intentvision-prod",
        channelName: `projects/intentvision-prod/notificationChannels/s-${sibling}`,
        tokenHash: hashToken(token),
        createdBy: "x",
      },
    });
    expect(
      await post(JSON.stringify({ ...bOpen, incident: { ...bOpen.incident, state: "closed" } }), { channel: sibling }),
    ).toMatchObject({ status: 403 });

    expect(await db.alertIncident.findUniqueOrThrow({ where: { incidentId: id } })).toEqual(before);
    expect(await db.alertIncidentEvent.count({ where: { incidentId: id } })).toBe(events);
    const audited = await db.auditEvent.findMany({
      where: { action: "alerting.intake", target: `incidents/${id}` },
      orderBy: { id: "asc" },
    });
    expect(audited).toMatchObject([
      {
        actorEmail: `webhook-channel:${channelId}`,
        outcome: "denied",
        details: { channel: channelId, channelProject: "pyplots-prod", state: "closed" },
      },
      { actorEmail: `webhook-channel:${sibling}`, outcome: "denied" },
    ]);
    // The owner still closes it.
    expect(
      await post(JSON.stringify({ ...bOpen, incident: { ...bOpen.incident, state: "closed" } }), {
        channel: bChannel,
        token: bToken,
      }),
    ).toMatchObject({ status: 200, body: { stored: true } });
  });

  it("refuses a NUL, a lone surrogate and a time past the year 9999 with 400, storing nothing (issue 27, item 5)", async () => {
    const before = await stored();
    const bodies = [
      JSON.stringify(notification(randomUUID(), "open", { summary: "nul \u0000 here" })),
      JSON.stringify(notification(randomUUID(), "open", { policy_name: "lone \ud800 surrogate" })),
      JSON.stringify(notification(randomUUID(), "open", { extra: { "key\u0000": 1 } })),
      JSON.stringify(notification(randomUUID(), "open", { started_at: 1e15 })),
      JSON.stringify(notification(randomUUID(), "closed", { ended_at: 1e15 })),
    ];
    for (const body of bodies) {
      const res = await post(body);
      expect(res.status, body.slice(0, 80)).toBe(400);
    }
    expect(await stored()).toEqual(before);
  });

  it("limits deliveries per channel: past the limit 429 with Retry-After, and another channel is unaffected", async () => {
    const now = new Date();
    await db.$executeRaw`INSERT INTO rate_limit_windows (bucket, key, window_start, count)
      VALUES (${INTAKE_RATE_LIMIT.bucket}, ${channelId}, ${new Date(Math.floor(now.getTime() / 60_000) * 60_000)}, ${INTAKE_RATE_LIMIT.limit})`;
    const before = await stored();
    const limited = await post(JSON.stringify(notification(randomUUID(), "open")));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers?.["retry-after"])).toBeGreaterThan(0);
    expect(await stored()).toEqual(before);
    const other = randomUUID();
    await db.alertWebhookChannel.create({
      data: {
        id: other,
        project: "pyplots-prod",
        channelName: `projects/pyplots-prod/notificationChannels/other-${other}`,
        tokenHash: hashToken(token),
        createdBy: "x",
      },
    });
    expect((await post(JSON.stringify(notification(randomUUID(), "open")), { channel: other })).status).toBe(200);
  });

  it("keeps a closed incident closed when its open delivery arrives late", async () => {
    const id = randomUUID();
    await post(JSON.stringify(notification(id, "closed")));
    await post(JSON.stringify(notification(id, "open")));
    expect(await db.alertIncident.findUniqueOrThrow({ where: { incidentId: id } })).toMatchObject({ state: "closed" });
    expect(await db.alertIncidentEvent.count({ where: { incidentId: id } })).toBe(2);
  });

  it("a developer acknowledges an open incident once, audited; a second click says who did", async () => {
    const id = randomUUID();
    await post(JSON.stringify(notification(id, "open")));
    const row = await db.alertIncident.findUniqueOrThrow({ where: { incidentId: id } });
    const [alice, bob] = [await makeUser(db, "developer"), await makeUser(db, "developer")];
    const requestId = randomUUID();
    expect(await runGuarded(acknowledgeIncidentDefinition, alice, { id: row.id }, { db, requestId })).toMatchObject({
      ok: true,
      message: 'Acknowledged "pyplots-api: 5xx share of requests > 5 %".',
    });
    expect(await db.auditEvent.findMany({ where: { requestId } })).toMatchObject([
      {
        action: "alerting.acknowledge-incident",
        outcome: "success",
        actorEmail: alice.email,
        target: `incidents/${row.id}`,
      },
    ]);
    expect((await listIncidents(db, { state: "open" })).find((i) => i.incidentId === id)).toMatchObject({
      acknowledgedBy: alice.email,
    });
    expect(await runGuarded(acknowledgeIncidentDefinition, bob, { id: row.id }, { db })).toMatchObject({
      ok: true,
      message: `Already acknowledged by ${alice.email}.`,
    });
    expect((await db.alertIncident.findUniqueOrThrow({ where: { id: row.id } })).acknowledgedBy).toBe(alice.email);
  });
});
