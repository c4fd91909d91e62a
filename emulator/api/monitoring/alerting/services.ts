// google.monitoring.v3.ServiceMonitoringService: services (custom, Cloud Run,
// or a basic CLOUD_RUN service) and their service level objectives with
// request-based SLIs (good/total ratio, distribution cut, or a basic
// availability / latency SLI), a goal and a rolling or calendar period.
// ListTimeSeries reads their numbers (slo-series.ts).
import { alreadyExists, invalid, notFound } from "../../../grpc/errors";
import type { Handler } from "../../../grpc/server";
import { parseMetricFilter } from "../filter";
import {
  applyMask,
  checkUserLabels,
  isSet,
  page,
  parseListFilter,
  projectParent,
  randomId,
  seconds,
  type Json,
} from "./common";
import type { AlertingStore } from "./store";

const SERVICE_WRITABLE = [
  "displayName",
  "custom",
  "cloudRun",
  "basicService",
  "userLabels",
  "appEngine",
  "cloudEndpoints",
  "clusterIstio",
  "meshIstio",
  "istioCanonicalService",
  "gkeNamespace",
  "gkeWorkload",
  "gkeService",
];
const SLO_WRITABLE = ["displayName", "serviceLevelIndicator", "goal", "rollingPeriod", "calendarPeriod", "userLabels"];
// Google: service ids match `[a-z0-9\-]+`, SLO ids `^[a-zA-Z0-9-_:.]+$`.
const SERVICE_ID = /^[a-z0-9-]{1,63}$/;
const SLO_ID = /^[a-zA-Z0-9\-_:.]{1,63}$/;

function serviceName(v: unknown, field = "name") {
  const m = /^projects\/([^/]+)\/services\/([^/]+)$/.exec(String(v ?? ""));
  if (!m)
    throw invalid(
      `Field ${field} had an invalid value of "${v ?? ""}": expected projects/{project}/services/{service}`,
    );
  return { project: m[1], id: m[2] };
}

function checkService(s: Json): Json {
  const kinds = SERVICE_WRITABLE.filter((k) => !["displayName", "userLabels", "basicService"].includes(k) && s[k]);
  if (kinds.length > 1)
    throw invalid("Field service had an invalid value: at most one identifier (custom, cloud_run, …) may be set");
  const other = kinds.find((k) => k !== "custom" && k !== "cloudRun");
  if (other)
    throw invalid(
      `Field service.${other.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)} is not supported by the emulator: use custom, cloud_run or a CLOUD_RUN basic_service`,
    );
  const cr = s.cloudRun as Json | undefined;
  if (cr && (!isSet(cr.serviceName) || !isSet(cr.location)))
    throw invalid("Field service.cloud_run had an invalid value: service_name and location are required");
  const basic = s.basicService as Json | undefined;
  if (basic) {
    if (basic.serviceType !== "CLOUD_RUN")
      throw invalid(
        `Field service.basic_service.service_type had an invalid value of "${basic.serviceType ?? ""}": the emulator serves CLOUD_RUN`,
      );
    const l = (basic.serviceLabels ?? {}) as Record<string, string>;
    if (!l.service_name || !l.location)
      throw invalid(
        "Field service.basic_service.service_labels had an invalid value: service_name and location are required",
      );
  }
  checkUserLabels(s.userLabels, "service.user_labels");
  // A Cloud Run service is also described as a basic service, and the other way round, as Google does.
  const runLabels = cr
    ? { service_name: String(cr.serviceName), location: String(cr.location) }
    : (basic?.serviceLabels as Record<string, string> | undefined);
  return {
    ...s,
    userLabels: s.userLabels ?? {},
    ...(runLabels
      ? {
          cloudRun: { serviceName: runLabels.service_name, location: runLabels.location },
          basicService: { serviceType: "CLOUD_RUN", serviceLabels: runLabels },
        }
      : {}),
  };
}

function checkFilter(v: unknown, field: string) {
  if (!isSet(v)) return;
  try {
    parseMetricFilter(String(v));
  } catch (err) {
    throw invalid(`Field ${field} had an invalid value of "${v}": ${(err as Error).message}`);
  }
}

