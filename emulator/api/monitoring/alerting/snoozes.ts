// google.monitoring.v3.SnoozeService: snoozes of up to 16 alert policies (one
// with a resource-label filter) over an interval. Snoozes are never deleted;
// which fields an update may change depends on whether the snooze has started
// or ended, as on Google. The evaluator asks `activeSnooze` before it notifies.
import { invalid, notFound } from "../../../grpc/errors";
import type { Handler } from "../../../grpc/server";
import { ts, tsMs } from "../time";
import { childName, isSet, numericId, page, parseListFilter, projectParent, type Json } from "./common";
import type { AlertingStore } from "./store";

const SKEW_MS = 15_000;

/** `resource.labels.K = "v"` terms joined by AND (the criteria filter Google accepts). */
export function parseSnoozeFilter(src: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!src.trim()) return out;
  for (const part of src.split(/\s+AND\s+/)) {
    const m = /^\s*resource\.labels\.([A-Za-z_][\w]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(part);
    if (!m)
      throw invalid(
        `Field snooze.criteria.filter had an invalid value of "${src}": resource.labels.KEY = "value" terms joined by AND are expected`,
      );
    out[m[1]] = JSON.parse(`"${m[2]}"`) as string;
  }
  return out;
}

async function checkCriteria(store: AlertingStore, project: string, c: Json | undefined): Promise<Json> {
  const policies = (c?.policies as string[]) ?? [];
  if (!policies.length)
    throw invalid("Field snooze.criteria.policies had an invalid value: at least one alert policy is required");
  if (policies.length > 16)
    throw invalid(`Field snooze.criteria.policies had an invalid value: at most 16 policies, got ${policies.length}`);
  for (const [i, p] of policies.entries()) {
    const { project: pp } = childName(p, "alertPolicies", `snooze.criteria.policies[${i}]`);
    if (pp !== project || !(await store.get("alertPolicy", p)))
      throw invalid(
        `Field snooze.criteria.policies[${i}] had an invalid value of "${p}": the alert policy does not exist in project ${project}`,
      );
  }
  if (isSet(c?.filter)) {
    if (policies.length !== 1)
      throw invalid("Field snooze.criteria.filter had an invalid value: a filter needs exactly one alert policy");
    parseSnoozeFilter(String(c!.filter));
  }
  return { policies, ...(isSet(c?.filter) ? { filter: c!.filter } : {}) };
}

function checkInterval(i: Json | undefined, now: number, startMayBePast: boolean): { startMs: number; endMs: number } {
  const endMs = tsMs(i?.endTime as Json);
  if (endMs === undefined)
    throw invalid("Field snooze.interval.end_time had an invalid value: an end time is required");
  const startMs = tsMs(i?.startTime as Json) ?? now;
  if (!startMayBePast && startMs < now - SKEW_MS)
    throw invalid("Field snooze.interval.start_time had an invalid value: the start time cannot be in the past");
  if (endMs <= startMs)
    throw invalid("Field snooze.interval had an invalid value: the end time must be after the start time");
  return { startMs, endMs };
}

