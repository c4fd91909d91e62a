export { LogQuery, buildLogFilter, SEVERITIES, RANGES } from "./log-query";
export { listLogs, tailLogs, type LogPage } from "./logs";
export type { LogLine } from "./log-entries";
export { fleetHealth, recentFleetHealth, THRESHOLDS, type FleetHealth, type ServiceHealth } from "./fleet-health";
