// Cloud Monitoring alerting in the emulator: the five v3 services on the gRPC
// server, their tables, the e-mail outbox (shown by the admin API).
import type * as grpc from "@grpc/grpc-js";
import type { Db } from "../../../db";
import type { Faults } from "../../../grpc/faults";
import { addUnaryService } from "../../../grpc/server";
import type { Logger } from "../../../log";
import { alertPolicyHandlers } from "./policies";
import { channelHandlers } from "./channels";
import { loadAlertingProtos } from "./protos";
import { serviceMonitoringHandlers } from "./services";
import { snoozeHandlers } from "./snoozes";
import { AlertingStore } from "./store";
import { AlertEvaluator } from "./evaluator";
import { UptimeProber } from "./prober";
import type { TelemetryStore } from "../../../telemetry/store";
import { uptimeHandlers } from "./uptime";

export type OutboxMail = { id: string; sentAt: string; channel: string; to: string; subject: string; body: string };

export class Outbox {
  constructor(private readonly db: Db) {}

  async send(channel: string, to: string, subject: string, body: string): Promise<void> {
    await this.db.query("INSERT INTO emu_alert_outbox (channel, recipient, subject, body) VALUES ($1, $2, $3, $4)", [
      channel,
      to,
      subject,
      body,
    ]);
  }

  /** Newest first. */
  async list(limit = 200): Promise<OutboxMail[]> {
    const { rows } = await this.db.query<{
      id: string;
      sent_at: Date;
      channel: string;
      recipient: string;
      subject: string;
      body: string;
    }>("SELECT id::text, sent_at, channel, recipient, subject, body FROM emu_alert_outbox ORDER BY id DESC LIMIT $1", [
      limit,
    ]);
    return rows.map((r) => ({
      id: r.id,
      sentAt: r.sent_at.toISOString(),
      channel: r.channel,
      to: r.recipient,
      subject: r.subject,
      body: r.body,
    }));
  }
}

export type Incident = {
  id: string;
  project: string;
  policy: string;
  condition: string;
  state: "open" | "closed";
  startedAt: string;
  endedAt: string | null;
} & Record<string, unknown>;
export type Alerting = {
  store: AlertingStore;
  outbox: Outbox;
  evaluator: AlertEvaluator;
  prober: UptimeProber;
  incidents(): Promise<Incident[]>;
  stop(): Promise<void>;
};

export type AlertingOptions = {
  /** How often every enabled policy is evaluated (default 30 000; env EMULATOR_ALERT_EVALUATION_MS). */
  evaluationPeriodMs?: number;
  /** Probe every uptime check this often instead of on its own period (tests; unset in normal use). */
  uptimePeriodMs?: number;
};

async function listIncidents(db: Db): Promise<Incident[]> {
  const { rows } = await db.query<{
    id: string;
    project: string;
    policy: string;
    condition: string;
    state: "open" | "closed";
    started_at: Date;
    ended_at: Date | null;
    data: Record<string, unknown>;
  }>(
    "SELECT id, project, policy, condition, state, started_at, ended_at, data FROM emu_alert_incidents ORDER BY started_at DESC LIMIT 500",
  );
  return rows.map((r) => ({
    ...r.data,
    id: r.id,
    project: r.project,
    policy: r.policy,
    condition: r.condition,
    state: r.state,
    startedAt: r.started_at.toISOString(),
    endedAt: r.ended_at?.toISOString() ?? null,
  }));
}

export async function startAlerting(
  deps: {
    db: Db;
    server: grpc.Server;
    faults: Faults;
    log: Logger;
    telemetry: TelemetryStore;
    routerPort: () => number;
  } & AlertingOptions,
): Promise<Alerting> {
  const store = new AlertingStore(deps.db);
  await store.ensureSchema();
  const outbox = new Outbox(deps.db);
  const protos = loadAlertingProtos();
  const opts = { faults: deps.faults, log: deps.log };
  addUnaryService(deps.server, protos.alertPolicies, alertPolicyHandlers(store), opts);
  addUnaryService(
    deps.server,
    protos.channels,
    channelHandlers(store, (c, to, s, b) => outbox.send(c, to, s, b)),
    opts,
  );
  const prober = new UptimeProber({
    db: deps.db,
    store,
    log: deps.log,
    routerPort: deps.routerPort,
    periodOverrideMs: deps.uptimePeriodMs,
  });
  addUnaryService(
    deps.server,
    protos.uptime,
    uptimeHandlers(store, (n) => prober.changed(n)),
    opts,
  );
  addUnaryService(deps.server, protos.serviceMonitoring, serviceMonitoringHandlers(store), opts);
  addUnaryService(deps.server, protos.snoozes, snoozeHandlers(store), opts);
  const evaluator = new AlertEvaluator({
    db: deps.db,
    telemetry: deps.telemetry,
    store,
    outbox,
    log: deps.log,
    periodMs: deps.evaluationPeriodMs ?? 30_000,
  });
  evaluator.start();
  return {
    store,
    outbox,
    evaluator,
    prober,
    incidents: () => listIncidents(deps.db),
    stop: async () => {
      await prober.stop();
      await evaluator.stop();
    },
  };
}