function checkSlo(o: Json, service: Json): void {
  const goal = Number(o.goal ?? 0);
  if (!(goal > 0 && goal <= 0.9999))
    throw invalid(
      `Field service_level_objective.goal had an invalid value of "${o.goal ?? 0}": must be greater than 0 and at most 0.9999`,
    );
  if (!!o.rollingPeriod === !!o.calendarPeriod)
    throw invalid(
      "Field service_level_objective.period had an invalid value: exactly one of rolling_period or calendar_period is required",
    );
  if (o.rollingPeriod) {
    const s = seconds(o.rollingPeriod, "service_level_objective.rolling_period")!;
    if (s % 86400 !== 0 || s < 86400 || s > 30 * 86400)
      throw invalid(
        `Field service_level_objective.rolling_period had an invalid value of "${s}s": whole days between 1 and 30`,
      );
  } else if (!["DAY", "WEEK", "FORTNIGHT", "MONTH"].includes(String(o.calendarPeriod))) {
    throw invalid(
      `Field service_level_objective.calendar_period had an invalid value of "${o.calendarPeriod}": DAY, WEEK, FORTNIGHT or MONTH`,
    );
  }
  const sli = (o.serviceLevelIndicator ?? {}) as Json;
  if (sli.windowsBased)
    throw invalid(
      "Field service_level_objective.service_level_indicator.windows_based is not supported by the emulator: use request_based or basic_sli",
    );
  if (sli.requestBased) {
    const rb = sli.requestBased as Json;
    const f = "service_level_objective.service_level_indicator.request_based";
    if (rb.goodTotalRatio) {
      const r = rb.goodTotalRatio as Json;
      const given = ["goodServiceFilter", "badServiceFilter", "totalServiceFilter"].filter((k) => isSet(r[k]));
      if (given.length !== 2)
        throw invalid(
          `Field ${f}.good_total_ratio had an invalid value: exactly two of good_service_filter, bad_service_filter and total_service_filter are required`,
        );
      for (const k of given) checkFilter(r[k], `${f}.good_total_ratio.${k}`);
    } else if (rb.distributionCut) {
      const d = rb.distributionCut as Json;
      if (!isSet(d.distributionFilter))
        throw invalid(`Field ${f}.distribution_cut.distribution_filter had an invalid value: required`);
      checkFilter(d.distributionFilter, `${f}.distribution_cut.distribution_filter`);
      const range = (d.range ?? {}) as Json;
      if (Number(range.max ?? Infinity) <= Number(range.min ?? -Infinity))
        throw invalid(`Field ${f}.distribution_cut.range had an invalid value: max must be greater than min`);
    } else throw invalid(`Field ${f} had an invalid value: good_total_ratio or distribution_cut is required`);
  } else if (sli.basicSli) {
    const b = sli.basicSli as Json;
    if (!service.cloudRun)
      throw invalid(
        "Field service_level_objective.service_level_indicator.basic_sli had an invalid value: a basic SLI needs a Cloud Run service",
      );
    if (!b.availability && !b.latency)
      throw invalid(
        "Field service_level_objective.service_level_indicator.basic_sli had an invalid value: availability or latency is required",
      );
    if (b.latency && !(seconds((b.latency as Json).threshold, "basic_sli.latency.threshold")! > 0))
      throw invalid(
        "Field service_level_objective.service_level_indicator.basic_sli.latency.threshold had an invalid value: must be positive",
      );
  } else
    throw invalid(
      "Field service_level_objective.service_level_indicator had an invalid value: request_based or basic_sli is required",
    );
  checkUserLabels(o.userLabels, "service_level_objective.user_labels");
}

