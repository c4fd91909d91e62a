// The five Cloud Monitoring v3 alerting services, loaded from the protos that
// @google-cloud/monitoring ships (no copies), with the emulator's loader options.
import { createRequire } from "node:module";
import path from "node:path";
import type * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { INCLUDE_DIRS, LOADER_OPTIONS } from "../../../grpc/protos";

const require = createRequire(import.meta.url);
const monitoringProtos = path.join(path.dirname(require.resolve("@google-cloud/monitoring")), "..", "protos");

export type AlertingProtos = Record<
  "alertPolicies" | "channels" | "uptime" | "serviceMonitoring" | "snoozes",
  grpc.ServiceDefinition
>;

export function loadAlertingProtos(): AlertingProtos {
  const files = ["alert_service", "notification_service", "uptime_service", "service_service", "snooze_service"].map(
    (f) => `google/monitoring/v3/${f}.proto`,
  );
  const def = protoLoader.loadSync(files, { ...LOADER_OPTIONS, includeDirs: [monitoringProtos, ...INCLUDE_DIRS] });
  const svc = (n: string) => def[`google.monitoring.v3.${n}`] as grpc.ServiceDefinition;
  return {
    alertPolicies: svc("AlertPolicyService"),
    channels: svc("NotificationChannelService"),
    uptime: svc("UptimeCheckService"),
    serviceMonitoring: svc("ServiceMonitoringService"),
    snoozes: svc("SnoozeService"),
  };
}