export function snoozeHandlers(store: AlertingStore): Record<string, Handler> {
  const find = async (name: unknown) => {
    childName(name, "snoozes");
    const s = await store.get("snooze", String(name));
    if (!s) throw notFound(`Requested entity was not found: snooze ${name}`);
    return s;
  };
  // Timestamps as RFC 3339 for the list filter on interval.start_time / end_time.
  const filterView = (s: Json) => {
    const i = s.interval as Json;
    return {
      ...s,
      interval: {
        startTime: new Date(tsMs(i.startTime as Json)!).toISOString(),
        endTime: new Date(tsMs(i.endTime as Json)!).toISOString(),
      },
    };
  };
  return {
    CreateSnooze: async (req: Json) => {
      const project = projectParent(req.parent, "parent");
      const input = (req.snooze ?? {}) as Json;
      if (!isSet(input.displayName))
        throw invalid("Field snooze.display_name had an invalid value: a display name is required");
      if (String(input.displayName).length > 512)
        throw invalid("Field snooze.display_name had an invalid value: at most 512 characters");
      const criteria = await checkCriteria(store, project, input.criteria as Json);
      const { startMs, endMs } = checkInterval(input.interval as Json, Date.now(), false);
      const snooze = {
        name: `projects/${project}/snoozes/${numericId()}`,
        displayName: input.displayName,
        criteria,
        interval: { startTime: ts(startMs), endTime: ts(endMs) },
      };
      await store.insert("snooze", `projects/${project}`, snooze);
      return snooze;
    },
    GetSnooze: async (req: Json) => find(req.name),
    ListSnoozes: async (req: Json) => {
      const project = projectParent(req.parent, "parent");
      const src = String(req.filter ?? "");
      if (src.trim() && !/^\s*interval\.(start|end)_time\s*[<>=]/.test(src))
        throw invalid(`Invalid filter "${src}": only interval.start_time and interval.end_time can be filtered`);
      const keep = parseListFilter(src);
      const { items, nextPageToken } = page(
        (await store.list("snooze", `projects/${project}`)).filter((s) => keep(filterView(s))),
        req,
        true,
      );
      return { snoozes: items, nextPageToken };
    },
    UpdateSnooze: async (req: Json) => {
      const input = (req.snooze ?? {}) as Json;
      const current = await find(input.name);
      const paths = ((req.updateMask as { paths?: string[] } | undefined)?.paths ?? []).filter(Boolean);
      if (!paths.length) throw invalid("Field update_mask had an invalid value: the fields to update are required");
      const now = Date.now();
      const cur = current.interval as Json;
      const curStart = tsMs(cur.startTime as Json)!;
      const curEnd = tsMs(cur.endTime as Json)!;
      if (curEnd <= now) throw invalid("Field snooze had an invalid value: a snooze that has ended cannot be updated");
      const next = structuredClone(current);
      for (const p of paths) {
        if (p === "display_name") {
          if (!isSet(input.displayName))
            throw invalid("Field snooze.display_name had an invalid value: a display name is required");
          next.displayName = input.displayName;
        } else if (p === "interval.start_time") {
          if (curStart <= now)
            throw invalid(
              'Field update_mask had an invalid value of "interval.start_time": the snooze has started; only display_name and interval.end_time can change',
            );
          (next.interval as Json).startTime = (input.interval as Json | undefined)?.startTime;
        } else if (p === "interval.end_time") {
          (next.interval as Json).endTime = (input.interval as Json | undefined)?.endTime;
        } else
          throw invalid(
            `Field update_mask had an invalid value of "${p}": display_name, interval.start_time and interval.end_time can be updated`,
          );
      }
      // Ending a snooze now is how it is cancelled: the end may be now (not after it).
      const i = next.interval as Json;
      const endMs = tsMs(i.endTime as Json);
      if (endMs === undefined)
        throw invalid("Field snooze.interval.end_time had an invalid value: an end time is required");
      const startMs = tsMs(i.startTime as Json) ?? now;
      if (endMs < now - SKEW_MS || endMs <= startMs)
        throw invalid(
          "Field snooze.interval.end_time had an invalid value: it must be after the start time and not in the past",
        );
      await store.replace("snooze", next);
      return next;
    },
  };
}

/** The snooze that mutes a policy's notification about a resource at `atMs`, if any. */
export async function activeSnooze(
  store: AlertingStore,
  policy: string,
  resourceLabels: Record<string, string>,
  atMs: number,
): Promise<Json | undefined> {
  const project = childName(policy, "alertPolicies").parent;
  return (await store.list("snooze", project)).find((s) => {
    const c = s.criteria as Json;
    const i = s.interval as Json;
    if (!((c.policies as string[]) ?? []).includes(policy)) return false;
    if (!(tsMs(i.startTime as Json)! <= atMs && atMs < tsMs(i.endTime as Json)!)) return false;
    const want = parseSnoozeFilter(String(c.filter ?? ""));
    return Object.entries(want).every(([k, v]) => resourceLabels[k] === v);
  });
}
