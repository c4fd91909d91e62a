export {
  listFleet,
  listFleetFirst,
  getService,
  invalidateFleet,
  type Fleet,
  type LocationFailure,
  type ServiceDetail,
} from "./read";
export { deployDefinition, deployTemplate } from "./deploy";
export {
  shiftTrafficDefinition,
  sendAllToLatestDefinition,
  rollbackDefinition,
  previousServingRevision,
} from "./traffic";
export { listLocations, ensureLocations, bootstrapLocations, type Location } from "./locations";
export { parseServiceName, serviceName, servicePath, shortName, type ServiceRef } from "./names";
export { isAllToLatest, type ServiceView, type RevisionView, type TrafficEntry, type EnvVar } from "./model";
export {
  DeployInput,
  DeployFields,
  deployChecks,
  ServiceRefInput,
  ShiftTrafficInput,
  RollbackInput,
  SendAllToLatestInput,
  tag as TagInput,
} from "./schemas";
export { TAG } from "./names";
export { toServiceView, toRevisionView } from "./model";
export { portalDeps, type ServiceDeps } from "./deps";
export { updateLocationsDefinition, UpdateLocationsInput, locationCoverage } from "./update-locations";
export { locationKey, locationLines, removedLocations, type LocationCoverage } from "./location-lines";
export { serviceFollowers } from "./follow";
export * from "./write";
