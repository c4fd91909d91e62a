// The only module that knows whether Google Cloud or the local emulator is on
// the other end. Clients are built once per process from the validated config;
// after construction both paths are the same code.
import { v2 as logging } from "@google-cloud/logging";
import { MetricServiceClient } from "@google-cloud/monitoring";
import { RevisionsClient, ServicesClient } from "@google-cloud/run";
import { grpc } from "google-gax";
import { config } from "../config";

export type GcpTarget = { emulatorHost: string | null };

export type RunClients = { services: ServicesClient; revisions: RevisionsClient };
export type ObservabilityClients = { logging: InstanceType<typeof logging.LoggingServiceV2Client>; metrics: MetricServiceClient };

function clientOptions(target: GcpTarget) {
  if (!target.emulatorHost) return {};
  const [host, port] = target.emulatorHost.split(":");
  // Insecure gRPC on loopback; an explicit projectId keeps the auth library
  // from probing the GCE metadata server.
  return { apiEndpoint: host, port: Number(port), sslCreds: grpc.credentials.createInsecure(), projectId: "runway-emulator" };
}

const cache = new Map<string, RunClients>();

export function runClients(target: GcpTarget = config().gcp): RunClients {
  const key = target.emulatorHost ?? "google";
  let clients = cache.get(key);
  if (!clients) {
    const options = clientOptions(target);
    clients = { services: new ServicesClient(options), revisions: new RevisionsClient(options) };
    cache.set(key, clients);
  }
  return clients;
}

const observabilityCache = new Map<string, ObservabilityClients>();

export function observabilityClients(target: GcpTarget = config().gcp): ObservabilityClients {
  const key = target.emulatorHost ?? "google";
  let clients = observabilityCache.get(key);
  if (!clients) {
    const options = clientOptions(target);
    clients = { logging: new logging.LoggingServiceV2Client(options), metrics: new MetricServiceClient(options) };
    observabilityCache.set(key, clients);
  }
  return clients;
}
