// google.monitoring.v3.UptimeCheckService: HTTP and TCP uptime checks of an
// `uptime_url` (host) or a Cloud Run service (`cloud_run_revision` with
// service_name and location), with Google's periods (1, 5, 10, 15 min),
// timeouts (1–60 s) and regions (at least 3 when chosen). The prober
// (prober.ts) runs them; ListUptimeCheckIps names the emulator's checkers.
import { randomBytes } from "node:crypto";
import { RE2JS } from "re2js";
import { failedPrecondition, invalid, notFound } from "../../../grpc/errors";
import type { Handler } from "../../../grpc/server";
import {
  applyMask,
  checkUserLabels,
  childName,
  isSet,
  page,
  parseListFilter,
  projectParent,
  seconds,
  type Json,
} from "./common";
import type { AlertingStore } from "./store";

const WRITABLE = [
  "displayName",
  "monitoredResource",
  "resourceGroup",
  "syntheticMonitor",
  "httpCheck",
  "tcpCheck",
  "period",
  "timeout",
  "contentMatchers",
  "checkerType",
  "selectedRegions",
  "userLabels",
];
const PERIODS = [60, 300, 600, 900];

/** Checker locations per region, as `checker_location` labels the uptime metrics. */
export const REGION_LOCATIONS: Record<string, string[]> = {
  USA: ["usa-iowa", "usa-oregon", "usa-virginia"],
  USA_IOWA: ["usa-iowa"],
  USA_OREGON: ["usa-oregon"],
  USA_VIRGINIA: ["usa-virginia"],
  EUROPE: ["eur-belgium"],
  SOUTH_AMERICA: ["sa-brazil-sao_paulo"],
  ASIA_PACIFIC: ["apac-singapore"],
};
const ALL_REGIONS = ["USA", "EUROPE", "SOUTH_AMERICA", "ASIA_PACIFIC"];

/** The checker locations a check runs from (all regions when none are chosen). */
export const checkerLocations = (c: Json) => [
  ...new Set(
    (((c.selectedRegions as string[]) ?? []).length ? (c.selectedRegions as string[]) : ALL_REGIONS).flatMap(
      (r) => REGION_LOCATIONS[r] ?? [],
    ),
  ),
];

function checkConfig(c: Json, project: string): Json {
  if (!isSet(c.displayName))
    throw invalid("Field uptime_check_config.display_name had an invalid value: a display name is required");
  if (c.resourceGroup || c.syntheticMonitor)
    throw invalid(
      "Field uptime_check_config.resource is not supported by the emulator: use monitored_resource (uptime_url or cloud_run_revision)",
    );
  const r = c.monitoredResource as Json | undefined;
  if (!r)
    throw invalid(
      "Field uptime_check_config.monitored_resource had an invalid value: a monitored resource is required",
    );
  const labels = { ...((r.labels ?? {}) as Record<string, string>) };
  labels.project_id ||= project;
  if (r.type === "uptime_url") {
    if (!labels.host)
      throw invalid(
        "Field uptime_check_config.monitored_resource.labels had an invalid value: uptime_url needs a host",
      );
  } else if (r.type === "cloud_run_revision") {
    if (!labels.service_name || !labels.location)
      throw invalid(
        "Field uptime_check_config.monitored_resource.labels had an invalid value: cloud_run_revision needs service_name and location",
      );
  } else
    throw invalid(
      `Field uptime_check_config.monitored_resource.type had an invalid value of "${r.type ?? ""}": the emulator checks uptime_url and cloud_run_revision resources`,
    );
  if (!!c.httpCheck === !!c.tcpCheck)
    throw invalid("Field uptime_check_config had an invalid value: exactly one of http_check or tcp_check is required");
  const http = c.httpCheck as Json | undefined;
  if (http) {
    if (http.useSsl)
      throw invalid(
        "Field uptime_check_config.http_check.use_ssl is not supported by the emulator: services answer plain HTTP here",
      );
    const path = String(http.path ?? "/");
    if (!path.startsWith("/"))
      throw invalid(`Field uptime_check_config.http_check.path had an invalid value of "${path}": must start with "/"`);
    http.path = path;
    if (http.pingConfig)
      throw invalid("Field uptime_check_config.http_check.ping_config is not supported by the emulator");
    if (http.serviceAgentAuthentication)
      throw invalid(
        "Field uptime_check_config.http_check.service_agent_authentication is not supported by the emulator",
      );
  }
  if (c.tcpCheck && !Number((c.tcpCheck as Json).port))
    throw invalid("Field uptime_check_config.tcp_check.port had an invalid value: a port is required");
  const period = seconds(c.period, "uptime_check_config.period") ?? 60;
  if (!PERIODS.includes(period))
    throw invalid(
      `Field uptime_check_config.period had an invalid value of "${period}s": must be 60s, 300s, 600s or 900s`,
    );
  const timeout = seconds(c.timeout, "uptime_check_config.timeout") ?? 10;
  if (timeout < 1 || timeout > 60)
    throw invalid(
      `Field uptime_check_config.timeout had an invalid value of "${timeout}s": must be between 1 and 60 seconds`,
    );
  const regions = (c.selectedRegions as string[] | undefined) ?? [];
  for (const reg of regions)
    if (!REGION_LOCATIONS[reg])
      throw invalid(`Field uptime_check_config.selected_regions had an invalid value of "${reg}"`);
  if (regions.length && regions.length < 3)
    throw invalid(
      "Field uptime_check_config.selected_regions had an invalid value: at least 3 regions must be selected",
    );
  for (const [i, m] of ((c.contentMatchers as Json[]) ?? []).entries()) {
    const opt = String(m.matcher ?? "CONTAINS_STRING");
    if (/JSON_PATH/.test(opt))
      throw invalid(
        `Field uptime_check_config.content_matchers[${i}].matcher: ${opt} is not supported by the emulator`,
      );
    if (/REGEX/.test(opt)) {
      try {
        RE2JS.compile(String(m.content ?? ""));
      } catch (err) {
        throw invalid(
          `Field uptime_check_config.content_matchers[${i}].content had an invalid value: ${(err as Error).message}`,
        );
      }
    }
  }
  if (((c.contentMatchers as Json[]) ?? []).length > 1)
    throw invalid("Field uptime_check_config.content_matchers had an invalid value: at most one content matcher");
  checkUserLabels(c.userLabels, "uptime_check_config.user_labels");
  return {
    ...c,
    monitoredResource: { type: r.type, labels },
    period: { seconds: String(period), nanos: 0 },
    timeout: { seconds: String(timeout), nanos: 0 },
    checkerType: c.checkerType ?? "STATIC_IP_CHECKERS",
    userLabels: c.userLabels ?? {},
  };
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 40) || "uptime-check";

