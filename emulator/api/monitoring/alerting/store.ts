// Persistence for the alerting APIs: one table of resources (policies,
// channels, uptime checks, services, SLOs, snoozes) as JSONB in the shape the
// API returns them, keyed by full name and listed in creation order; plus the
// evaluator's incidents and the e-mail outbox. Tables are created at start-up.
import type { Db } from "../../../db";
import { ensureSchema } from "../../../db";

type Json = Record<string, unknown>;
export type Kind = "alertPolicy" | "channel" | "uptimeCheck" | "service" | "slo" | "snooze";

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS emu_alerting_resources (
     name text PRIMARY KEY, kind text NOT NULL, parent text NOT NULL, seq bigserial, data jsonb NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS emu_alerting_resources_parent ON emu_alerting_resources (kind, parent, seq)`,
  `CREATE TABLE IF NOT EXISTS emu_alert_incidents (
     id text PRIMARY KEY, project text NOT NULL, policy text NOT NULL, condition text NOT NULL, series_key text NOT NULL,
     state text NOT NULL, started_at timestamptz NOT NULL, ended_at timestamptz, data jsonb NOT NULL)`,
  `CREATE UNIQUE INDEX IF NOT EXISTS emu_alert_incidents_open ON emu_alert_incidents (policy, condition, series_key) WHERE state = 'open'`,
  // Log-based policies: where each policy has read the log entries up to, and per rule (extracted labels) the last match and notification.
  `CREATE TABLE IF NOT EXISTS emu_alert_log_cursor (policy text PRIMARY KEY, seq bigint)`,
  `CREATE TABLE IF NOT EXISTS emu_alert_log_rules (
     policy text NOT NULL, series_key text NOT NULL, last_match timestamptz NOT NULL, last_notified timestamptz,
     PRIMARY KEY (policy, series_key))`,
  `CREATE TABLE IF NOT EXISTS emu_alert_outbox (
     id bigserial PRIMARY KEY, sent_at timestamptz NOT NULL DEFAULT now(), channel text NOT NULL, recipient text NOT NULL,
     subject text NOT NULL, body text NOT NULL)`,
];

export class AlertingStore {
  constructor(readonly db: Db) {}

  ensureSchema(): Promise<void> {
    return ensureSchema(this.db, SCHEMA);
  }

  async get(kind: Kind, name: string): Promise<Json | undefined> {
    const { rows } = await this.db.query<{ data: Json }>(
      "SELECT data FROM emu_alerting_resources WHERE kind = $1 AND name = $2",
      [kind, name],
    );
    return rows[0]?.data;
  }

  /** Every resource of a kind under a parent (`projects/p`, or a service for SLOs), oldest first. */
  async list(kind: Kind, parent: string): Promise<Json[]> {
    const { rows } = await this.db.query<{ data: Json }>(
      "SELECT data FROM emu_alerting_resources WHERE kind = $1 AND parent = $2 ORDER BY seq",
      [kind, parent],
    );
    return rows.map((r) => r.data);
  }

  /** Every resource of a kind in every project (the evaluator and the prober read these). */
  async all(kind: Kind): Promise<Json[]> {
    const { rows } = await this.db.query<{ data: Json }>(
      "SELECT data FROM emu_alerting_resources WHERE kind = $1 ORDER BY seq",
      [kind],
    );
    return rows.map((r) => r.data);
  }

  /** Inserts; false when the name is taken. */
  async insert(kind: Kind, parent: string, data: Json): Promise<boolean> {
    const { rowCount } = await this.db.query(
      "INSERT INTO emu_alerting_resources (name, kind, parent, data) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING",
      [data.name, kind, parent, JSON.stringify(data)],
    );
    return rowCount === 1;
  }

  async replace(kind: Kind, data: Json): Promise<void> {
    await this.db.query("UPDATE emu_alerting_resources SET data = $3 WHERE kind = $1 AND name = $2", [
      kind,
      data.name,
      JSON.stringify(data),
    ]);
  }

  async delete(kind: Kind, name: string): Promise<boolean> {
    const { rowCount } = await this.db.query("DELETE FROM emu_alerting_resources WHERE kind = $1 AND name = $2", [
      kind,
      name,
    ]);
    return rowCount === 1;
  }

  /** Deletes everything under a parent (a service's SLOs). */
  async deleteUnder(kind: Kind, parent: string): Promise<void> {
    await this.db.query("DELETE FROM emu_alerting_resources WHERE kind = $1 AND parent = $2", [kind, parent]);
  }

  async isEmpty(): Promise<boolean> {
    const { rows } = await this.db.query("SELECT 1 FROM emu_alerting_resources LIMIT 1");
    return rows.length === 0;
  }
}
