// The Cloud Run write path: every create, update and delete of a service is
// sent by send.ts; traffic, templates and revision readiness are built and
// read with the pure helpers beside it.
export { readForWrite, sendServiceWrite, ServiceChanged, snapshot, type SentWrite, type ServiceWrite } from "./send";
export {
  describeTraffic,
  isLatest,
  keptTags,
  LATEST,
  pinned,
  REVISION,
  sameTraffic,
  servingShares,
  stampTraffic,
  toTargets,
  underTagOnly,
  type Share,
  type Target,
} from "./targets";
export { deriveTemplate, nextRevisionName, templateOfRevision, type TemplateChange } from "./template";
export { readyCondition, revisionReadiness, type Readiness } from "./readiness";
