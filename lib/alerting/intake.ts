// Where Cloud Monitoring's webhook lands: one delivery of an incident (JSON,
// schema version 1.2) to a Runway webhook channel. The checks run cheapest and
// most telling first, and each refusal stores nothing:
//   token (constant time; 401) → per-channel rate limit (429) → body size (413)
//   → JSON (400) → text PostgreSQL can store (400) → schema (400) → project of
//   the channel (403, audited) → the incident's owner (403, audited) → store once.
// A replay of the same incident id and state answers 200 and stores nothing
// new, so Google's retries are harmless. An incident belongs to the channel (and
// so the project) that first delivered it: no other channel's token opens,
// closes or rewrites it (issue 27, item 2).
import "server-only";
import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { firstUnstorable, recordAudit } from "../audit";
import type { Db } from "../db";
import { log } from "../log";
import { takeRateLimit, type RateLimitRule } from "../rate-limit";
import { LABEL } from "./templates";

/** Incident payloads are a few kB; anything far past that is not Google's. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Google sends one POST per state change per policy; a flood is a loop or an attack. */
export const INTAKE_RATE_LIMIT: RateLimitRule = { bucket: "alert-intake:channel", limit: 120, windowSeconds: 60 };

/** The query parameter a webhook_tokenauth URL carries its token in. */
export const TOKEN_PARAM = "auth_token";

/** Seconds since the epoch up to 9999-12-31: past that a Date (and PostgreSQL) cannot hold it. */
const MAX_EPOCH_SECONDS = 253_402_300_799;
const epochSeconds = z.number().int().nonnegative().max(MAX_EPOCH_SECONDS, "a time after the year 9999");

export const hashToken = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

// Compared against when the channel is unknown, so a wrong id costs the same as a wrong token.
const NO_CHANNEL_HASH = hashToken("runway: no such channel");

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && timingSafeEqual(x, y);
}

const text = (max: number) => z.string().max(max);
const scalar = z.union([z.string().max(200), z.number()]).transform(String);
const labels = z.record(z.string().max(200), z.string().max(1000));

/** Cloud Monitoring's incident notification, schema version 1.2 (the fields Runway keeps; others pass). */
export const IncidentNotification = z.object({
  version: z.literal("1.2", "Only incident schema version 1.2 is understood."),
  incident: z
    .object({
      incident_id: z.string().min(1).max(256),
      scoping_project_id: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/),
      url: text(2000).optional(),
      started_at: epochSeconds,
      ended_at: epochSeconds.nullable().optional(),
      state: z.enum(["open", "closed"]),
      summary: text(4000).default(""),
      observed_value: scalar.nullable().optional(),
      threshold_value: scalar.nullable().optional(),
      resource: z
        .object({ type: text(200).optional(), labels: labels.optional() })
        .nullable()
        .optional(),
      policy_name: text(512),
      policy_user_labels: labels.nullable().optional(),
      condition_name: text(512).default(""),
      condition: z
        .object({ name: text(1024).optional(), displayName: text(512).optional() })
        .passthrough()
        .nullable()
        .optional(),
    })
    .passthrough(),
});
export type IncidentNotification = z.infer<typeof IncidentNotification>;

export type IntakeResult = { status: number; body: Record<string, unknown>; headers?: Record<string, string> };

const refuse = (status: number, error: string, headers?: Record<string, string>): IntakeResult => ({
  status,
  body: { error },
  headers,
});

