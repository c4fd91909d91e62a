// Follows a canary release, one look at a time (the operations loop calls
// `pollRelease` every POLL_MS through the pg-boss job). Every decision is
// written to Postgres before Google is told, in one versioned update, so a
// restarted portal carries on from the row: a step decided is sent once (a
// resend is recognised from the service's own traffic), none is skipped.
// Three Google calls per check (GetService, two ListTimeSeries), whatever the traffic.
import type { protos } from "@google-cloud/run";
import type { Db } from "../db";
import type { AlertingClients, ObservabilityClients, RunClients } from "../gcp/clients";
import { upstreamError } from "../gcp/errors";
import { log } from "../log";
import {
  advance,
  fail,
  finishOperation,
  updateOperation,
  type Followers,
  type Looked,
  type OperationView,
} from "../operations";
import { parseServiceName, sendServiceWrite, ServiceChanged, shortName } from "../services";
import { dataUpTo, decideStep, judgeCheck, retryDelayMs } from "./analysis";
import { readWindow } from "./metrics";
import { endReleaseSnooze, snoozeForRelease, wantsSnooze } from "./release-snooze";
import {
  decisionTraffic,
  describeTraffic,
  sameTraffic,
  stableShares,
  stepTraffic,
  toTargets,
  type Target,
} from "./split";
import { stepKey } from "./steps";
import { ENDED, getRelease, moveRelease, type Pending, type ReleaseChange, type ReleaseRow } from "./store";

type Service = protos.google.cloud.run.v2.IService;
export const AREA = "releases";
const POLL_MS = 500;
/** The longest a waiting release goes unlooked at: a person's pause, resume or abort nudges it sooner. */
const IDLE_LOOK_MS = 5_000;

export type ReleaseDeps = {
  run: RunClients;
  observability: ObservabilityClients;
  /** Cloud Monitoring's alert policies and snoozes, for a plan that snoozes alerts during the release. */
  alerting: AlertingClients;
  /** How late Monitoring's data may be: 0 on the emulator, ~3 minutes on Google (analysis.ts dataUpTo). */
  monitoringLagMs: number;
  now?: () => Date;
};

async function end(db: Db, deps: ReleaseDeps, op: OperationView, ended: ReleaseRow): Promise<OperationView> {
  // The snooze first: a follower that dies here still finds the release ended and its snooze to end.
  const r = await endReleaseSnooze(db, deps.alerting, ended, deps.now?.() ?? new Date());
  const details = {
    canary: r.canary,
    outcome: r.state,
    note: r.note,
    snooze: r.snooze && {
      state: r.snooze.state,
      name: r.snooze.name,
      endedAt: r.snooze.endedAt,
      error: r.snooze.error,
    },
  };
  if (r.state === "promoted")
    return finishOperation(db, AREA, op, {
      status: "succeeded",
      steps: advance(op.steps, stepKey(r.plan.steps.length - 1)),
      details,
    });
  const error = r.note ?? `Release ${r.state}.`;
  return finishOperation(db, AREA, op, { status: "failed", error, steps: fail(op.steps, error), details });
}

/** A traffic change the release decided has been routed: the step starts, or the release ends. */
async function completePending(
  db: Db,
  deps: ReleaseDeps,
  op: OperationView,
  r: ReleaseRow,
  service: Service,
  now: Date,
): Promise<OperationView> {
  const p = r.pending!;
  const etag = service.etag ?? "";
  let change: ReleaseChange;
  if (p.purpose === "step") {
    change = {
      state: r.state === "paused" ? "paused" : "observing",
      pending: null,
      etag,
      stepStartedAt: now,
      failedInRow: 0,
      nextCheckAt: new Date(now.getTime() + r.plan.checkSeconds * 1000),
    };
  } else if (p.purpose === "promote") {
    change = { state: "promoted", pending: null, etag, note: `Promoted: ${r.canary} takes all traffic (${p.reason}).` };
  } else {
    change = {
      state: "aborted",
      pending: null,
      etag,
      note: `Aborted: ${p.reason}. Traffic is back as it was before the release; ${r.canary} keeps its tag ${r.canaryTag}.`,
    };
  }
  const text =
    p.purpose === "step"
      ? `Canary at ${r.plan.steps[r.stepIndex]} % (${p.reason}): ${describeTraffic(p.traffic)}.`
      : change.note!;
  const moved = await moveRelease(db, r, change, [{ kind: "decision", text }]);
  if (!moved) return op;
  if (ENDED.includes(moved.state)) return end(db, deps, op, moved);
  return r.stepIndex > 0 ? updateOperation(db, op.id, { steps: advance(op.steps, stepKey(r.stepIndex - 1)) }) : op;
}

