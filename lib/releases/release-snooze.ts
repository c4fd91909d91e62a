// A canary release may snooze its service's alert notifications (plan.snoozeAlerts,
// issue 12): ONE Cloud Monitoring Snooze of the policies that watch the service,
// from the release's first look until the plan's longest possible duration, ended
// early (UpdateSnooze, end time now) when the release ends. Google names a snooze
// itself, so the intent ("creating", with a display name carrying the release's
// id) is written to the release row before CreateSnooze: a follower that died
// after creating it finds it again by that name, and none is made twice. A
// Google error never blocks the release; the decision log says what failed.
import type { protos } from "@google-cloud/monitoring";
import { watchingPolicies } from "../alerting/policies";
import type { Db } from "../db";
import type { AlertingClients } from "../gcp/clients";
import { upstreamError } from "../gcp/errors";
import { log } from "../log";
import { parseServiceName } from "../services/names";
import { MAX_SNOOZE_POLICIES, snoozeSeconds } from "./plan";
import { moveRelease, type ReleaseRow, type ReleaseSnooze } from "./store";

type Snooze = protos.google.monitoring.v3.ISnooze;
const CALL = { timeout: 15_000 };
const ts = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
const ms = (t: protos.google.protobuf.ITimestamp | null | undefined) =>
  Number(t?.seconds ?? 0) * 1000 + Math.floor(Number(t?.nanos ?? 0) / 1e6);
const clock = (iso: string) => `${iso.slice(11, 16)} UTC`;

/** Names the release, so that a restarted follower recognises its own snooze. */
export const snoozeDisplayName = (r: Pick<ReleaseRow, "canary" | "operationId">) =>
  `Runway's release of ${r.canary} (release ${r.operationId})`;

/** Whether this look should make (or finish making) the release's snooze. */
export const wantsSnooze = (r: ReleaseRow) => r.plan.snoozeAlerts && (!r.snooze || r.snooze.state === "creating");

/** The release's snooze that has not ended, found by its display name. */
async function findOwn(
  clients: AlertingClients,
  project: string,
  displayName: string,
  now: Date,
): Promise<Snooze | undefined> {
  const [snoozes] = await clients.snoozes.listSnoozes(
    { parent: `projects/${project}`, filter: `interval.end_time > "${now.toISOString()}"` },
    CALL,
  );
  return snoozes.find((s) => s.displayName === displayName);
}

const failure = (err: unknown, what: string) => upstreamError(err, "Cloud Monitoring", what).message;
const notSnoozed = (error: string) =>
  `Snoozing the alerts failed (${error}); the release goes on and alerts notify as usual.`;

/**
 * Makes the release's snooze, or adopts the one a follower made before it
 * died; returns the moved row, or null when someone else moved it first.
 */