/** Reads at most `limit` bytes; null when the body is longer. */
async function readLimited(body: ReadableStream<Uint8Array> | null, limit: number): Promise<string | null> {
  if (!body) return "";
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One delivery to channel `channelId` (from the URL path); the token is in the URL's query. */
export async function receiveIncident(
  db: Db,
  channelId: string,
  request: Request,
  now = new Date(),
): Promise<IntakeResult> {
  const token = new URL(request.url).searchParams.get(TOKEN_PARAM) ?? "";
  const channel = UUID.test(channelId) ? await db.alertWebhookChannel.findUnique({ where: { id: channelId } }) : null;
  const matches = sameHash(hashToken(token), channel?.tokenHash ?? NO_CHANNEL_HASH);
  if (!channel || !token || !matches) {
    log.warn("alert intake: refused token", { channelId: channelId.slice(0, 64) });
    return refuse(401, "Unknown channel or wrong token.");
  }

  const limit = await takeRateLimit(db, INTAKE_RATE_LIMIT, channel.id, now);
  if (!limit.allowed)
    return refuse(429, "Too many deliveries to this channel; slow down.", {
      "retry-after": String(limit.retryAfterSeconds),
    });

  const declared = Number(request.headers.get("content-length") ?? 0);
  const raw = declared > MAX_BODY_BYTES ? null : await readLimited(request.body, MAX_BODY_BYTES);
  if (raw === null) return refuse(413, `The body is over ${MAX_BODY_BYTES} bytes.`);

  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return refuse(400, "The body is not JSON.");
  }
  // NUL and lone surrogates have no place in PostgreSQL's text or jsonb: refused, not a 500 (item 5).
  const unstorable = firstUnstorable(json);
  if (unstorable)
    return refuse(
      400,
      `Not a Cloud Monitoring incident: ${unstorable.slice(0, 200)} holds a NUL or an unpaired surrogate.`,
    );
  const parsed = IncidentNotification.safeParse(json);
  if (!parsed.success)
    return refuse(
      400,
      `Not a Cloud Monitoring incident (1.2): ${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join(".")}: ${i.message}`)
        .join("; ")}`,
    );
  const { incident } = parsed.data;
  const foreign = async (error: string) => {
    await auditForeign(db, channel, incident, error);
    return refuse(403, error);
  };
  if (incident.scoping_project_id !== channel.project)
    return foreign(`This channel belongs to ${channel.project}, not ${incident.scoping_project_id}.`);

  const stored = await storeIncident(db, channel.id, parsed.data, json);
  if (stored === "foreign")
    return foreign(
      `Incident ${incident.incident_id.slice(0, 256)} was delivered by another channel; this channel may not change it.`,
    );
  log.info("alert intake: delivery", {
    channelId: channel.id,
    incidentId: incident.incident_id,
    state: incident.state,
    stored,
  });
  return { status: 200, body: { stored } };
}

/** A refused delivery by a channel whose token was right: someone holds that token, so it is on record. */
async function auditForeign(
  db: Db,
  channel: { id: string; project: string },
  incident: IncidentNotification["incident"],
  error: string,
) {
  log.warn("alert intake: refused a delivery for another channel's incident", {
    channelId: channel.id,
    incidentId: incident.incident_id.slice(0, 256),
  });
  try {
    await recordAudit(db, {
      actor: { email: `webhook-channel:${channel.id}` },
      action: "alerting.intake",
      target: `incidents/${incident.incident_id.slice(0, 256)}`,
      outcome: "denied",
      error,
      details: {
        channel: channel.id,
        channelProject: channel.project,
        project: incident.scoping_project_id,
        state: incident.state,
      },
      durationMs: 0,
      requestId: randomUUID(),
    });
  } catch (err) {
    log.error("audit write failed for a refused incident delivery", { channelId: channel.id, error: String(err) });
  }
}

/** The incident row's fields from a notification. */
function incidentFields(n: IncidentNotification) {
  const i = n.incident;
  const resourceLabels = i.resource?.labels ?? {};
  const userLabels = i.policy_user_labels ?? {};
  // The condition's full name is projects/<p>/alertPolicies/<id>/conditions/<id>.
  const policyName =
    /^(projects\/[^/]+\/alertPolicies\/[^/]+)\/conditions\//.exec(i.condition?.name ?? "")?.[1] ?? null;
  return {
    project: i.scoping_project_id,
    region: resourceLabels.location ?? userLabels[LABEL.region] ?? null,
    service: resourceLabels.service_name ?? userLabels[LABEL.service] ?? null,
    policyDisplayName: i.policy_name,
    policyName,
    conditionName: i.condition_name || i.condition?.displayName || "",
    template: userLabels[LABEL.template] ?? null,
    summary: i.summary,
    observedValue: i.observed_value ?? null,
    thresholdValue: i.threshold_value ?? null,
    url: i.url ?? null,
    startedAt: new Date(i.started_at * 1000),
  };
}

/**
 * Stores one state of an incident, once: true when stored, false for a replay,
 * "foreign" (nothing stored) when another channel first delivered it. The event
 * row's unique (incident_id, state) is the idempotency key, so two concurrent
 * copies of one delivery store it once.
 */
export async function storeIncident(
  db: Db,
  channelId: string,
  n: IncidentNotification,
  payload: unknown,
): Promise<boolean | "foreign"> {
  const i = n.incident;
  const fields = incidentFields(n);
  return db.$transaction(async (tx) => {
    await tx.alertIncident.createMany({
      data: [{ incidentId: i.incident_id, state: i.state, channelId, ...fields }],
      skipDuplicates: true,
    });
    // The owner never changes once the row exists, so reading it here is enough (a deleted channel's incidents, null, stay as they are).
    const owner = await tx.alertIncident.findUniqueOrThrow({
      where: { incidentId: i.incident_id },
      select: { channelId: true, project: true },
    });
    if (owner.channelId !== channelId || owner.project !== fields.project) return "foreign";
    const event = await tx.alertIncidentEvent.createMany({
      data: [{ incidentId: i.incident_id, state: i.state, payload: payload as object }],
      skipDuplicates: true,
    });
    if (event.count === 0) return false;
    if (i.state === "closed") {
      const endedAt = new Date((i.ended_at ?? Math.floor(Date.now() / 1000)) * 1000);
      await tx.alertIncident.update({
        where: { incidentId: i.incident_id },
        data: { ...fields, state: "closed", endedAt },
      });
    } else {
      // An "open" that arrives after its "closed" (deliveries can cross) does not reopen it.
      await tx.alertIncident.updateMany({ where: { incidentId: i.incident_id, state: "open" }, data: fields });
    }
    return true;
  });
}
