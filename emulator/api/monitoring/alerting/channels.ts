// google.monitoring.v3.NotificationChannelService: the `email` and
// `webhook_tokenauth` channel types (their descriptors), channels with
// Google's validation, verification codes (sent to the e-mail outbox) and the
// verification status, and deletion refused while a policy refers to a
// channel unless forced.
import { randomBytes, randomInt } from "node:crypto";
import { failedPrecondition, invalid, notFound } from "../../../grpc/errors";
import type { Handler } from "../../../grpc/server";
import { ts, tsMs } from "../time";
import {
  actorOf,
  applyMask,
  checkUserLabels,
  childName,
  isSet,
  mutationRecord,
  numericId,
  page,
  parseListFilter,
  projectParent,
  sortBy,
  type Json,
} from "./common";
import type { AlertingStore } from "./store";

export const CHANNEL_TYPES: Record<
  string,
  { displayName: string; description: string; labels: { key: string; description: string }[] }
> = {
  email: {
    displayName: "Email",
    description: "A channel that sends notifications via email.",
    labels: [{ key: "email_address", description: "An address to send email." }],
  },
  webhook_tokenauth: {
    displayName: "Webhook with token authentication",
    description:
      "A channel that sends notifications to a webhook URL; the token is part of the URL (e.g. ?auth_token=...).",
    labels: [{ key: "url", description: "The public URL to which to publish." }],
  },
};

const WRITABLE = ["type", "displayName", "description", "labels", "userLabels", "enabled"];
const CODE_TTL_MS = 24 * 3600_000;

function checkChannel(c: Json): void {
  const type = String(c.type ?? "");
  const spec = CHANNEL_TYPES[type];
  if (!spec)
    throw invalid(
      `Field notification_channel.type had an invalid value of "${type}": the emulator serves ${Object.keys(CHANNEL_TYPES).join(" and ")} channels`,
    );
  if (String(c.displayName ?? "").length > 512)
    throw invalid("Field notification_channel.display_name had an invalid value: at most 512 characters");
  if ([...String(c.description ?? "")].length > 1024)
    throw invalid("Field notification_channel.description had an invalid value: at most 1,024 characters");
  const labels = (c.labels ?? {}) as Record<string, string>;
  for (const k of Object.keys(labels))
    if (!spec.labels.some((l) => l.key === k))
      throw invalid(
        `Field notification_channel.labels had an invalid value: "${k}" is not a label of ${type} channels`,
      );
  for (const l of spec.labels)
    if (!labels[l.key])
      throw invalid(
        `Field notification_channel.labels had an invalid value: "${l.key}" is required for ${type} channels`,
      );
  if (type === "email" && !/^[^@\s]+@[^@\s]+$/.test(labels.email_address))
    throw invalid(
      `Field notification_channel.labels.email_address had an invalid value of "${labels.email_address}": not an e-mail address`,
    );
  if (type === "webhook_tokenauth") {
    let url: URL | undefined;
    try {
      url = new URL(labels.url);
    } catch {
      // reported below
    }
    if (!url || !/^https?:$/.test(url.protocol))
      throw invalid(
        `Field notification_channel.labels.url had an invalid value of "${labels.url}": an http(s) URL is required`,
      );
  }
  checkUserLabels(c.userLabels, "notification_channel.user_labels");
}