/** Someone else changed the service: pause and say what; never overwrite it. */
async function pauseForOutsideChange(db: Db, r: ReleaseRow, service: Service, expected: Target[]): Promise<void> {
  const now = toTargets(service.traffic);
  const who = service.lastModifier ? ` by ${service.lastModifier}` : "";
  const what = !sameTraffic(now, expected)
    ? `traffic is now ${describeTraffic(now)}, where the release had ${describeTraffic(expected)}`
    : `its configuration changed (generation ${service.generation}) while the traffic stayed as the release left it`;
  const note = `Paused: ${shortName(r.service)} was changed outside the release${who}: ${what}. The release does not overwrite it: resume to carry on from the service as it is now, or abort.`;
  await moveRelease(db, r, { state: "paused", pending: null, note }, [{ kind: "decision", text: note }]);
  log.warn("release paused by an outside change", { release: r.operationId, service: r.service });
}

/** The traffic the release itself last routed (what an outside change is measured against). */
function expectedTraffic(r: ReleaseRow, service: Service): Target[] {
  if (r.state === "holding" || r.state === "observing" || r.state === "paused")
    return decisionTraffic(r, "step", service, r.plan.steps[r.stepIndex]);
  return r.prior;
}

/** The release's decided traffic change: sent once, recognised when it already reached the service. */
async function drivePending(
  db: Db,
  deps: ReleaseDeps,
  op: OperationView,
  r: ReleaseRow,
  service: Service,
  now: Date,
): Promise<OperationView> {
  const p = r.pending!;
  if (sameTraffic(toTargets(service.traffic), p.traffic)) {
    // Ours is in the service's spec; it counts once Cloud Run has routed it.
    return service.reconciling ? op : completePending(db, deps, op, r, service, now);
  }
  // What the service was expected to route when someone else changed it.
  const before =
    r.stepIndex > 0 && p.purpose === "step"
      ? decisionTraffic(r, "step", service, r.plan.steps[r.stepIndex - 1])
      : r.prior;
  const expected = p.sentAt ? p.traffic : before;
  if (service.etag !== r.etag) {
    await pauseForOutsideChange(db, r, service, expected);
    return op;
  }
  try {
    const sent = await sendServiceWrite(deps.run.services, {
      update: { name: r.service, traffic: p.traffic, etag: r.etag },
      updateMask: ["traffic"],
    });
    await moveRelease(db, r, { pending: { ...p, lro: sent.name || undefined, sentAt: now.toISOString() } });
  } catch (err) {
    // Changed between our read and our send: the same pause, from the service as it is now
    // (unless it already routes our change, sent by a driver before us: the next look completes it).
    if (!(err instanceof ServiceChanged)) throw err;
    if (!sameTraffic(toTargets(err.current.traffic), p.traffic))
      await pauseForOutsideChange(db, r, err.current, expected);
  }
  return op;
}

