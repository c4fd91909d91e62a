// The alert evaluator: every period (30 s by default) each enabled policy's
// conditions are evaluated on the emulator's own telemetry through the same
// read path as ListTimeSeries (filter, aligner, reducer, group-by), decided by
// conditions.ts, and incidents are opened and closed in emu_alert_incidents.
// Each state change is delivered (notify.ts) unless a snooze is active; a
// snooze also closes the policy's open incidents, silently, as on Google.
import { randomBytes } from "node:crypto";
import type { Db } from "../../../db";
import type { Logger } from "../../../log";
import type { TelemetryStore } from "../../../telemetry/store";
import { reduce, type Series } from "../aggregate";
import { querySeries } from "../query";
import { parseMetricFilter } from "../filter";
import { durMs, tsMs } from "../time";
import type { Json } from "./common";
import {
  absenceVerdicts,
  ratio,
  thresholdVerdicts,
  thresholdWindow,
  triggered,
  wantedIncidents,
  type ConditionResult,
  type Verdict,
} from "./conditions";
import type { Outbox } from "./index";
import { extractLabels, newMatches } from "./logmatch";
import { notify, type IncidentRecord } from "./notify";
import { activeSnooze } from "./snoozes";
import type { AlertingStore } from "./store";

const MINUTE = 60_000;
const ABSENCE_LOOKBACK_MS = 3600_000;
const DEFAULT_AUTO_CLOSE_MS = 7 * 86400_000;

type IncidentRow = { id: string; condition: string; series_key: string; started_at: Date; data: Json };

export type EvaluatorDeps = {
  db: Db;
  telemetry: TelemetryStore;
  store: AlertingStore;
  outbox: Outbox;
  log: Logger;
  periodMs: number;
};

export class AlertEvaluator {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private deliveries = new Set<Promise<unknown>>();

