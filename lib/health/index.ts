export { checkHealth, type HealthReport, type CheckResult } from "./check";