export function serviceMonitoringHandlers(store: AlertingStore): Record<string, Handler> {
  const findService = async (name: unknown) => {
    serviceName(name);
    const s = await store.get("service", String(name));
    if (!s) throw notFound(`Requested entity was not found: service ${name}`);
    return s;
  };
  const sloName = (v: unknown) => {
    const m = /^(projects\/[^/]+\/services\/[^/]+)\/serviceLevelObjectives\/([^/]+)$/.exec(String(v ?? ""));
    if (!m)
      throw invalid(
        `Field name had an invalid value of "${v ?? ""}": expected projects/{project}/services/{service}/serviceLevelObjectives/{slo}`,
      );
    return { service: m[1], id: m[2] };
  };
  const findSlo = async (name: unknown) => {
    sloName(name);
    const o = await store.get("slo", String(name));
    if (!o) throw notFound(`Requested entity was not found: service level objective ${name}`);
    return o;
  };
  return {
    CreateService: async (req: Json) => {
      const project = projectParent(req.parent, "parent");
      const id = isSet(req.serviceId) ? String(req.serviceId) : randomId();
      if (!SERVICE_ID.test(id))
        throw invalid(
          `Field service_id had an invalid value of "${id}": lowercase letters, digits and -, at most 63 (Google: [a-z0-9\\-]+)`,
        );
      const service = {
        ...checkService(pick((req.service ?? {}) as Json, SERVICE_WRITABLE)),
        name: `projects/${project}/services/${id}`,
      };
      if (!(await store.insert("service", `projects/${project}`, service)))
        throw alreadyExists(`Service ${service.name} already exists`);
      return service;
    },
    GetService: async (req: Json) => findService(req.name),
    ListServices: async (req: Json) => {
      const project = projectParent(req.parent, "parent");
      const keep = parseListFilter(String(req.filter ?? ""));
      const { items, nextPageToken } = page((await store.list("service", `projects/${project}`)).filter(keep), req);
      return { services: items, nextPageToken };
    },
    UpdateService: async (req: Json) => {
      const input = (req.service ?? {}) as Json;
      const current = await findService(input.name);
      const merged = applyMask(current, pick(input, SERVICE_WRITABLE), req.updateMask, SERVICE_WRITABLE, "Service");
      const service = { ...checkService(pick(merged, SERVICE_WRITABLE)), name: current.name };
      await store.replace("service", service);
      return service;
    },
    DeleteService: async (req: Json) => {
      await findService(req.name);
      await store.delete("service", String(req.name));
      await store.deleteUnder("slo", String(req.name));
      return {};
    },
    CreateServiceLevelObjective: async (req: Json) => {
      const service = await findService(req.parent);
      // Google: without an id, "the provided `name` will be respected if no ServiceLevelObjective exists with this name".
      const given = String(((req.serviceLevelObjective ?? {}) as Json).name ?? "");
      const named = given.startsWith(`${service.name}/serviceLevelObjectives/`)
        ? given.slice(`${service.name}/serviceLevelObjectives/`.length)
        : "";
      const free = named && !(await store.get("slo", given));
      const id = isSet(req.serviceLevelObjectiveId) ? String(req.serviceLevelObjectiveId) : free ? named : randomId();
      if (!SLO_ID.test(id))
        throw invalid(
          `Field service_level_objective_id had an invalid value of "${id}": letters, digits, -, _, : and ., at most 63 (Google: ^[a-zA-Z0-9-_:.]+$)`,
        );
      const input = pick((req.serviceLevelObjective ?? {}) as Json, SLO_WRITABLE);
      checkSlo(input, service);
      const slo = {
        ...input,
        userLabels: input.userLabels ?? {},
        name: `${service.name}/serviceLevelObjectives/${id}`,
      };
      if (!(await store.insert("slo", String(service.name), slo)))
        throw alreadyExists(`Service level objective ${slo.name} already exists`);
      return slo;
    },
    GetServiceLevelObjective: async (req: Json) => findSlo(req.name),
    ListServiceLevelObjectives: async (req: Json) => {
      await findService(req.parent);
      const keep = parseListFilter(String(req.filter ?? ""));
      const { items, nextPageToken } = page((await store.list("slo", String(req.parent))).filter(keep), req);
      return { serviceLevelObjectives: items, nextPageToken };
    },
    UpdateServiceLevelObjective: async (req: Json) => {
      const input = (req.serviceLevelObjective ?? {}) as Json;
      const current = await findSlo(input.name);
      const service = await findService(sloName(input.name).service);
      const merged = pick(
        applyMask(current, pick(input, SLO_WRITABLE), req.updateMask, SLO_WRITABLE, "ServiceLevelObjective"),
        SLO_WRITABLE,
      );
      // The period is a oneof: setting one clears the other.
      if (input.rollingPeriod && merged.calendarPeriod) delete merged.calendarPeriod;
      if (input.calendarPeriod && merged.rollingPeriod) delete merged.rollingPeriod;
      checkSlo(merged, service);
      const slo = { ...merged, name: current.name };
      await store.replace("slo", slo);
      return slo;
    },
    DeleteServiceLevelObjective: async (req: Json) => {
      await findSlo(req.name);
      await store.delete("slo", String(req.name));
      return {};
    },
  };
}

const pick = (o: Json, fields: string[]): Json =>
  Object.fromEntries(fields.filter((k) => o[k] !== undefined && o[k] !== null).map((k) => [k, o[k]]));