  constructor(private readonly deps: EvaluatorDeps) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.deps.periodMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await Promise.allSettled([...this.deliveries]);
  }

  private tick(): Promise<void> {
    // One evaluation at a time; a slow one makes the next tick skip.
    if (!this.running) this.running = this.runOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  /**
   * Evaluates every enabled policy once, each at its own instant (a pass over
   * many policies takes a while: a snooze made meanwhile counts from when it
   * exists, not from when the pass began); `at` fixes the instant for all.
   */
  async runOnce(at?: number): Promise<void> {
    for (const policy of await this.deps.store.all("alertPolicy")) {
      if ((policy.enabled as Json | undefined)?.value === false) continue;
      try {
        await this.evaluatePolicy(policy, at ?? Date.now(), () => at ?? Date.now());
      } catch (err) {
        this.deps.log.warn("alert policy evaluation failed", { policy: policy.name, error: (err as Error).message });
      }
    }
  }

  /** Waits until notifications sent so far have been delivered (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.deliveries]);
  }

  private async series(
    project: string,
    filter: string,
    aggs: Json[] | undefined,
    startMs: number,
    endMs: number,
  ): Promise<{ series: Series[]; periodMs: number; metricType: string }> {
    const [first, ...rest] = aggs ?? [];
    const aligner =
      first && first.perSeriesAligner && first.perSeriesAligner !== "ALIGN_NONE"
        ? String(first.perSeriesAligner)
        : undefined;
    const reducer =
      first && first.crossSeriesReducer && first.crossSeriesReducer !== "REDUCE_NONE"
        ? String(first.crossSeriesReducer)
        : undefined;
    const periodMs = periodOf(aggs);
    const parsed = parseMetricFilter(filter);
    let { series } = await querySeries(this.deps.db, this.deps.telemetry, project, parsed, startMs, endMs, {
      aligner,
      reducer,
      periodMs,
      groupByFields: (first?.groupByFields as string[]) ?? [],
    });
    for (const a of rest) {
      if (a.crossSeriesReducer && a.crossSeriesReducer !== "REDUCE_NONE")
        series = reduce(series, String(a.crossSeriesReducer), (a.groupByFields as string[]) ?? []);
    }
    return { series, periodMs, metricType: parsed.metricType };
  }

  private async evaluateCondition(
    project: string,
    c: Json,
    endMs: number,
    now: number,
  ): Promise<ConditionResult & { metricType: string }> {
    if (c.conditionThreshold) {
      const t = c.conditionThreshold as Json;
      const durationMs = durMs(t.duration as Json);
      const periodMs = periodOf(t.aggregations as Json[]);
      const startMs = thresholdWindow(durationMs, periodMs, endMs, now).fromMs - periodMs;
      const num = await this.series(project, String(t.filter), t.aggregations as Json[], startMs, endMs);
      let series = num.series;
      if (t.denominatorFilter)
        series = ratio(
          num.series,
          (await this.series(project, String(t.denominatorFilter), t.denominatorAggregations as Json[], startMs, endMs))
            .series,
        );
      const verdicts = thresholdVerdicts(
        series,
        {
          comparison: String(t.comparison),
          thresholdValue: Number(t.thresholdValue ?? 0),
          durationMs,
          periodMs: num.periodMs,
          missingDataActive: t.evaluationMissingData === "EVALUATION_MISSING_DATA_ACTIVE",
        },
        endMs,
        now,
      );
      return {
        condition: String(c.name),
        verdicts,
        met: triggered(verdicts, t.trigger as Json),
        metricType: num.metricType,
      };
    }
    const a = c.conditionAbsent as Json;
    const durationMs = durMs(a.duration as Json);
    const { series, metricType } = await this.series(
      project,
      String(a.filter),
      a.aggregations as Json[],
      endMs - durationMs - ABSENCE_LOOKBACK_MS,
      endMs,
    );
    const verdicts = absenceVerdicts(series, durationMs, now);
    return { condition: String(c.name), verdicts, met: triggered(verdicts, a.trigger as Json), metricType };
  }

  /**
   * A log-based policy (its one condition a LogMatch): each rule (a
   * combination of extracted label values) with new matching entries opens
   * an incident, or notifies again for its open one, unless the rule was
   * notified less than `notification_rate_limit.period` ago (then no
   * incident, as on Google). An open incident closes, silently (log-based
   * policies notify on OPENED only), when its rule has had no match for
   * `auto_close` (default 7 days), when a snooze covers it or the policy's
   * condition goes.
   */
  private async evaluateLogPolicy(
    project: string,
    policy: Json,
    c: Json,
    now: number,
    clock: () => number,
  ): Promise<void> {
    const l = c.conditionMatchedLog as Json;
    const db = this.deps.db;
    const strategy = (policy.alertStrategy ?? {}) as Json;
    const periodMs = durMs((strategy.notificationRateLimit as Json | undefined)?.period as Json);
    const autoCloseMs = durMs(strategy.autoClose as Json) || DEFAULT_AUTO_CLOSE_MS;
    const { rows: cur } = await db.query<{ seq: string | null }>(
      "SELECT seq::text AS seq FROM emu_alert_log_cursor WHERE policy = $1",
      [policy.name],
    );
    const sinceMs = tsMs((policy.creationRecord as Json | undefined)?.mutateTime as Json) ?? now;
    const { entries, seq } = await newMatches(db, project, String(l.filter), cur[0]?.seq ?? null, sinceMs);
    if (seq !== null) {
      await db.query(
        "INSERT INTO emu_alert_log_cursor (policy, seq) VALUES ($1, $2) ON CONFLICT (policy) DO UPDATE SET seq = EXCLUDED.seq",
        [policy.name, seq],
      );
    }
    // The newest matching entry of each rule.
    const rules = new Map<string, { labels: Record<string, string>; entry: Json }>();
    for (const e of entries) {
      const labels = extractLabels((l.labelExtractors ?? {}) as Record<string, string>, e);
      rules.set(JSON.stringify(labels), { labels, entry: e });
    }
    const { rows: open } = await db.query<IncidentRow>(
      "SELECT id, condition, series_key, started_at, data FROM emu_alert_incidents WHERE policy = $1 AND state = 'open'",
      [policy.name],
    );
    for (const [key, { labels, entry }] of rules) {
      const { rows: st } = await db.query<{ last_notified: Date | null }>(
        `INSERT INTO emu_alert_log_rules (policy, series_key, last_match) VALUES ($1, $2, to_timestamp($3 / 1000.0))
         ON CONFLICT (policy, series_key) DO UPDATE SET last_match = EXCLUDED.last_match RETURNING last_notified`,
        [policy.name, key, now],
      );
      const limited = st[0]?.last_notified && now - st[0].last_notified.getTime() < periodMs;
      const resource = (entry.resource ?? {}) as Json;
      const verdict: Verdict = {
        key,
        resourceType: String(resource.type ?? "global"),
        resource: { ...((resource.labels ?? {}) as Record<string, string>) },
        metric: labels,
        value: null,
        violating: true,
      };
      if (await activeSnooze(this.deps.store, String(policy.name), verdict.resource, clock())) continue;
      if (limited) continue;
      const o = open.find((x) => x.condition === c.name && x.series_key === key);
      if (o) this.send({ ...this.record(project, policy, o), condition: c });
      else await this.open(project, policy, c, verdict, "", now);
      await db.query(
        "UPDATE emu_alert_log_rules SET last_notified = to_timestamp($3 / 1000.0) WHERE policy = $1 AND series_key = $2",
        [policy.name, key, now],
      );
    }
    for (const o of open) {
      const record = this.record(project, policy, o);
      const snoozed = await activeSnooze(this.deps.store, String(policy.name), record.resource, clock());
      const { rows: st } = await db.query<{ last_match: Date }>(
        "SELECT last_match FROM emu_alert_log_rules WHERE policy = $1 AND series_key = $2",
        [policy.name, o.series_key],
      );
      const lastMatch = st[0]?.last_match.getTime() ?? o.started_at.getTime();
      if (snoozed || o.condition !== c.name || now - lastMatch >= autoCloseMs) await this.close(record, now, false);
    }
  }

  private async evaluatePolicy(policy: Json, now: number, clock: () => number): Promise<void> {
    const project = String(policy.name).split("/")[1];
    const logMatch = ((policy.conditions as Json[]) ?? []).find((c) => c.conditionMatchedLog);
    if (logMatch) return this.evaluateLogPolicy(project, policy, logMatch, now, clock);
    // Aligned periods end at the end of the current minute, so the partial minute counts.
    const endMs = Math.ceil(now / MINUTE) * MINUTE;
    const conditions = (policy.conditions as Json[]) ?? [];
    const results = await Promise.all(conditions.map((c) => this.evaluateCondition(project, c, endMs, now)));
    const wanted = wantedIncidents(String(policy.combiner ?? "OR"), results);
    const { rows: open } = await this.deps.db.query<IncidentRow>(
      "SELECT id, condition, series_key, started_at, data FROM emu_alert_incidents WHERE policy = $1 AND state = 'open'",
      [policy.name],
    );
    const isOpen = new Set(open.map((o) => `${o.condition} ${o.series_key}`));
    const wantedKeys = new Set(wanted.map((w) => `${w.condition} ${w.verdict.key}`));
    const conditionOf = (name: string) => conditions.find((c) => c.name === name) ?? {};

    for (const w of wanted) {
      if (isOpen.has(`${w.condition} ${w.verdict.key}`)) continue;
      // Asked when notifying: the data read above may be newer than `now`.
      if (await activeSnooze(this.deps.store, String(policy.name), w.verdict.resource, clock())) continue;
      const metricType = results.find((r) => r.condition === w.condition)!.metricType;
      await this.open(project, policy, conditionOf(w.condition), w.verdict, metricType, now);
    }
    for (const o of open) {
      const record = this.record(project, policy, o);
      const snoozed = await activeSnooze(this.deps.store, String(policy.name), record.resource, clock());
      const verdict = results.find((r) => r.condition === o.condition)?.verdicts.find((v) => v.key === o.series_key);
      const autoCloseMs = durMs((policy.alertStrategy as Json | undefined)?.autoClose as Json) || DEFAULT_AUTO_CLOSE_MS;
      const missingInactive =
        (conditionOf(o.condition).conditionThreshold as Json | undefined)?.evaluationMissingData ===
        "EVALUATION_MISSING_DATA_INACTIVE";
      const stillWanted = wantedKeys.has(`${o.condition} ${o.series_key}`);
      const resolved = !stillWanted && (verdict !== undefined || missingInactive);
      const expired = now - o.started_at.getTime() >= autoCloseMs;
      if (snoozed || resolved || expired || !conditions.some((c) => c.name === o.condition)) {
        await this.close({ ...record, observedValue: verdict?.value ?? record.observedValue }, now, !snoozed);
      }
    }
  }

  private record(project: string, policy: Json, o: IncidentRow): IncidentRecord {
    const d = o.data as Omit<IncidentRecord, "id" | "project" | "policy" | "state" | "startedMs" | "endedMs">;
    return { ...d, id: o.id, project, policy, state: "open", startedMs: o.started_at.getTime(), endedMs: null };
  }

  private async open(
    project: string,
    policy: Json,
    condition: Json,
    v: Verdict,
    metricType: string,
    now: number,
  ): Promise<void> {
    const id = `0.${randomBytes(8).toString("hex")}`;
    const data = {
      condition,
      resourceType: v.resourceType,
      resource: v.resource,
      metricType,
      metric: v.metric,
      observedValue: v.value,
      policyDisplayName: policy.displayName,
      conditionDisplayName: condition.displayName,
    };
    const { rowCount } = await this.deps.db.query(
      `INSERT INTO emu_alert_incidents (id, project, policy, condition, series_key, state, started_at, data)
       VALUES ($1, $2, $3, $4, $5, 'open', to_timestamp($6 / 1000.0), $7) ON CONFLICT DO NOTHING`,
      [id, project, policy.name, condition.name, seriesKeyOf(v), now, JSON.stringify(data)],
    );
    if (!rowCount) return;
    this.deps.log.info("alert incident opened", { policy: policy.name, incident: id });
    this.send({ ...data, id, project, policy, condition, state: "open", startedMs: now, endedMs: null });
  }

  private async close(r: IncidentRecord, now: number, deliver: boolean): Promise<void> {
    const { rowCount } = await this.deps.db.query(
      "UPDATE emu_alert_incidents SET state = 'closed', ended_at = to_timestamp($2 / 1000.0), data = data || jsonb_build_object('observedValue', $3::float8) WHERE id = $1 AND state = 'open'",
      [r.id, now, r.observedValue],
    );
    if (!rowCount) return;
    this.deps.log.info("alert incident closed", { policy: r.policy.name, incident: r.id });
    if (deliver) this.send({ ...r, state: "closed", endedMs: now });
  }

  private send(r: IncidentRecord): void {
    const p = notify({ store: this.deps.store, outbox: this.deps.outbox, log: this.deps.log }, r)
      .catch((err) =>
        this.deps.log.warn("alert notification failed", { incident: r.id, error: (err as Error).message }),
      )
      .finally(() => this.deliveries.delete(p));
    this.deliveries.add(p);
  }
}

const seriesKeyOf = (v: Verdict) => v.key;

/** The alignment period of a condition's first aggregation; a minute (the emulator's grain) when it does not align. */
function periodOf(aggs: Json[] | undefined): number {
  const first = aggs?.[0];
  return first?.perSeriesAligner && first.perSeriesAligner !== "ALIGN_NONE"
    ? durMs(first.alignmentPeriod as Json)
    : MINUTE;
}
