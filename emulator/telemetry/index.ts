// Wires Logging v2 and Monitoring v3 into the emulator: the store, the
// ingest of runtime events, the two gRPC services and retention pruning.
import type * as grpc from "@grpc/grpc-js";
import type { Db } from "../db";
import type { Faults } from "../grpc/faults";
import { addUnaryService } from "../grpc/server";
import type { Logger } from "../log";
import type { RuntimeEvents } from "../runtime/events";
import { addLoggingService } from "../api/logging/api";
import { createMonitoringApi } from "../api/monitoring/api";
import { ensureDescriptorSchema } from "../api/monitoring/descriptors";
import { backfill } from "./backfill";
import { ingest } from "./ingest";
import { loadTelemetryProtos } from "./protos";
import { TelemetryStore } from "./store";
import { startTraffic } from "./traffic";
import { startUtilizationSampler, type SampledInstance } from "./utilization";

export type TelemetryOptions = {
  /** Log entries older than this are pruned (default 72; env EMULATOR_LOG_RETENTION_HOURS). */
  logRetentionHours?: number;
  /** Metric minutes older than this are pruned (default 70, two months of history and a margin; env EMULATOR_METRIC_RETENTION_DAYS). */
  metricRetentionDays?: number;
  /** How often each ready instance's process is sampled for the utilization metrics (default 10 s; env EMULATOR_UTILIZATION_SAMPLE_SECONDS). */
  utilizationSampleMs?: number;
  /** How many services get synthetic history when traffic is on (default 50, seeded ones first; benchmarks ask for more). */
  historyServices?: number;
};

export type Telemetry = {
  store: TelemetryStore;
  /**
   * With traffic on (the local demo): writes the seeded fleet's synthetic
   * history when no request metrics exist yet, then starts the synthetic
   * requests (history first: the backfill skips once any request minute
   * exists). The emulator awaits it before it serves, so the portal's first
   * reads are not empty (they are cached for minutes).
   */
  startSynthetic(): Promise<void>;
  stop(): Promise<void>;
};

const PRUNE_EVERY_MS = 10 * 60_000;

export async function startTelemetry(
  deps: {
    db: Db;
    server: grpc.Server;
    events: RuntimeEvents;
    faults: Faults;
    log: Logger;
    routerPort: () => number;
    traffic?: boolean;
    /** The runtime's ready instances (utilization sampling). */
    instances: () => SampledInstance[];
  } & TelemetryOptions,
): Promise<Telemetry> {
  const store = new TelemetryStore(deps.db, (err) => deps.log.error("telemetry flush failed", { error: String(err) }));
  await store.ensureSchema();
  await ensureDescriptorSchema(deps.db);
  const protos = loadTelemetryProtos();
  addLoggingService(deps.server, protos.logging, { db: deps.db, store, faults: deps.faults, log: deps.log });
  addUnaryService(deps.server, protos.metrics, createMonitoringApi(deps.db, store), {
    faults: deps.faults,
    log: deps.log,
  });
  const unsubscribe = ingest(deps.events, store);
  store.start();
  const stopSampling = startUtilizationSampler(
    deps.instances,
    (s) => store.addUtilization(s),
    deps.utilizationSampleMs ?? 10_000,
  );
  const prune = () =>
    store
      .prune(deps.logRetentionHours ?? 72, deps.metricRetentionDays ?? 70)
      .catch((err) => deps.log.warn("telemetry pruning failed", { error: String(err) }));
  void prune();
  const timer = setInterval(prune, PRUNE_EVERY_MS);
  timer.unref();
  let stopTraffic = () => {};
  return {
    store,
    async startSynthetic() {
      if (!deps.traffic) return;
      try {
        const rows = await backfill(deps.db, store, Date.now(), deps.historyServices);
        if (rows) deps.log.info("wrote synthetic metric history", { rows });
      } catch (err) {
        // The demo still works without its history: charts start from now.
        deps.log.warn("synthetic history failed", { error: String(err) });
      }
      stopTraffic = startTraffic(deps.db, deps.routerPort);
    },
    async stop() {
      clearInterval(timer);
      stopSampling();
      stopTraffic();
      unsubscribe();
      await store.stop();
    },
  };
}