/** The canary deploy's operation: when it ends, the release starts from the service as it is, or fails. */
async function driveDeploy(db: Db, deps: ReleaseDeps, op: OperationView, r: ReleaseRow): Promise<OperationView> {
  const lro = await deps.run.services.checkUpdateServiceProgress(op.googleName!);
  if (!lro.done) return op;
  const error = (lro.error as { message?: string } | null | undefined)?.message;
  if (error) {
    const moved = await moveRelease(
      db,
      r,
      { state: "failed", pending: null, note: `The canary revision ${r.canary} did not become ready: ${error}` },
      [{ kind: "decision", text: `Deploy failed: ${error}` }],
    );
    return moved ? end(db, deps, op, moved) : op;
  }
  const [service] = await deps.run.services.getService({ name: r.service }, { timeout: 15_000 });
  const prior = toTargets(service.traffic);
  const stable = stableShares(service, r.canary);
  const first: Pending = {
    traffic: stepTraffic(prior, stable, r.canary, r.canaryTag, r.plan.steps[0]),
    purpose: "step",
    reason: "the canary revision is ready",
  };
  const moved = await moveRelease(
    db,
    r,
    { state: "shifting", pending: first, etag: service.etag ?? "", prior, stable },
    [
      {
        kind: "decision",
        text: `${r.canary} is ready. Stable: ${stable.map((s) => `${s.revision} ${s.percent} %`).join(", ") || "none"}.`,
      },
    ],
  );
  return moved ? updateOperation(db, op.id, { steps: advance(op.steps, "deployed") }) : op;
}

/** One check of the step so far, and the decision it leads to. */
async function check(db: Db, deps: ReleaseDeps, r: ReleaseRow, service: Service, now: Date): Promise<void> {
  const upTo = dataUpTo(now, deps.monitoringLagMs);
  const next = new Date(now.getTime() + r.plan.checkSeconds * 1000);
  if (!r.stepStartedAt || upTo <= r.stepStartedAt) {
    await moveRelease(db, r, { nextCheckAt: next, dataUpTo: upTo });
    return;
  }
  const { project, region, service: id } = parseServiceName(r.service)!;
  const stats = await readWindow(deps.observability, {
    project,
    region,
    service: id,
    canary: r.canary,
    stable: r.stable.map((s) => s.revision),
    from: r.stepStartedAt,
    upTo,
  });
  const result = judgeCheck(stats.canary, stats.stable, r.plan);
  const failedInRow = result.verdict === "fail" ? r.failedInRow + 1 : result.verdict === "pass" ? 0 : r.failedInRow;
  const decision = decideStep(r.plan, {
    stepIndex: r.stepIndex,
    stepStartedAt: r.stepStartedAt,
    seenUpTo: upTo,
    canaryRequests: stats.canary.requests,
    failedInRow,
    lastVerdict: result.verdict,
  });
  const thresholds = {
    maxErrorPercent: r.plan.maxErrorPercent,
    errorMarginPoints: r.plan.errorMarginPoints,
    latencyFactor: r.plan.latencyFactor,
    latencyFloorMs: r.plan.latencyFloorMs,
  };
  const entries: { kind: "check" | "decision"; text: string; data?: unknown }[] = [
    {
      kind: "check",
      text: `${result.verdict === "fail" ? "Failed" : result.verdict === "pass" ? "Passed" : "No data"}: ${result.text}`,
      data: {
        verdict: result.verdict,
        canary: stats.canary,
        stable: stats.stable,
        thresholds,
        from: r.stepStartedAt.toISOString(),
        upTo: upTo.toISOString(),
        percent: r.plan.steps[r.stepIndex],
      },
    },
  ];
  const base: ReleaseChange = { failedInRow, nextCheckAt: next, dataUpTo: upTo, googleErrors: 0, retryAt: null };
  switch (decision.action) {
    case "wait":
      await moveRelease(db, r, base, entries);
      return;
    case "hold":
      await moveRelease(db, r, { ...base, state: "holding", note: decision.reason }, [
        ...entries,
        { kind: "decision", text: `Holding. ${decision.reason}` },
      ]);
      return;
    case "next": {
      const pending: Pending = {
        traffic: decisionTraffic(r, "step", service, decision.toPercent),
        purpose: "step",
        reason: `step ${r.plan.steps[r.stepIndex]} % passed: ${decision.reason}`,
      };
      await moveRelease(db, r, { ...base, state: "shifting", stepIndex: r.stepIndex + 1, pending }, [
        ...entries,
        {
          kind: "decision",
          text: `Step ${r.plan.steps[r.stepIndex]} % passed (${decision.reason}); moving to ${decision.toPercent} %.`,
        },
      ]);
      return;
    }
    case "promote":
    case "abort": {
      const reason =
        decision.action === "abort"
          ? `${result.reasons.join("; ") || "checks failed"}; ${decision.reason}`
          : `step ${r.plan.steps[r.stepIndex]} % passed: ${decision.reason}`;
      const pending: Pending = {
        traffic: decisionTraffic(r, decision.action, service),
        purpose: decision.action,
        reason,
      };
      await moveRelease(db, r, { ...base, state: "shifting", pending }, [
        ...entries,
        { kind: "decision", text: decision.action === "abort" ? `Aborting: ${reason}.` : `Promoting: ${reason}.` },
      ]);
      return;
    }
  }
}

