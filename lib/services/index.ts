export { listFleet, getService, invalidateFleet, type Fleet, type ServiceDetail } from "./read";
export { deployDefinition, nextRevisionName } from "./deploy";
export { shiftTrafficDefinition, sendAllToLatestDefinition, rollbackDefinition, previousServingRevision } from "./traffic";
export { listLocations, ensureLocations, bootstrapLocations, type Location } from "./locations";
export { parseServiceName, serviceName, servicePath, shortName, type ServiceRef } from "./names";
export { isAllToLatest, type ServiceView, type RevisionView, type TrafficEntry, type EnvVar } from "./model";
export { DeployInput, ShiftTrafficInput, RollbackInput, SendAllToLatestInput, TAG } from "./schemas";
export { portalDeps, type ServiceDeps } from "./deps";
export { updateLocationsDefinition, UpdateLocationsInput } from "./update-locations";
