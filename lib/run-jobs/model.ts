// Cloud Run jobs, executions and tasks as the portal shows them: what runs,
// how it ended and how long it took.
import type { protos } from "@google-cloud/run";
import { toDate } from "../services/model";
import { parseJobName } from "./names";

type Job = protos.google.cloud.run.v2.IJob;
type Execution = protos.google.cloud.run.v2.IExecution;
type Task = protos.google.cloud.run.v2.ITask;
type Condition = protos.google.cloud.run.v2.ICondition;

export type RunState = "pending" | "running" | "succeeded" | "failed" | "cancelled";

export type JobView = {
  name: string;
  project: string;
  location: string;
  id: string;
  image: string;
  args: string[];
  taskCount: number;
  parallelism: number;
  maxRetries: number;
  timeoutSeconds: number;
  latest: { id: string; state: RunState; createdAt: Date | null; completedAt: Date | null } | null;
};

export type TaskView = {
  id: string;
  index: number;
  state: RunState;
  retried: number;
  exitCode: number | null;
  message: string;
  startedAt: Date | null;
  completedAt: Date | null;
  durationMs: number | null;
};

export type ExecutionView = {
  name: string;
  id: string;
  state: RunState;
  createdAt: Date | null;
  startedAt: Date | null;
  completedAt: Date | null;
  durationMs: number | null;
  counts: { tasks: number; running: number; succeeded: number; failed: number; cancelled: number; retried: number };
  message: string;
  tasks: TaskView[];
};

const shortName = (n: string | null | undefined) => (n ? n.slice(n.lastIndexOf("/") + 1) : "");
const span = (a: Date | null, b: Date | null) => (a && b ? b.getTime() - a.getTime() : null);
const completed = (conditions: Condition[] | null | undefined) =>
  (conditions ?? []).find((c) => c.type === "Completed");

const REFERENCE_STATES: Record<string, RunState> = {
  EXECUTION_SUCCEEDED: "succeeded",
  EXECUTION_FAILED: "failed",
  EXECUTION_RUNNING: "running",
  EXECUTION_PENDING: "pending",
  EXECUTION_CANCELLED: "cancelled",
};

export function toJobView(j: Job): JobView {
  const ref = parseJobName(j.name ?? "") ?? { project: "", location: "", job: shortName(j.name) };
  const container = j.template?.template?.containers?.[0];
  const latest = j.latestCreatedExecution;
  return {
    name: j.name ?? "",
    project: ref.project,
    location: ref.location,
    id: ref.job,
    image: container?.image ?? "",
    args: container?.args ?? [],
    taskCount: Number(j.template?.taskCount ?? 1) || 1,
    parallelism: Number(j.template?.parallelism ?? 0),
    maxRetries: Number(j.template?.template?.maxRetries ?? 0),
    timeoutSeconds: Number(j.template?.template?.timeout?.seconds ?? 0),
    latest: latest?.name
      ? {
          id: shortName(latest.name),
          state: REFERENCE_STATES[String(latest.completionStatus)] ?? "pending",
          createdAt: toDate(latest.createTime as never),
          completedAt: toDate(latest.completionTime as never),
        }
      : null,
  };
}

function stateOf(
  conditions: Condition[] | null | undefined,
  done: boolean,
  started: boolean,
  failed: boolean,
  cancelled: boolean,
): RunState {
  const c = completed(conditions);
  const reason = String(c?.executionReason ?? c?.reason ?? "");
  if (reason === "CANCELLED" || (String(c?.state) === "CONDITION_FAILED" && cancelled && !failed)) return "cancelled";
  if (String(c?.state) === "CONDITION_SUCCEEDED") return "succeeded";
  if (String(c?.state) === "CONDITION_FAILED") return "failed";
  if (!done) return started ? "running" : "pending";
  return cancelled ? "cancelled" : failed ? "failed" : "succeeded";
}

export function toTaskView(t: Task): TaskView {
  const startedAt = toDate(t.startTime as never);
  const completedAt = toDate(t.completionTime as never);
  const result = t.lastAttemptResult;
  const failed = Boolean(result && ((result.status?.code ?? 0) !== 0 || (result.exitCode ?? 0) !== 0));
  const c = completed(t.conditions);
  return {
    id: shortName(t.name),
    index: Number(t.index ?? 0),
    state: stateOf(
      t.conditions,
      Boolean(completedAt),
      Boolean(startedAt),
      failed,
      String(c?.executionReason ?? c?.reason ?? "") === "CANCELLED",
    ),
    retried: Number(t.retried ?? 0),
    exitCode: result ? Number(result.exitCode ?? 0) : null,
    message: result?.status?.message || (c && String(c.state) !== "CONDITION_SUCCEEDED" ? (c.message ?? "") : ""),
    startedAt,
    completedAt,
    durationMs: span(startedAt, completedAt),
  };
}

export function toExecutionView(e: Execution, tasks: Task[]): ExecutionView {
  const startedAt = toDate(e.startTime as never);
  const completedAt = toDate(e.completionTime as never);
  const counts = {
    tasks: Number(e.taskCount ?? 0),
    running: Number(e.runningCount ?? 0),
    succeeded: Number(e.succeededCount ?? 0),
    failed: Number(e.failedCount ?? 0),
    cancelled: Number(e.cancelledCount ?? 0),
    retried: Number(e.retriedCount ?? 0),
  };
  const c = completed(e.conditions);
  const state = stateOf(
    e.conditions,
    Boolean(completedAt),
    Boolean(startedAt),
    counts.failed > 0,
    counts.cancelled > 0,
  );
  return {
    name: e.name ?? "",
    id: shortName(e.name),
    state,
    createdAt: toDate(e.createTime as never),
    startedAt,
    completedAt,
    durationMs: span(startedAt ?? toDate(e.createTime as never), completedAt),
    counts,
    message: state === "succeeded" ? "" : (c?.message ?? ""),
    tasks: tasks.map(toTaskView).sort((a, b) => a.index - b.index),
  };
}
