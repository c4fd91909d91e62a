// The local Google Cloud: Cloud Run Admin API v2 (with google.longrunning
// Operations) over gRPC, revisions running as local processes behind one
// HTTP router, state in PostgreSQL. See emulator/README.md.
import { addUnaryService, bind, createServer, shutdown } from "./grpc/server";
import { Faults, type FaultRule } from "./grpc/faults";
import { loadProtos } from "./grpc/protos";
import { openDb } from "./db";
import { createLogger, type Severity } from "./log";
import { adminHandler } from "./admin";
import { SteadyLoad } from "./runtime/load";
import { Runtime } from "./runtime";
import type { RuntimeEvents } from "./runtime/events";
import { createRunApi, RunStore } from "./api/run";
import { OperationStore } from "./api/longrunning/store";
import { operationsHandlers } from "./api/longrunning/operations";
import { SecretStore } from "./api/secretmanager/store";
import { Projects } from "./api/projects";
import { PolicyStore } from "./api/iam";
import { secretManagerHandlers } from "./api/secretmanager/api";
import { BillingAccounts, cloudBillingHandlers } from "./api/billing/accounts";
import { cloudCatalogHandlers } from "./api/billing/api";
import { budgetHandlers, BudgetStore } from "./api/billing/budgets";
import { resourceManagerHandlers } from "./api/resource-manager";
import { seedBudgets } from "./seed/budgets";
import { createSqlApi } from "./api/sql";
import { markSeededServices, seedFleet, seedSyntheticServices } from "./seed";
import { seedScheduledWork } from "./seed/scheduled-work";
import { startTelemetry, type TelemetryOptions } from "./telemetry";
import { createSchedulerApi, SchedulerClock } from "./api/scheduler";
import { createRunJobsApi } from "./api/runjobs";
import { fleetIsSeeded, seedAlerting } from "./seed/alerting";
import { startAlerting, type Alerting, type AlertingOptions } from "./api/monitoring/alerting";

export type EmulatorOptions = {
  databaseUrl: string;
  /** Default 8086; 0 = any free port. */
  grpcPort?: number;
  /** Default 8087; 0 = any free port. */
  routerPort?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Seed the DESIGN.md fleet when the database is empty (default true). */
  seed?: boolean;
  /** Idle instances above min instances stop after this long (default 120 000). */
  idleTimeoutMs?: number;
  /** Receives one JSON log line per notable event; nothing is logged without it. */
  log?: (line: string) => void;
  /** Lowest severity passed to `log` (default INFO). */
  logLevel?: Severity;
  /** How long a request waits for a free instance at max instances before 429 (default 10 000). */
  queueTimeoutMs?: number;
  /** SIGTERM → SIGKILL grace for instances (default 10 000). */
  shutdownGraceMs?: number;
  /** Initial fault rules (see grpc/faults.ts); off by default. */
  faults?: FaultRule[] | string;
  /** Ensure this many synthetic services exist (project runway-synthetic). */
  extraServices?: number;
  /** Cloud SQL operations last at least this long, so they can be watched (default 1000). */
  sqlOperationMs?: number;
  /** Logging/Monitoring retention (see telemetry/index.ts). */
  telemetry?: TelemetryOptions;
  /** Gentle synthetic traffic to the seeded fleet plus 62 days of synthetic metric history, written before the emulator serves (default false). */
  traffic?: boolean;
  /** Alert evaluation and uptime probing (see api/monitoring/alerting). */
  alerting?: AlertingOptions;
};

export type Emulator = {
  grpcPort: number;
  routerPort: number;
  /** `host:grpcPort`, what GCP_EMULATOR_HOST takes. */
  endpoint: string;
  /** Runtime events: requests, instance lifecycle, container logs. */
  events: RuntimeEvents;
  /** Fault rules in effect; `faults.set([...])` changes them. */
  faults: Faults;
  /** Cloud Scheduler's clock: `clock.set(date)` moves "now" for schedules (tests). */
  schedulerClock: SchedulerClock;
  /** Evaluates every alert policy now (or as at `at`, epoch ms) and waits for the notifications it sends. */
  evaluateAlerts(at?: number): Promise<void>;
  /** Steady load (N requests per second) on service or tag hosts; `load.set({ host, rps })`. */
  load: SteadyLoad;
  /** Adds synthetic services until there are `n`; returns how many were added. */
  seedSyntheticServices(n: number): Promise<number>;
  /** Ready instances and their process ids (what utilization sampling reads). */
  liveInstances(): { spec: { project: string; service: string; revision: string }; id: string; pid: number }[];
  stop(): Promise<void>;
};