export async function snoozeForRelease(
  db: Db,
  clients: AlertingClients,
  r: ReleaseRow,
  now: Date,
): Promise<ReleaseRow | null> {
  const ref = parseServiceName(r.service)!;
  let row: ReleaseRow | null = r;
  if (!r.snooze) {
    let policies: protos.google.monitoring.v3.IAlertPolicy[];
    try {
      policies = await watchingPolicies(ref, clients);
    } catch (err) {
      const error = failure(err, `reading the alert policies of ${ref.service}`);
      return moveRelease(db, r, { snooze: { state: "failed", error } }, [
        { kind: "decision", text: notSnoozed(error) },
      ]);
    }
    if (!policies.length)
      return moveRelease(db, r, { snooze: { state: "none" } }, [
        { kind: "decision", text: `No alert policy watches ${ref.service}: nothing to snooze.` },
      ]);
    // Enabled policies first: a disabled one notifies nobody anyway.
    const names = policies
      .sort(
        (a, b) =>
          Number(b.enabled?.value ?? true) - Number(a.enabled?.value ?? true) ||
          (a.name ?? "").localeCompare(b.name ?? ""),
      )
      .map((p) => p.name ?? "");
    const until = new Date(now.getTime() + snoozeSeconds(r.plan) * 1000).toISOString();
    const intent: ReleaseSnooze = {
      state: "creating",
      displayName: snoozeDisplayName(r),
      policies: names.slice(0, MAX_SNOOZE_POLICIES).sort(),
      left: names.slice(MAX_SNOOZE_POLICIES).sort(),
      until,
    };
    row = await moveRelease(db, r, { snooze: intent });
    if (!row) return null;
  }
  const s = row.snooze!;
  try {
    const own = await findOwn(clients, ref.project, s.displayName!, now);
    // It starts at the call (Google refuses a start in the past), still ending at the recorded time.
    const startMs = Date.now();
    const endMs = Math.max(Date.parse(s.until!), startMs + 60_000);
    const [snooze] = own
      ? [own]
      : await clients.snoozes.createSnooze(
          {
            parent: `projects/${ref.project}`,
            snooze: {
              displayName: s.displayName,
              criteria: { policies: s.policies },
              interval: { startTime: ts(startMs), endTime: ts(endMs) },
            },
          },
          CALL,
        );
    const until = new Date(ms(snooze.interval?.endTime)).toISOString();
    const left = s.left?.length
      ? ` ${s.left.length} more ${s.left.length === 1 ? "is" : "are"} not (a snooze holds at most ${MAX_SNOOZE_POLICIES}): ${s.left.join(", ")}.`
      : "";
    const text = `Alerts of ${ref.service} are snoozed until ${clock(until)} or the release's end: ${s.policies!.length} alert ${s.policies!.length === 1 ? "policy" : "policies"} (${snooze.name}).${left}`;
    return moveRelease(db, row, { snooze: { ...s, state: "active", name: snooze.name ?? "", until } }, [
      { kind: "decision", text },
    ]);
  } catch (err) {
    const error = failure(err, `snoozing the alerts of ${ref.service}`);
    log.warn("release snooze failed", { release: r.operationId, error });
    return moveRelease(db, row, { snooze: { ...s, state: "failed", error } }, [
      { kind: "decision", text: notSnoozed(error) },
    ]);
  }
}

/**
 * Ends the release's snooze now (its end time moved to now, which Google allows
 * while a snooze is active); one that already ended is left as it is. Returns
 * the row as recorded, or `r` when there is nothing to end.
 */
export async function endReleaseSnooze(
  db: Db,
  clients: AlertingClients,
  r: ReleaseRow,
  now: Date,
): Promise<ReleaseRow> {
  const s = r.snooze;
  if (!s || s.state === "ended" || s.state === "none" || !s.displayName || s.endedAt) return r;
  const ref = parseServiceName(r.service)!;
  try {
    // "creating" or "failed" after the intent: Google may hold one all the same.
    const name = s.name || (await findOwn(clients, ref.project, s.displayName, now))?.name;
    if (!name)
      return (
        (await moveRelease(db, r, {
          snooze: { ...s, state: s.state === "failed" ? "failed" : "none", endedAt: now.toISOString() },
        })) ?? r
      );
    const [current] = await clients.snoozes.getSnooze({ name }, CALL);
    let endMs = ms(current.interval?.endTime);
    if (endMs > now.getTime()) {
      // The end must follow the start: a release ended within the second it started keeps one second.
      endMs = Math.max(now.getTime(), ms(current.interval?.startTime) + 1000);
      await clients.snoozes.updateSnooze(
        { snooze: { name, interval: { endTime: ts(endMs) } }, updateMask: { paths: ["interval.end_time"] } },
        CALL,
      );
    }
    const endedAt = new Date(endMs).toISOString();
    return (
      (await moveRelease(db, r, { snooze: { ...s, state: "ended", name, endedAt } }, [
        {
          kind: "decision",
          text: `Alerts of ${ref.service} are no longer snoozed: the snooze ended with the release.`,
        },
      ])) ?? r
    );
  } catch (err) {
    const error = failure(err, `ending the snooze of ${ref.service}'s alerts`);
    log.warn("release snooze not ended", { release: r.operationId, error });
    return (
      (await moveRelease(db, r, { snooze: { ...s, error } }, [
        {
          kind: "decision",
          text: `Ending the snooze failed (${error}); it ends by itself at ${s.until ? clock(s.until) : "its end time"}.`,
        },
      ])) ?? r
    );
  }
}
