// Run a Cloud Run job with overrides (arguments, variables, task count): a
// followed operation of kind "job-run" through the one operation start, so its
// progress shows and survives reloads as a deploy's does (follow.ts).
import type { ActionContext, ActionDefinition } from "../actions";
import { Conflict } from "../errors";
import { GRPC, grpcCode, upstreamError } from "../gcp/errors";
import { startOperation, type StartedOperation, type StepPlan } from "../operations";
import { byJobLocation, coveredLocations } from "../schedules/scope";
import { portalJobDeps, type JobDeps } from "./deps";
import { jobName } from "./names";
import { invalidateRunJobs } from "./read";
import { RunJobInput } from "./schemas";

export const JOB_RUN_STEPS = [
  { key: "started", label: "Starting the execution" },
  { key: "running", label: "Running tasks" },
  { key: "done", label: "Finished" },
] as const satisfies StepPlan;

/** Kept in the operation row: what the follower needs. */
export type JobRunPlan = { job: string; execution: string | null };

async function runJob(ctx: ActionContext, deps: JobDeps, input: RunJobInput) {
  await coveredLocations(ctx.db, input);
  const name = jobName(input);
  const overrides = {
    containerOverrides:
      input.argList.length || input.envList.length ? [{ args: input.argList, env: input.envList }] : [],
    ...(input.taskCount ? { taskCount: input.taskCount } : {}),
  };
  const spec = {
    kind: "job-run",
    target: name,
    idempotencyKey: input.idempotencyKey,
    steps: JOB_RUN_STEPS,
    system: "Cloud Run",
    enqueueFollow: deps.enqueueFollow,
  };
  return startOperation(ctx, spec, async () => {
    const [op] = await deps.jobs.jobs.runJob({ name, overrides }, { timeout: 30_000 }).catch((err) => {
      if (grpcCode(err) === GRPC.FAILED_PRECONDITION)
        throw new Conflict(
          `Cloud Run refused to run ${input.job}: ${String((err as { details?: string }).details ?? "")}`,
        );
      throw upstreamError(err, "Cloud Run", `running ${input.job}`);
    });
    invalidateRunJobs(input.project);
    const execution = (op.metadata as { name?: string } | null)?.name || null;
    const plan: JobRunPlan = { job: name, execution };
    return {
      googleName: op.name ?? "",
      plan,
      // Variable names only (`env` itself is a sensitive field, redacted wherever it appears).
      details: {
        overrides: { args: input.argList, variables: input.envList.map((e) => e.name), taskCount: input.taskCount },
        after: { execution },
      },
    };
  });
}

export function runJobDefinition(
  deps: () => JobDeps = portalJobDeps,
): ActionDefinition<typeof RunJobInput, StartedOperation> {
  return {
    name: "jobs.run",
    role: "developer",
    input: RunJobInput,
    // Variables may carry credentials: their values stay out of the audit trail (names are kept in details).
    sensitive: ["env", "envList"],
    target: jobName,
    scope: byJobLocation,
    run: (ctx, input) => runJob(ctx, deps(), input),
  };
}
