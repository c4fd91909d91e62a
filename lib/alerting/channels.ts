// Notification channels of a project (operator+): e-mail addresses, and
// Runway's own webhook (webhook_tokenauth) that delivers incidents to the
// portal's intake. The webhook's token is made here, handed back once, and
// kept only as a SHA-256 beside the channel's name; its URL (which carries the
// token, as Google's token-auth webhooks do) never leaves Cloud Monitoring
// through Runway's pages.
import "server-only";
import { randomBytes, randomUUID } from "node:crypto";
import type { protos } from "@google-cloud/monitoring";
import type { ActionDefinition } from "../actions";
import { config } from "../config";
import type { Db } from "../db";
import { Conflict } from "../errors";
import { alertingClients, type AlertingClients } from "../gcp/clients";
import { upstreamError } from "../gcp/errors";
import { hashToken, TOKEN_PARAM } from "./intake";
import { CreateEmailChannelInput, CreateWebhookChannelInput, DeleteChannelInput } from "./schemas";

type Channel = protos.google.monitoring.v3.INotificationChannel;

export const RUNWAY_WEBHOOK_NAME = "Runway (incidents)";

export type ChannelView = {
  name: string;
  type: string;
  displayName: string;
  /** An e-mail address; for webhooks only "Runway's intake" (the URL holds the token). */
  address: string;
  verification: "verified" | "unverified" | "not applicable";
  enabled: boolean;
  runway: boolean;
};

export type AlertingDeps = { clients: AlertingClients; intakeBaseUrl: string };
export const alertingDeps = (): AlertingDeps => ({
  clients: alertingClients(),
  intakeBaseUrl: config().alertIntakeBaseUrl,
});

function view(c: Channel, runwayNames: Set<string>): ChannelView {
  const runway = runwayNames.has(c.name ?? "");
  const status = String(c.verificationStatus ?? "");
  return {
    name: c.name ?? "",
    type: c.type ?? "",
    displayName: c.displayName ?? "",
    address:
      c.type === "email"
        ? (c.labels?.email_address ?? "")
        : runway
          ? "Runway's incident intake"
          : c.type?.startsWith("webhook")
            ? "a webhook outside Runway"
            : (c.type ?? ""),
    // Only e-mail needs verifying here; Monitoring leaves a new one UNSPECIFIED or UNVERIFIED until it is.
    verification:
      status === "VERIFIED"
        ? "verified"
        : c.type === "email" || status === "UNVERIFIED"
          ? "unverified"
          : "not applicable",
    enabled: c.enabled?.value ?? true,
    runway,
  };
}

/** The project's channels as Runway shows them (never a webhook's URL). */
export async function listChannels(db: Db, project: string, clients = alertingClients()): Promise<ChannelView[]> {
  const [[channels], rows] = await Promise.all([
    clients.channels.listNotificationChannels({ name: `projects/${project}` }, { timeout: 15_000 }).catch((err) => {
      throw upstreamError(err, "Cloud Monitoring", `listing the channels of ${project}`);
    }),
    db.alertWebhookChannel.findMany({ where: { project }, select: { channelName: true } }),
  ]);
  const runwayNames = new Set(rows.map((r) => r.channelName));
  return channels
    .map((c) => view(c, runwayNames))
    .sort((a, b) => Number(b.runway) - Number(a.runway) || a.displayName.localeCompare(b.displayName));
}

export function createEmailChannelDefinition(
  deps: () => AlertingDeps = alertingDeps,
): ActionDefinition<typeof CreateEmailChannelInput, { name: string }> {
  return {
    name: "alerting.create-email-channel",
    role: "operator",
    input: CreateEmailChannelInput,
    target: (i) => `projects/${i.project}/notificationChannels`,
    scope: ({ project }) => ({ project }),
    async run(_ctx, i) {
      const { clients } = deps();
      const [created] = await clients.channels
        .createNotificationChannel({
          name: `projects/${i.project}`,
          notificationChannel: {
            type: "email",
            displayName: i.displayName ?? i.email,
            labels: { email_address: i.email },
            enabled: { value: true },
          },
        })
        .catch((err) => {
          throw upstreamError(err, "Cloud Monitoring", `adding ${i.email}`);
        });
      return {
        data: { name: created.name ?? "" },
        message: `${i.email} will be notified once it is added to a policy.`,
        details: { channel: created.name },
      };
    },
  };
}

/** Makes Runway's webhook in `project`: the channel in Monitoring, its token's hash in Postgres. */
export async function createRunwayWebhook(
  db: Db,
  deps: AlertingDeps,
  project: string,
  createdBy: string,
): Promise<{ name: string; token: string }> {
  const existing = await db.alertWebhookChannel.findFirst({ where: { project } });
  if (existing)
    throw new Conflict(
      `${project} already has Runway's webhook (${existing.channelName}); delete it first to make a new token.`,
    );
  const { clients, intakeBaseUrl } = deps;
  const id = randomUUID();
  const token = randomBytes(32).toString("base64url");
  const url = `${intakeBaseUrl}/api/alerting/intake/${id}?${TOKEN_PARAM}=${token}`;
  const [created] = await clients.channels
    .createNotificationChannel({
      name: `projects/${project}`,
      notificationChannel: {
        type: "webhook_tokenauth",
        displayName: RUNWAY_WEBHOOK_NAME,
        labels: { url },
        enabled: { value: true },
      },
    })
    .catch((err) => {
      throw upstreamError(err, "Cloud Monitoring", `creating Runway's webhook in ${project}`);
    });
  try {
    await db.alertWebhookChannel.create({
      data: { id, project, channelName: created.name!, tokenHash: hashToken(token), createdBy },
    });
  } catch (err) {
    // No row, no channel: Google would deliver to an intake that refuses it.
    await clients.channels.deleteNotificationChannel({ name: created.name!, force: true }).catch(() => undefined);
    throw err;
  }
  return { name: created.name!, token };
}

/** The token is in `data` for the one response that shows it; the audit row gets only the channel's name. */
export function createWebhookChannelDefinition(
  deps: () => AlertingDeps = alertingDeps,
): ActionDefinition<typeof CreateWebhookChannelInput, { name: string; token: string }> {
  return {
    name: "alerting.create-webhook-channel",
    role: "operator",
    input: CreateWebhookChannelInput,
    target: (i) => `projects/${i.project}/notificationChannels`,
    scope: ({ project }) => ({ project }),
    async run({ db, actor }, { project }) {
      const created = await createRunwayWebhook(db, deps(), project, actor.email);
      return {
        data: created,
        message: "Runway's webhook is ready. Its token is shown this once.",
        details: { channel: created.name },
      };
    },
  };
}

export function deleteChannelDefinition(
  deps: () => AlertingDeps = alertingDeps,
): ActionDefinition<typeof DeleteChannelInput, null> {
  return {
    name: "alerting.delete-channel",
    role: "operator",
    input: DeleteChannelInput,
    target: (i) => i.channelName,
    scope: ({ project }) => ({ project }),
    async run({ db }, { channelName }) {
      const { clients } = deps();
      // force: policies that name it drop it, as the Cloud console does.
      await clients.channels.deleteNotificationChannel({ name: channelName, force: true }).catch((err) => {
        throw upstreamError(err, "Cloud Monitoring", `deleting ${channelName}`);
      });
      await db.alertWebhookChannel.deleteMany({ where: { channelName } });
      return { data: null, message: "Channel deleted." };
    },
  };
}
