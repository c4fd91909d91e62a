// "Run now", pause and resume of a Cloud Scheduler job. Run now on a paused job
// says so instead of firing: a paused job is paused on purpose.
import type { ActionDefinition } from "../actions";
import type { ActionContext } from "../actions";
import { Conflict } from "../errors";
import { GRPC, grpcCode, upstreamError } from "../gcp/errors";
import { portalScheduleDeps, type ScheduleDeps } from "./deps";
import { invalidateHistory } from "./history-read";
import { scheduleName, type ScheduleRef } from "./names";
import { invalidateSchedules } from "./read";
import { ScheduleRefInput } from "./schemas";
import { byJobLocation, coveredLocations } from "./scope";

type Result = { state: string };

async function currentState(deps: ScheduleDeps, ref: ScheduleRef, what: string): Promise<string> {
  const [job] = await deps.scheduler.getJob({ name: scheduleName(ref) }, { timeout: 15_000 }).catch((err) => {
    throw upstreamError(err, "Cloud Scheduler", what);
  });
  return String(job.state);
}

async function runNow(ctx: ActionContext, deps: ScheduleDeps, ref: ScheduleRef) {
  await coveredLocations(ctx.db, ref);
  const what = `running ${ref.job} now`;
  const state = await currentState(deps, ref, what);
  if (state === "PAUSED")
    throw new Conflict(`${ref.job} is paused, so it was not run. Resume it first if it should run.`, { state });
  const [job] = await deps.scheduler.runJob({ name: scheduleName(ref) }, { timeout: 15_000 }).catch((err) => {
    if (grpcCode(err) === GRPC.FAILED_PRECONDITION)
      throw new Conflict(`${ref.job} is not enabled (${state.toLowerCase()}), so it was not run.`);
    throw upstreamError(err, "Cloud Scheduler", what);
  });
  invalidateSchedules(ref.project);
  invalidateHistory();
  return {
    data: { state: String(job.state) },
    message: `${ref.job} is running now; its attempt appears in the history when it finishes.`,
    details: { before: { state }, after: { lastAttemptTime: job.lastAttemptTime ?? null } },
  };
}

async function setPaused(ctx: ActionContext, deps: ScheduleDeps, ref: ScheduleRef, pause: boolean) {
  await coveredLocations(ctx.db, ref);
  const what = `${pause ? "pausing" : "resuming"} ${ref.job}`;
  const before = await currentState(deps, ref, what);
  const call = pause
    ? deps.scheduler.pauseJob({ name: scheduleName(ref) }, { timeout: 15_000 })
    : deps.scheduler.resumeJob({ name: scheduleName(ref) }, { timeout: 15_000 });
  const [job] = await call.catch((err) => {
    throw upstreamError(err, "Cloud Scheduler", what);
  });
  invalidateSchedules(ref.project);
  const after = String(job.state);
  return {
    data: { state: after },
    message: pause ? `${ref.job} is paused; it will not fire until resumed.` : `${ref.job} is enabled again.`,
    details: { before: { state: before }, after: { state: after } },
  };
}

export function runNowDefinition(
  deps: () => ScheduleDeps = portalScheduleDeps,
): ActionDefinition<typeof ScheduleRefInput, Result> {
  return {
    name: "schedules.run-now",
    role: "developer",
    input: ScheduleRefInput,
    target: scheduleName,
    scope: byJobLocation,
    run: (ctx, input) => runNow(ctx, deps(), input),
  };
}

export function pauseDefinition(
  deps: () => ScheduleDeps = portalScheduleDeps,
): ActionDefinition<typeof ScheduleRefInput, Result> {
  return {
    name: "schedules.pause",
    role: "developer",
    input: ScheduleRefInput,
    target: scheduleName,
    scope: byJobLocation,
    run: (ctx, input) => setPaused(ctx, deps(), input, true),
  };
}

export function resumeDefinition(
  deps: () => ScheduleDeps = portalScheduleDeps,
): ActionDefinition<typeof ScheduleRefInput, Result> {
  return {
    name: "schedules.resume",
    role: "developer",
    input: ScheduleRefInput,
    target: scheduleName,
    scope: byJobLocation,
    run: (ctx, input) => setPaused(ctx, deps(), input, false),
  };
}