export function channelHandlers(
  store: AlertingStore,
  outbox: (channel: string, to: string, subject: string, body: string) => Promise<void>,
): Record<string, Handler> {
  const find = async (name: unknown) => {
    childName(name, "notificationChannels");
    const c = await store.get("channel", String(name));
    if (!c) throw notFound(`Requested entity was not found: notification channel ${name}`);
    return c;
  };
  const descriptor = (project: string, type: string) => {
    const d = CHANNEL_TYPES[type];
    return {
      name: `projects/${project}/notificationChannelDescriptors/${type}`,
      type,
      displayName: d.displayName,
      description: d.description,
      labels: d.labels.map((l) => ({ key: l.key, valueType: "STRING", description: l.description })),
      launchStage: "GA",
    };
  };
  // Outstanding verification codes; the code itself never leaves except through the outbox or GetVerificationCode.
  const strip = (c: Json) => {
    const { verification: _v, ...rest } = c;
    void _v;
    return rest;
  };

  return {
    ListNotificationChannelDescriptors: async (req: Json) => {
      const project = projectParent(req.name);
      const { items, nextPageToken } = page(
        Object.keys(CHANNEL_TYPES).map((t) => descriptor(project, t)),
        req,
      );
      return { channelDescriptors: items, nextPageToken };
    },
    GetNotificationChannelDescriptor: async (req: Json) => {
      const { project, id } = childName(req.name, "notificationChannelDescriptors");
      if (!CHANNEL_TYPES[id]) throw notFound(`Requested entity was not found: notification channel descriptor ${id}`);
      return descriptor(project, id);
    },
    CreateNotificationChannel: async (req: Json, call) => {
      const project = projectParent(req.name);
      const given = (req.notificationChannel ?? {}) as Json;
      if (isSet(given.verificationStatus) && given.verificationStatus !== "VERIFICATION_STATUS_UNSPECIFIED") {
        throw invalid(
          "Field notification_channel.verification_status had an invalid value: it is illegal to specify it in CreateNotificationChannel; the service sets it (VerifyNotificationChannel changes it)",
        );
      }
      const input = pick(given);
      checkChannel(input);
      const record = mutationRecord(actorOf(call));
      const channel = {
        ...input,
        name: `projects/${project}/notificationChannels/${numericId()}`,
        labels: input.labels ?? {},
        userLabels: input.userLabels ?? {},
        enabled: input.enabled ?? { value: true },
        verificationStatus: "VERIFICATION_STATUS_UNSPECIFIED",
        creationRecord: record,
        mutationRecords: [record],
      };
      await store.insert("channel", `projects/${project}`, channel);
      return channel;
    },
    GetNotificationChannel: async (req: Json) => strip(await find(req.name)),
    ListNotificationChannels: async (req: Json) => {
      const project = projectParent(req.name);
      const keep = parseListFilter(String(req.filter ?? ""));
      const all = sortBy((await store.list("channel", `projects/${project}`)).filter(keep), req.orderBy).map(strip);
      const { items, nextPageToken, totalSize } = page(all, req);
      return { notificationChannels: items, nextPageToken, totalSize };
    },
    UpdateNotificationChannel: async (req: Json, call) => {
      const input = (req.notificationChannel ?? {}) as Json;
      const paths = ((req.updateMask as { paths?: string[] } | undefined)?.paths ?? []).filter(Boolean);
      const named = paths.some((p) => /^verification_?[sS]tatus$/.test(p));
      if (
        named ||
        (!paths.length &&
          isSet(input.verificationStatus) &&
          input.verificationStatus !== "VERIFICATION_STATUS_UNSPECIFIED")
      ) {
        throw invalid(
          "Field notification_channel.verification_status had an invalid value: it is illegal to specify it in UpdateNotificationChannel; call VerifyNotificationChannel",
        );
      }
      const current = await find(input.name);
      const merged = applyMask(current, pick(input), req.updateMask, WRITABLE, "NotificationChannel");
      if (merged.type !== current.type)
        throw invalid("Field notification_channel.type had an invalid value: the type of a channel cannot change");
      checkChannel(merged);
      // A verified address that changes must be verified again.
      const relabelled = JSON.stringify(merged.labels) !== JSON.stringify(current.labels);
      const verificationStatus =
        relabelled && current.verificationStatus === "VERIFIED" ? "UNVERIFIED" : current.verificationStatus;
      const channel = {
        ...strip(merged),
        verificationStatus,
        mutationRecords: [...((current.mutationRecords as Json[]) ?? []), mutationRecord(actorOf(call))],
      };
      await store.replace("channel", channel);
      return channel;
    },
    DeleteNotificationChannel: async (req: Json) => {
      const c = await find(req.name);
      const { parent } = childName(req.name, "notificationChannels");
      const users = (await store.list("alertPolicy", parent)).filter((p) =>
        ((p.notificationChannels as string[]) ?? []).includes(String(c.name)),
      );
      if (users.length && !req.force)
        throw failedPrecondition(
          `Notification channel ${c.name} is referenced by alert policies (${users.map((p) => p.name).join(", ")}); delete with force to remove it from them`,
        );
      for (const p of users)
        await store.replace("alertPolicy", {
          ...p,
          notificationChannels: (p.notificationChannels as string[]).filter((n) => n !== c.name),
        });
      await store.delete("channel", String(c.name));
      return {};
    },
    SendNotificationChannelVerificationCode: async (req: Json) => {
      const c = await find(req.name);
      if (c.type !== "email") throw invalid(`Notification channels of type ${c.type} do not need verification`);
      const code = `G-${randomInt(100000, 1000000)}`;
      await store.replace("channel", { ...c, verification: { code, expireMs: Date.now() + CODE_TTL_MS } });
      const to = (c.labels as Record<string, string>).email_address;
      await outbox(
        String(c.name),
        to,
        "Verify your Cloud Monitoring notification channel",
        `Your verification code for "${c.displayName ?? c.name}" is ${code}.`,
      );
      return {};
    },
    GetNotificationChannelVerificationCode: async (req: Json) => {
      const c = await find(req.name);
      if (c.verificationStatus !== "VERIFIED")
        throw failedPrecondition(`Notification channel ${c.name} is not verified`);
      const expireMs = Math.min(tsMs(req.expireTime as Json) ?? Date.now() + 3600_000, Date.now() + CODE_TTL_MS);
      // A long websafe code, as Google's, for verifying another channel with the same identity (type and labels), in any project.
      const code = randomBytes(24).toString("base64url");
      await store.replace("channel", { ...c, verification: { code, expireMs } });
      return { code, expireTime: ts(expireMs) };
    },
    VerifyNotificationChannel: async (req: Json) => {
      const c = await find(req.name);
      const v = c.verification as { code: string; expireMs: number } | undefined;
      if (!isSet(req.code)) throw invalid("Field code had an invalid value: a verification code is required");
      const valid = (x: { code: string; expireMs: number } | undefined) =>
        !!x && x.code === req.code && x.expireMs >= Date.now();
      // Google: a code from GetNotificationChannelVerificationCode on a verified channel with an equivalent identity also verifies this one.
      const sameIdentity = async () =>
        (await store.all("channel")).some(
          (o) =>
            o.name !== c.name &&
            o.verificationStatus === "VERIFIED" &&
            o.type === c.type &&
            sorted(o.labels) === sorted(c.labels) &&
            valid(o.verification as { code: string; expireMs: number } | undefined),
        );
      if (!valid(v) && !(await sameIdentity()))
        throw invalid("Field code had an invalid value: the verification code is wrong or has expired");
      const channel = { ...strip(c), verificationStatus: "VERIFIED" };
      await store.replace("channel", channel);
      return channel;
    },
  };
}

const sorted = (labels: unknown) =>
  JSON.stringify(Object.entries((labels ?? {}) as Record<string, string>).sort(([a], [b]) => (a < b ? -1 : 1)));
const pick = (c: Json): Json => Object.fromEntries(WRITABLE.filter((k) => c[k] !== undefined).map((k) => [k, c[k]]));
