// Cancel a running execution of a Cloud Run job. One that already ended gets a
// clear message and nothing is sent.
import type { ActionContext, ActionDefinition } from "../actions";
import { Conflict } from "../errors";
import { GRPC, grpcCode, upstreamError } from "../gcp/errors";
import { byJobLocation, coveredLocations } from "../schedules/scope";
import { portalJobDeps, type JobDeps } from "./deps";
import { executionName } from "./names";
import { getExecution, invalidateRunJobs } from "./read";
import { CancelExecutionInput } from "./schemas";

async function cancel(ctx: ActionContext, deps: JobDeps, input: CancelExecutionInput) {
  await coveredLocations(ctx.db, input);
  const name = executionName(input);
  const current = await getExecution(name, deps.jobs).catch((err) => {
    throw upstreamError(err, "Cloud Run", `reading the execution ${input.execution}`);
  });
  const finished = () =>
    new Conflict(
      `The execution ${input.execution} already ${current.state === "cancelled" ? "was cancelled" : `finished (${current.state})`}; there is nothing to cancel.`,
      { state: current.state },
    );
  if (current.state !== "running" && current.state !== "pending") throw finished();
  await deps.jobs.executions.cancelExecution({ name }, { timeout: 30_000 }).catch((err) => {
    if (grpcCode(err) === GRPC.FAILED_PRECONDITION) throw finished();
    throw upstreamError(err, "Cloud Run", `cancelling ${input.execution}`);
  });
  invalidateRunJobs(input.project);
  return {
    data: { execution: input.execution },
    message: `Cancelling ${input.execution}: its running tasks are being stopped.`,
    details: { before: { state: current.state, running: current.counts.running } },
  };
}

export function cancelExecutionDefinition(
  deps: () => JobDeps = portalJobDeps,
): ActionDefinition<typeof CancelExecutionInput, { execution: string }> {
  return {
    name: "jobs.cancel-execution",
    role: "developer",
    input: CancelExecutionInput,
    target: executionName,
    scope: byJobLocation,
    run: (ctx, input) => cancel(ctx, deps(), input),
  };
}
