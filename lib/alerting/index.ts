// Alerting (issue #12): alert policies from templates, notification channels,
// the incident intake, incidents, and (in slo.ts and uptime.ts) SLOs and
// uptime checks — all through Cloud Monitoring's own APIs.
export {
  receiveIncident,
  storeIncident,
  hashToken,
  IncidentNotification,
  MAX_BODY_BYTES,
  INTAKE_RATE_LIMIT,
  TOKEN_PARAM,
  type IntakeResult,
} from "./intake";
export {
  listChannels,
  createRunwayWebhook,
  createEmailChannelDefinition,
  createWebhookChannelDefinition,
  deleteChannelDefinition,
  alertingDeps,
  RUNWAY_WEBHOOK_NAME,
  type AlertingDeps,
  type ChannelView,
} from "./channels";
export {
  servicePolicies,
  projectPolicies,
  watchingPolicies,
  policyView,
  createPolicyDefinition,
  updatePolicyDefinition,
  setPolicyEnabledDefinition,
  deletePolicyDefinition,
  type PolicyView,
  type Related,
} from "./policies";
export {
  listIncidents,
  IncidentQuery,
  openIncidentCounts,
  incidentKey,
  acknowledgeIncidentDefinition,
  dashboardHref,
  type IncidentView,
  type IncidentFilter,
} from "./incidents";
export { describePolicy, describeCondition, policyWatches, watchedServices } from "./describe";
export { TEMPLATES, TEMPLATE_KINDS, buildPolicy, templateOf, type TemplateKind, type TemplateInfo } from "./templates";
export { serviceAlerting, type ServiceAlerting } from "./service-alerting";
export { fleetAlerts, type FleetAlerts } from "./fleet-alerts";
export {
  serviceUptimeChecks,
  createUptimeCheckDefinition,
  deleteUptimeCheckDefinition,
  UPTIME_REGIONS,
  UPTIME_PERIODS,
  type UptimeCheckView,
  type UptimeResult,
} from "./uptime";
export { serviceSlos, createSloDefinition, deleteSloDefinition, buildSlo, type SloView } from "./slo";
export { connectSeededPolicies } from "./local-setup";