/** How long to wait for `at`, between one poll interval and IDLE_LOOK_MS. */
const waitUntil = (at: Date, now: Date) => Math.min(IDLE_LOOK_MS, Math.max(POLL_MS, at.getTime() - now.getTime()));

/** One look at a release; returns the updated operation row and, when it waits, when to look again. */
export async function pollRelease(db: Db, deps: ReleaseDeps, op: OperationView): Promise<Looked> {
  let r = await getRelease(db, op.id);
  if (!r)
    return finishOperation(db, AREA, op, {
      status: "failed",
      steps: fail(op.steps, "The release's record is missing."),
      error: "The release's record is missing.",
    });
  if (ENDED.includes(r.state)) return end(db, deps, op, r);
  const now = deps.now?.() ?? new Date();
  if (wantsSnooze(r)) {
    // Once, at the release's first look (never blocking it: a Google error is logged as a decision).
    const moved = await snoozeForRelease(db, deps.alerting, r, now);
    if (!moved) return op;
    r = moved;
  }
  if (r.retryAt && now < r.retryAt) return { ...op, nextLookInMs: waitUntil(r.retryAt, now) };
  if (!r.pending && (r.state === "paused" || r.state === "holding")) return { ...op, nextLookInMs: IDLE_LOOK_MS };
  if (!r.pending && r.state === "observing" && r.nextCheckAt && now < r.nextCheckAt)
    return { ...op, nextLookInMs: waitUntil(r.nextCheckAt, now) };
  try {
    if (r.state === "deploying") return op.googleName ? await driveDeploy(db, deps, op, r) : op;
    const [service] = await deps.run.services.getService({ name: r.service }, { timeout: 15_000 });
    if (r.pending) return await drivePending(db, deps, op, r, service, now);
    if (service.etag !== r.etag) {
      await pauseForOutsideChange(db, r, service, expectedTraffic(r, service));
      return op;
    }
    await check(db, deps, r, service, now);
  } catch (err) {
    // Quota, UNAVAILABLE, timeouts: try again with backoff; never a failed check, never a promotion.
    const attempt = r.googleErrors + 1;
    const delay = retryDelayMs(attempt);
    const message = upstreamError(err, "Google Cloud", `checking the release of ${shortName(r.service)}`).message;
    await moveRelease(db, r, { googleErrors: attempt, retryAt: new Date(now.getTime() + delay) }, [
      {
        kind: "decision",
        text: `${message} Retrying in ${Math.round(delay / 1000)} s (attempt ${attempt}); not counted as a check.`,
      },
    ]);
    log.warn("release look failed; retrying", { release: r.operationId, attempt, error: String(err) });
  }
  return op;
}

/** The follower of releases, for the start-up registry. */
export function releaseFollowers(deps: () => ReleaseDeps): Followers {
  return {
    release: {
      area: AREA,
      viewRole: "viewer",
      system: "Cloud Run",
      intervalMs: POLL_MS,
      poll: (db, op) => pollRelease(db, deps(), op),
    },
  };
}