export async function startEmulator(opts: EmulatorOptions): Promise<Emulator> {
  const host = opts.host ?? "127.0.0.1";
  const log = createLogger(opts.log, opts.logLevel ?? "INFO");
  const db = openDb(opts.databaseUrl);
  const faults = new Faults();
  faults.set(opts.faults ?? []);
  const projects = new Projects(db);
  const store = new RunStore(db, projects);
  const ops = new OperationStore(db);
  const secrets = new SecretStore(db, projects);
  const policies = new PolicyStore(db);
  let routerPort = 0;
  const schedulerClock = new SchedulerClock();
  let alerting: Alerting | undefined;
  const load = new SteadyLoad(() => routerPort);
  const runtime: Runtime = new Runtime({
    log,
    resolveSecret: (project, ref) => secrets.resolve(project, ref),
    idleTimeoutMs: opts.idleTimeoutMs ?? 120_000,
    queueTimeoutMs: opts.queueTimeoutMs ?? 10_000,
    shutdownGraceMs: opts.shutdownGraceMs ?? 10_000,
    fallback: adminHandler({
      faults,
      runtime: () => runtime,
      load,
      log,
      clock: schedulerClock,
      alerting: () => alerting,
    }),
  });
  const server = createServer();
  const cleanups: (() => Promise<unknown>)[] = [() => db.end()];
  try {
    await projects.ensureSchema();
    await store.ensureSchema();
    await markSeededServices(db);
    await ops.ensureSchema();
    await secrets.ensureSchema();
    await policies.ensureSchema();
    // Databases written before projects were recorded.
    await projects.learnFrom(["run_services", "sm_secrets"]);
    const accounts = new BillingAccounts(db);
    await accounts.ensureSchema();
    const budgets = new BudgetStore(db, accounts);
    await budgets.ensureSchema();
    const sql = createSqlApi({
      db,
      databaseUrl: opts.databaseUrl,
      log,
      secrets,
      minOperationMs: opts.sqlOperationMs ?? 1000,
    });
    await sql.ensureSchema();
    const protos = loadProtos();
    // Before instances start, so their lifecycle reaches the logs.
    const telemetry = await startTelemetry({
      db,
      server,
      events: runtime.events,
      faults,
      log,
      routerPort: () => routerPort,
      traffic: opts.traffic,
      instances: () => runtime.liveInstances(),
      ...opts.telemetry,
    });
    cleanups.unshift(() => telemetry.stop());
    alerting = await startAlerting({
      db,
      server,
      faults,
      log,
      telemetry: telemetry.store,
      routerPort: () => routerPort,
      ...opts.alerting,
    });
    const stopAlerting = alerting.stop;
    cleanups.unshift(stopAlerting);
    routerPort = await runtime.listen(host, opts.routerPort ?? 8087);
    cleanups.unshift(() => runtime.stop());
    const run = createRunApi({
      store,
      projects,
      policies,
      ops,
      secrets,
      runtime,
      codec: protos.codec,
      log,
      routerPort: () => routerPort,
    });
    const scheduler = await createSchedulerApi({
      db,
      projects,
      log,
      clock: schedulerClock,
      writeLog: (row) => telemetry.store.addLog(row),
      routerPort: () => routerPort,
    });
    cleanups.unshift(() => scheduler.dispatcher.stop());
    const runJobs = await createRunJobsApi({
      db,
      projects,
      policies,
      ops,
      runtime,
      codec: protos.codec,
      log,
      resolveSecret: (project, ref) => secrets.resolve(project, ref),
      shutdownGraceMs: opts.shutdownGraceMs ?? 10_000,
      writeLog: (row) => telemetry.store.addLog(row),
    });
    cleanups.unshift(() => runJobs.executor.stop());
    const seedDeps = { store, secrets, codec: protos.codec, routerPort: () => routerPort };
    if (opts.seed !== false && (await store.isEmpty())) {
      if (await secrets.isEmpty()) {
        await seedFleet(seedDeps);
        if (await sql.store.isEmpty()) await sql.seed();
        await seedBudgets(budgets);
      } else log.warn("secrets exist but no services: seeding skipped");
      log.info("seeded the fleet");
    }
    if (opts.seed !== false && (await scheduler.store.isEmpty()) && (await runJobs.store.isEmpty())) {
      const seeded = await seedScheduledWork({
        run: store,
        scheduler: scheduler.store,
        jobs: runJobs.store,
        codec: protos.codec,
        writeLog: (row) => telemetry.store.addLog(row),
      });
      if (seeded) log.info("seeded the scheduled work");
    }
    if (opts.seed !== false && (await fleetIsSeeded(db))) {
      const a = alerting;
      if (
        await seedAlerting({
          db,
          store: a.store,
          outbox: (c, to, subj, body) => a.outbox.send(c, to, subj, body),
          onUptimeChange: () => {},
        })
      )
        log.info("seeded the fleet's alerting");
    }
    if (opts.extraServices) await seedSyntheticServices(seedDeps, opts.extraServices);
    await run.reconciler.restore();
    // Needs the seeded services and revisions; before the gRPC port opens, so the demo's first reads find it.
    await telemetry.startSynthetic();
    await alerting.prober.start();
    cleanups.unshift(() => run.reconciler.drain());
    const deps = { faults, log };
    addUnaryService(server, protos.services, run.services, deps);
    addUnaryService(server, protos.revisions, run.revisions, deps);
    addUnaryService(
      server,
      protos.operations,
      operationsHandlers(ops, protos.codec, run.present, (n) => projects.canonical(n)),
      deps,
    );
    addUnaryService(server, protos.secretManager, secretManagerHandlers(secrets, policies), deps);
    addUnaryService(server, protos.cloudCatalog, cloudCatalogHandlers(), deps);
    addUnaryService(
      server,
      protos.cloudBilling,
      cloudBillingHandlers(accounts, (p) => projects.resolve(p)),
      deps,
    );
    addUnaryService(server, protos.budgets, budgetHandlers(budgets), deps);
    addUnaryService(server, protos.projects, resourceManagerHandlers(projects), deps);
    for (const k of ["instances", "backupRuns", "users", "operations"] as const)
      addUnaryService(server, protos.sql[k], sql.handlers[k], deps);
    addUnaryService(server, scheduler.definition, scheduler.handlers, deps);
    addUnaryService(server, protos.jobs, runJobs.jobs, deps);
    addUnaryService(server, protos.executions, runJobs.executions, deps);
    addUnaryService(server, protos.tasks, runJobs.tasks, deps);
    scheduler.dispatcher.start();
    const grpcPort = await bind(server, host, opts.grpcPort ?? 8086);
    log.info("emulator started", { grpc: `${host}:${grpcPort}`, router: `${host}:${routerPort}` });

    let stopping: Promise<void> | undefined;
    return {
      grpcPort,
      routerPort,
      endpoint: `${host}:${grpcPort}`,
      events: runtime.events,
      faults,
      schedulerClock: scheduler.clock,
      evaluateAlerts: async (at?: number) => {
        await alerting!.evaluator.runOnce(at);
        await alerting!.evaluator.settled();
      },
      load,
      liveInstances: () => runtime.liveInstances(),
      seedSyntheticServices: async (n) => {
        const added = await seedSyntheticServices(seedDeps, n);
        if (added) await run.reconciler.syncAll();
        return added;
      },
      stop: () =>
        (stopping ??= (async () => {
          load.clear();
          await run.reconciler.stop();
          await scheduler.dispatcher.stop();
          await runJobs.executor.stop();
          await stopAlerting();
          await shutdown(server);
          await runtime.stop();
          await telemetry.stop();
          await run.reconciler.drain();
          await sql.drain();
          await db.end();
          log.info("emulator stopped");
        })()),
    };
  } catch (err) {
    server.forceShutdown();
    for (const c of cleanups) await c().catch(() => {});
    throw err;
  }
}

export type { RuntimeEvent, RequestEvent, LifecycleEvent, LogEvent } from "./runtime/events";
export type { FaultRule } from "./grpc/faults";
