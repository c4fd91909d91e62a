// Follows a "job-run" operation: the RunJob LRO names the execution; the
// execution's task counts move the steps ("2 of 3 tasks done"), and its end
// (succeeded, failed or cancelled) ends the operation.
import type { Db } from "../db";
import type { RunJobsClients } from "../gcp/clients";
import {
  advance,
  fail,
  finishOperation,
  operationPlan,
  updateOperation,
  type Followers,
  type OperationView,
} from "../operations";
import { parseJobName } from "./names";
import { getExecution, invalidateRunJobs } from "./read";
import type { JobRunPlan } from "./run";

const POLL_MS = 1000;
const AREA = "jobs";

async function executionOf(
  clients: RunJobsClients,
  db: Db,
  op: OperationView,
  plan: JobRunPlan | null,
): Promise<string | null> {
  if (plan?.execution) return plan.execution;
  const lro = await clients.jobs.checkRunJobProgress(op.googleName!);
  const name = (lro.metadata as { name?: string } | null)?.name || null;
  if (name)
    await updateOperation(db, op.id, { before: { ...plan, job: op.target, execution: name } satisfies JobRunPlan });
  return name;
}

/** One look at Cloud Run; returns the updated row. */
export async function pollJobRun(db: Db, clients: RunJobsClients, op: OperationView): Promise<OperationView> {
  const plan = await operationPlan<JobRunPlan>(db, op.id);
  const name = await executionOf(clients, db, op, plan);
  if (!name) return op;
  const execution = await getExecution(name, clients);
  const c = execution.counts;
  const total = c.tasks || execution.tasks.length;
  let steps = advance(op.steps, "started");
  steps = steps.map((s) =>
    s.key === "running"
      ? {
          ...s,
          detail: `${c.succeeded} of ${total} tasks done${c.running ? `, ${c.running} running` : ""}${c.failed ? `, ${c.failed} failed` : ""}${c.retried ? `, ${c.retried} retried` : ""}`,
        }
      : s,
  );
  const details = {
    execution: execution.id,
    tasks: total,
    succeeded: c.succeeded,
    failed: c.failed,
    retried: c.retried,
    durationMs: execution.durationMs,
  };
  const after = { execution: execution.id, state: execution.state, durationMs: execution.durationMs };
  if (execution.state === "pending" || execution.state === "running") {
    return JSON.stringify(steps) === JSON.stringify(op.steps) ? op : updateOperation(db, op.id, { steps });
  }
  invalidateRunJobs(parseJobName(op.target)?.project);
  if (execution.state === "succeeded")
    return finishOperation(db, AREA, op, { status: "succeeded", steps: advance(steps, "done"), after, details });
  const error =
    execution.state === "cancelled"
      ? `The execution ${execution.id} was cancelled (${c.succeeded} of ${total} tasks had finished).`
      : `The execution ${execution.id} failed: ${c.failed} of ${total} tasks failed${execution.message ? ` (${execution.message})` : ""}.`;
  return finishOperation(db, AREA, op, {
    status: "failed",
    error,
    steps: fail(advance(steps, "running"), error),
    after,
    details,
  });
}

/** The follower of job runs, for the start-up registry. */
export function jobFollowers(clients: () => RunJobsClients): Followers {
  return {
    "job-run": {
      area: AREA,
      viewRole: "viewer",
      system: "Cloud Run",
      intervalMs: POLL_MS,
      poll: (db: Db, op: OperationView) => pollJobRun(db, clients(), op),
    },
  };
}