export function uptimeHandlers(store: AlertingStore, onChange: (name: string) => void): Record<string, Handler> {
  const find = async (name: unknown) => {
    childName(name, "uptimeCheckConfigs");
    const c = await store.get("uptimeCheck", String(name));
    if (!c) throw notFound(`Requested entity was not found: uptime check ${name}`);
    return c;
  };
  return {
    CreateUptimeCheckConfig: async (req: Json) => {
      const project = projectParent(req.parent, "parent");
      const input = pick((req.uptimeCheckConfig ?? {}) as Json);
      const config = {
        ...checkConfig(input, project),
        name: `projects/${project}/uptimeCheckConfigs/${slug(String(input.displayName ?? ""))}-${randomBytes(4).toString("hex")}`,
      };
      await store.insert("uptimeCheck", `projects/${project}`, config);
      onChange(config.name);
      return config;
    },
    GetUptimeCheckConfig: async (req: Json) => find(req.name),
    ListUptimeCheckConfigs: async (req: Json) => {
      const project = projectParent(req.parent, "parent");
      const keep = parseListFilter(String(req.filter ?? ""));
      const { items, nextPageToken, totalSize } = page(
        (await store.list("uptimeCheck", `projects/${project}`)).filter(keep),
        req,
        true,
      );
      return { uptimeCheckConfigs: items, nextPageToken, totalSize };
    },
    UpdateUptimeCheckConfig: async (req: Json) => {
      const input = (req.uptimeCheckConfig ?? {}) as Json;
      const current = await find(input.name);
      const { project } = childName(input.name, "uptimeCheckConfigs", "uptime_check_config.name");
      const merged = applyMask(current, pick(input), req.updateMask, WRITABLE, "UptimeCheckConfig");
      const changedResource = JSON.stringify(merged.monitoredResource) !== JSON.stringify(current.monitoredResource);
      if (changedResource)
        throw invalid("Field uptime_check_config.monitored_resource cannot be changed; create a new check");
      const config = { ...checkConfig(pick(merged), project), name: current.name };
      await store.replace("uptimeCheck", config);
      onChange(String(config.name));
      return config;
    },
    DeleteUptimeCheckConfig: async (req: Json) => {
      await find(req.name);
      // Google: the call fails while an alert policy refers to the check (by its check_id in a condition's filter).
      const { id, parent } = childName(req.name, "uptimeCheckConfigs");
      const users = (await store.list("alertPolicy", parent)).filter((p) => refersToCheck(p, id));
      if (users.length)
        throw failedPrecondition(
          `Uptime check ${req.name} is referenced by alert policies (${users.map((p) => p.name).join(", ")}); delete them or remove the check from their conditions first`,
        );
      await store.delete("uptimeCheck", String(req.name));
      onChange(String(req.name));
      return {};
    },
    ListUptimeCheckIps: async (req: Json) => {
      const ips = Object.entries(REGION_LOCATIONS)
        .filter(([r]) => ALL_REGIONS.includes(r))
        .flatMap(([region, locs]) => locs.map((location) => ({ region, location, ipAddress: "127.0.0.1" })));
      const { items, nextPageToken } = page(ips, req, true);
      return { uptimeCheckIps: items, nextPageToken };
    },
  };
}

/** Does a policy's condition filter name this uptime check (`metric.labels.check_id = "id"`)? */
function refersToCheck(policy: Json, id: string): boolean {
  const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const re = new RegExp(`check_id\\s*=\\s*"?${escaped}"?(?![\\w-])`);
  return ((policy.conditions as Json[]) ?? []).some((c) =>
    Object.values(c).some((v) => {
      const spec = v as Json | undefined;
      return (
        !!spec &&
        typeof spec === "object" &&
        [spec.filter, spec.denominatorFilter].some((f) => typeof f === "string" && re.test(f))
      );
    }),
  );
}

const pick = (c: Json): Json => Object.fromEntries(WRITABLE.filter((k) => c[k] !== undefined).map((k) => [k, c[k]]));
