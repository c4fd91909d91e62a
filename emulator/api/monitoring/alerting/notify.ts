// Delivery of an incident's state change to a policy's notification
// channels: Cloud Monitoring's incident JSON (schema version "1.2") POSTed to
// `webhook_tokenauth` channels' `url` (the token travels in the URL, e.g.
// `?auth_token=…`, as Google's token-authenticated webhooks do), and a mail
// into the outbox for `email` channels. Disabled and UNVERIFIED channels get
// nothing; `alert_strategy.notification_prompts` may leave out closures.
import type { Logger } from "../../../log";
import { projectNumber } from "../../projects";
import { RESOURCE_TYPES } from "../resources";
import type { Json } from "./common";
import type { Outbox } from "./index";
import type { AlertingStore } from "./store";

export type IncidentRecord = {
  id: string;
  project: string;
  policy: Json;
  condition: Json;
  state: "open" | "closed";
  startedMs: number;
  endedMs: number | null;
  resourceType: string;
  resource: Record<string, string>;
  metricType: string;
  metric: Record<string, string>;
  observedValue: number | null;
};

const SEVERITY: Record<string, string> = { CRITICAL: "Critical", ERROR: "Error", WARNING: "Warning" };

/** google.protobuf.Duration objects as the REST JSON spells them ("300s"). */
function restJson(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(restJson);
  if (v && typeof v === "object") {
    const o = v as Json;
    const keys = Object.keys(o);
    if (keys.length && keys.every((k) => k === "seconds" || k === "nanos"))
      return `${Number(o.seconds ?? 0) + Number(o.nanos ?? 0) / 1e9}s`;
    return Object.fromEntries(keys.filter((k) => k !== "condition").map((k) => [k, restJson(o[k])]));
  }
  return v;
}

function thresholdOf(condition: Json): number | undefined {
  const t = condition.conditionThreshold as Json | undefined;
  return t ? Number(t.thresholdValue ?? 0) : undefined;
}

export function summaryOf(i: IncidentRecord): string {
  const cond = String(i.condition.displayName ?? "");
  const subject = i.resource.service_name ?? i.resource.host ?? i.resource.revision_name ?? i.project;
  if (i.condition.conditionMatchedLog) {
    const labels = Object.entries(i.metric)
      .map(([k, v]) => `${k}=${v}`)
      .join(", ");
    return `Log match condition fired for ${subject}${labels ? ` (${labels})` : ""}: ${cond}.`;
  }
  if (i.condition.conditionAbsent) {
    return i.state === "open"
      ? `${cond} for ${subject}: no data for the condition's duration.`
      : `${cond} for ${subject}: data arrived again.`;
  }
  const threshold = thresholdOf(i.condition);
  const value = i.observedValue === null ? "no value" : `a value of ${round(i.observedValue)}`;
  return i.state === "open"
    ? `${cond} for ${subject} crossed the threshold of ${threshold} with ${value}.`
    : `${cond} for ${subject} returned to normal with ${value}.`;
}

const round = (n: number) => Number(n.toPrecision(4));

