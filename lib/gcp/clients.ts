// The only module that knows whether Google Cloud or the local emulator is on
// the other end. Clients are built once per process from the validated config;
// after construction both paths are the same code.
import "server-only";
import { CloudBillingClient, CloudCatalogClient } from "@google-cloud/billing";
import { BudgetServiceClient } from "@google-cloud/billing-budgets";
import { v2 as logging } from "@google-cloud/logging";
import { ProjectsClient } from "@google-cloud/resource-manager";
import {
  AlertPolicyServiceClient,
  MetricServiceClient,
  NotificationChannelServiceClient,
  ServiceMonitoringServiceClient,
  SnoozeServiceClient,
  UptimeCheckServiceClient,
} from "@google-cloud/monitoring";
import { ExecutionsClient, JobsClient, RevisionsClient, ServicesClient, TasksClient } from "@google-cloud/run";
import { CloudSchedulerClient } from "@google-cloud/scheduler";
import { SecretManagerServiceClient } from "@google-cloud/secret-manager";
import { v1 as sql } from "@google-cloud/sql";
import { grpc } from "google-gax";
import { config } from "../config";

export type GcpTarget = { emulatorHost: string | null };

export type RunClients = { services: ServicesClient; revisions: RevisionsClient };
export type RunJobsClients = { jobs: JobsClient; executions: ExecutionsClient; tasks: TasksClient };
export type SqlClients = {
  instances: sql.SqlInstancesServiceClient;
  backupRuns: sql.SqlBackupRunsServiceClient;
  operations: sql.SqlOperationsServiceClient;
  users: sql.SqlUsersServiceClient;
};
export type AlertingClients = {
  policies: AlertPolicyServiceClient;
  channels: NotificationChannelServiceClient;
  uptime: UptimeCheckServiceClient;
  slos: ServiceMonitoringServiceClient;
  metrics: MetricServiceClient;
  /** A canary release's snooze of its service's policies (lib/releases/release-snooze.ts). */
  snoozes: SnoozeServiceClient;
};
export type ObservabilityClients = {
  logging: InstanceType<typeof logging.LoggingServiceV2Client>;
  metrics: MetricServiceClient;
};

function clientOptions(target: GcpTarget) {
  if (!target.emulatorHost) return {};
  const [host, port] = target.emulatorHost.split(":");
  // Insecure gRPC on loopback; an explicit projectId keeps the auth library
  // from probing the GCE metadata server.
  return {
    apiEndpoint: host,
    port: Number(port),
    sslCreds: grpc.credentials.createInsecure(),
    projectId: "runway-emulator",
  };
}

// One set of clients per process and target (tests talk to several emulators).
const cache = new Map<string, unknown>();

function once<T>(kind: string, target: GcpTarget, build: (options: ReturnType<typeof clientOptions>) => T): T {
  const key = `${kind}:${target.emulatorHost ?? "google"}`;
  if (!cache.has(key)) cache.set(key, build(clientOptions(target)));
  return cache.get(key) as T;
}

export function runClients(target: GcpTarget = config().gcp): RunClients {
  return once("run", target, (options) => ({
    services: new ServicesClient(options),
    revisions: new RevisionsClient(options),
  }));
}

export function observabilityClients(target: GcpTarget = config().gcp): ObservabilityClients {
  return once("observability", target, (options) => ({
    logging: new logging.LoggingServiceV2Client(options),
    metrics: new MetricServiceClient(options),
  }));
}

export function secretsClient(target: GcpTarget = config().gcp): SecretManagerServiceClient {
  return once("secrets", target, (options) => new SecretManagerServiceClient(options));
}

export function catalogClient(target: GcpTarget = config().gcp): CloudCatalogClient {
  return once("catalog", target, (options) => new CloudCatalogClient(options));
}

/** `projects` (Resource Manager) maps the project numbers budgets name to ids. */
export type BillingClients = { accounts: CloudBillingClient; budgets: BudgetServiceClient; projects: ProjectsClient };

export function billingClients(target: GcpTarget = config().gcp): BillingClients {
  return once("billing", target, (options) => ({
    accounts: new CloudBillingClient(options),
    budgets: new BudgetServiceClient(options),
    projects: new ProjectsClient(options),
  }));
}

export function sqlClients(target: GcpTarget = config().gcp): SqlClients {
  return once("sql", target, (options) => ({
    instances: new sql.SqlInstancesServiceClient(options),
    backupRuns: new sql.SqlBackupRunsServiceClient(options),
    operations: new sql.SqlOperationsServiceClient(options),
    users: new sql.SqlUsersServiceClient(options),
  }));
}

export function schedulerClient(target: GcpTarget = config().gcp): CloudSchedulerClient {
  return once("scheduler", target, (options) => new CloudSchedulerClient(options));
}

export function runJobsClients(target: GcpTarget = config().gcp): RunJobsClients {
  return once("run-jobs", target, (options) => ({
    jobs: new JobsClient(options),
    executions: new ExecutionsClient(options),
    tasks: new TasksClient(options),
  }));
}

export function alertingClients(target: GcpTarget = config().gcp): AlertingClients {
  return once("alerting", target, (options) => ({
    policies: new AlertPolicyServiceClient(options),
    channels: new NotificationChannelServiceClient(options),
    uptime: new UptimeCheckServiceClient(options),
    slos: new ServiceMonitoringServiceClient(options),
    metrics: observabilityClients(target).metrics,
    snoozes: new SnoozeServiceClient(options),
  }));
}