/** The webhook body Cloud Monitoring sends, schema version "1.2". */
export function incidentJson(i: IncidentRecord): Json {
  const p = i.policy;
  const doc = p.documentation as Json | undefined;
  const rt = RESOURCE_TYPES.find((r) => r.type === i.resourceType);
  const threshold = thresholdOf(i.condition);
  const displayName = String(i.resource.service_name ?? i.resource.host ?? i.resource.revision_name ?? "");
  return {
    version: "1.2",
    incident: {
      incident_id: i.id,
      scoping_project_id: i.project,
      scoping_project_number: Number(projectNumber(i.project)),
      url: `https://console.cloud.google.com/monitoring/alerting/alerts/${i.id}?project=${i.project}`,
      severity: SEVERITY[String(p.severity ?? "")] ?? "No severity",
      started_at: Math.floor(i.startedMs / 1000),
      ended_at: i.endedMs === null ? null : Math.floor(i.endedMs / 1000),
      state: i.state,
      summary: summaryOf(i),
      apigee_url: "",
      observed_value: i.observedValue === null ? "" : String(round(i.observedValue)),
      resource: { type: i.resourceType, labels: i.resource },
      resource_type_display_name: rt?.displayName ?? i.resourceType,
      resource_id: "",
      resource_display_name: displayName,
      resource_name: `${i.project} ${displayName}`.trim(),
      metric: { type: i.metricType, displayName: i.metricType.split("/").slice(1).join("/"), labels: i.metric },
      metadata: { system_labels: {}, user_labels: {} },
      policy_name: String(p.displayName ?? ""),
      policy_user_labels: p.userLabels ?? {},
      documentation: doc
        ? {
            content: doc.content ?? "",
            mime_type: doc.mimeType ?? "text/markdown",
            subject: doc.subject ?? "",
            links: doc.links ?? [],
          }
        : {},
      condition: restJson(i.condition),
      condition_name: String(i.condition.displayName ?? ""),
      threshold_value: threshold === undefined ? "" : String(threshold),
    },
  };
}

export type Delivery = { channel: string; type: string; target: string; ok: boolean; status?: number; error?: string };

/** Sends one state change to every channel of the policy that should get it; resolves when all attempts are done. */
export async function notify(
  deps: { store: AlertingStore; outbox: Outbox; log: Logger },
  i: IncidentRecord,
): Promise<Delivery[]> {
  const prompts = ((i.policy.alertStrategy as Json | undefined)?.notificationPrompts as string[] | undefined) ?? [];
  if (prompts.length && !prompts.includes(i.state === "open" ? "OPENED" : "CLOSED")) return [];
  const body = incidentJson(i);
  const out: Delivery[] = [];
  for (const name of (i.policy.notificationChannels as string[]) ?? []) {
    const ch = await deps.store.get("channel", name);
    if (!ch || (ch.enabled as Json | undefined)?.value === false || ch.verificationStatus === "UNVERIFIED") continue;
    const labels = (ch.labels ?? {}) as Record<string, string>;
    if (ch.type === "email") {
      const tag = i.state === "open" ? `[ALERT - ${(body.incident as Json).severity}]` : "[RESOLVED]";
      const subject = `${tag} ${i.policy.displayName} on ${(body.incident as Json).resource_display_name || i.project}`;
      const text = [
        summaryOf(i),
        "",
        `Policy: ${i.policy.displayName}`,
        `Condition: ${i.condition.displayName}`,
        `Incident: ${i.id} (${i.state})`,
        `Started: ${new Date(i.startedMs).toISOString()}`,
        ...(i.endedMs ? [`Ended: ${new Date(i.endedMs).toISOString()}`] : []),
        ...((i.policy.documentation as Json | undefined)?.content
          ? ["", String((i.policy.documentation as Json).content)]
          : []),
      ].join("\n");
      await deps.outbox.send(name, labels.email_address, subject, text);
      out.push({ channel: name, type: "email", target: labels.email_address, ok: true });
    } else if (ch.type === "webhook_tokenauth") {
      out.push(await postWebhook(labels.url, body, name, deps.log));
    }
  }
  return out;
}

async function postWebhook(url: string, body: Json, channel: string, log: Logger): Promise<Delivery> {
  const target = url.replace(/([?&]auth_token=)[^&]*/, "$1…");
  let last: Delivery = { channel, type: "webhook_tokenauth", target, ok: false };
  // A few attempts with a short backoff for network errors and 5xx answers.
  for (let attempt = 0; attempt < 3; attempt++) {
    if (attempt) await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "Google-Alerts" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      last = { ...last, ok: res.ok, status: res.status };
      if (res.status < 500) break;
    } catch (err) {
      last = { ...last, ok: false, error: (err as Error).message };
    }
  }
  if (!last.ok) log.warn("alert webhook delivery failed", { channel, target, status: last.status, error: last.error });
  return last;
}
