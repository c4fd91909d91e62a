// Runs Cloud Run job executions: `parallelism` tasks at a time, each attempt a
// local process with CLOUD_RUN_* set, a failed attempt retried up to
// max_retries, the task timeout enforced, cancel stopping what runs and what
// waits. Task and execution resources (conditions, counts, times) are written
// as they change, the run's operations finish with the execution, and every
// line and state change goes to Cloud Logging under cloud_run_job.
import { randomBytes } from "node:crypto";
import { Code } from "../../grpc/errors";
import type { Logger } from "../../log";
import type { Runtime } from "../../runtime";
import { TaskAttempt, type TaskAttemptResult } from "../../runtime/task";
import type { EnvSpec, SecretResolver } from "../../runtime/types";
import type { LogRow } from "../../telemetry/store";
import type { OperationStore } from "../longrunning/store";
import { durationMs } from "../run/names";
import { systemLine, taskLine, type JobWhere } from "./job-logs";
import { cond, newEtag, parseExecutionName, toTimestamp, type Execution, type Task } from "./resources";
import type { RunJobStore } from "./store";

export type ExecutorDeps = {
  store: RunJobStore;
  ops: OperationStore;
  runtime: Runtime;
  resolveSecret: SecretResolver;
  shutdownGraceMs: number;
  log: Logger;
  writeLog: (row: LogRow) => void;
};

type Running = {
  execution: Execution;
  tasks: Task[];
  attempts: Set<TaskAttempt>;
  cancelled: boolean;
  saving: Promise<unknown>;
  done: Promise<void>;
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)}s`;

function failureText(r: TaskAttemptResult, timeoutMs: number): string {
  if (r.kind === "timeout") return `The configured timeout was reached (${seconds(timeoutMs)}).`;
  if (r.kind === "error") return `The container could not be started: ${r.message}`;
  if (r.kind === "exited")
    return r.signal
      ? `The container was terminated by signal ${r.signal}.`
      : `The container exited with an error (exit code ${r.exitCode}).`;
  return "The task was cancelled.";
}

export class JobExecutor {
  private readonly running = new Map<string, Running>();
  private stopped = false;

  constructor(private readonly deps: ExecutorDeps) {}

  isRunning(name: string): boolean {
    return this.running.has(name);
  }

  start(execution: Execution, tasks: Task[]): void {
    const run: Running = {
      execution,
      tasks,
      attempts: new Set(),
      cancelled: false,
      saving: Promise.resolve(),
      done: Promise.resolve(),
    };
    this.running.set(execution.name, run);
    run.done = this.execute(run)
      .catch((err) =>
        this.deps.log.error("job execution crashed", {
          execution: execution.name,
          error: (err as Error).stack ?? String(err),
        }),
      )
      .finally(() => this.running.delete(execution.name));
  }

  /** Cancels a running execution; false when it is not running here. */
  cancel(name: string): boolean {
    const run = this.running.get(name);
    if (!run) return false;
    run.cancelled = true;
    const now = new Date();
    run.execution.conditions = run.execution.conditions.map((c) =>
      c.type === "Completed" ? cond("Completed", "CONDITION_RECONCILING", now, { executionReason: "CANCELLING" }) : c,
    );
    void this.save(run);
    for (const a of run.attempts) a.cancel();
    return true;
  }

  /** Executions cut short by a restart end as failed, their operations with them. */
  async restore(): Promise<void> {
    for (const e of await this.deps.store.unfinishedExecutions()) {
      const now = new Date();
      const run: Running = {
        execution: e,
        tasks: [],
        attempts: new Set(),
        cancelled: false,
        saving: Promise.resolve(),
        done: Promise.resolve(),
      };
      for (const t of await this.deps.store.listTasks(e.name, 0, 100_000)) {
        if (t.conditions.find((c) => c.type === "Completed")?.state === "CONDITION_SUCCEEDED") continue;
        t.conditions = [
          cond("Completed", "CONDITION_FAILED", now, {
            message: "The emulator restarted while the task ran.",
            executionReason: "JOB_STATUS_SERVICE_POLLING_ERROR",
          }),
          ...t.conditions.filter((c) => c.type !== "Completed"),
        ];
        t.completionTime = toTimestamp(now);
        t.reconciling = false;
        await this.deps.store.putTask(t);
        e.failedCount++;
      }
      e.runningCount = 0;
      await this.finish(run, "The execution was interrupted because the emulator restarted.");
    }
  }

  /** Stops every running task; their executions stay unfinished until the next start's restore(). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const run of this.running.values()) for (const a of run.attempts) a.cancel();
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }

  private save(run: Running, done = false): Promise<unknown> {
    const snapshot = JSON.parse(
      JSON.stringify({ ...run.execution, updateTime: toTimestamp(new Date()), etag: newEtag() }),
    ) as Execution;
    run.execution.etag = snapshot.etag;
    run.saving = run.saving
      .then(() => this.deps.store.putExecution(snapshot, done))
      .catch((err) => this.deps.log.warn("saving an execution failed", { error: String(err) }));
    return run.saving;
  }

  private where(e: Execution): JobWhere & { executionId: string } {
    const n = parseExecutionName(e.name);
    return { project: n.project, location: n.location, jobId: n.jobId, executionId: n.executionId };
  }

  private async execute(run: Running): Promise<void> {
    const e = run.execution;
    const w = this.where(e);
    const now = new Date();
    e.startTime = toTimestamp(now);
    e.conditions = [
      cond("Completed", "CONDITION_RECONCILING", now),
      cond("ResourcesAvailable", "CONDITION_SUCCEEDED", now),
      cond("Started", "CONDITION_SUCCEEDED", now),
    ];
    await this.save(run);
    this.deps.writeLog(
      systemLine(
        w,
        w.executionId,
        "INFO",
        `Execution ${w.executionId} has started with ${e.taskCount} task(s), parallelism ${e.parallelism}.`,
      ),
    );
    let next = 0;
    const worker = async () => {
      while (next < run.tasks.length) await this.runTask(run, run.tasks[next++]);
    };
    await Promise.all(Array.from({ length: Math.max(1, e.parallelism) }, worker));
    // Stopping the emulator is no cancel: the execution stays unfinished and restore() settles it at the next start.
    if (this.stopped) return;
    const failed = run.tasks.find(
      (t) => t.conditions.find((c) => c.type === "Completed")?.state === "CONDITION_FAILED" && !run.cancelled,
    );
    await this.finish(
      run,
      failed
        ? `Task ${failed.name.split("/").pop()} failed with message: ${failed.lastAttemptResult?.status.message ?? "unknown error"}`
        : undefined,
    );
  }

  private async runTask(run: Running, task: Task): Promise<void> {
    const e = run.execution;
    const w = this.where(e);
    const container = task.containers[0] ?? {};
    const image = this.deps.runtime.images.resolve(container.image ?? "");
    const timeoutMs = durationMs(task.timeout as never) || 600_000;
    for (let attempt = 0; ; attempt++) {
      if (this.stopped) return;
      if (run.cancelled) return this.endTask(run, task, "cancelled");
      const started = new Date();
      task.startTime ??= toTimestamp(started);
      task.conditions = [
        cond("Completed", "CONDITION_RECONCILING", started),
        cond("Started", "CONDITION_SUCCEEDED", started),
      ];
      e.runningCount++;
      await Promise.all([this.deps.store.putTask(task), this.save(run)]);
      const instanceId = randomBytes(16).toString("hex");
      let result: TaskAttemptResult;
      if (!image) result = { kind: "error", message: `Image '${container.image}' not found.` };
      else {
        const env: EnvSpec[] = (container.env ?? []).map((v) =>
          v.valueSource?.secretKeyRef
            ? {
                name: v.name,
                secret: {
                  secret: v.valueSource.secretKeyRef.secret,
                  version: v.valueSource.secretKeyRef.version || "latest",
                },
              }
            : { name: v.name, value: v.value ?? "" },
        );
        const process = new TaskAttempt(
          {
            project: w.project,
            image,
            imageRef: container.image!,
            args: container.args ?? [],
            workingDir: container.workingDir ?? "",
            env,
            timeoutMs,
            contract: {
              CLOUD_RUN_JOB: w.jobId,
              CLOUD_RUN_EXECUTION: w.executionId,
              CLOUD_RUN_TASK_INDEX: String(task.index),
              CLOUD_RUN_TASK_COUNT: String(e.taskCount),
              CLOUD_RUN_TASK_ATTEMPT: String(attempt),
            },
          },
          {
            resolveSecret: this.deps.resolveSecret,
            shutdownGraceMs: this.deps.shutdownGraceMs,
            onLine: (stream, line) =>
              this.deps.writeLog(taskLine(w, w.executionId, task.index, attempt, instanceId, stream, line)),
          },
        );
        run.attempts.add(process);
        result = await process.run();
        run.attempts.delete(process);
      }
      e.runningCount--;
      const ended = new Date();
      const ok = result.kind === "exited" && result.exitCode === 0 && !result.signal;
      if (result.kind !== "cancelled") {
        await this.deps.store.recordAttempt({
          project: w.project,
          location: w.location,
          jobId: w.jobId,
          execution: e.name,
          index: task.index,
          attempt,
          start: started,
          end: ended,
          succeeded: ok,
        });
      }
      if (this.stopped) return;
      if (result.kind === "cancelled") return this.endTask(run, task, "cancelled");
      const message = ok ? "" : failureText(result, timeoutMs);
      task.lastAttemptResult = {
        status: ok
          ? { code: 0, message: "" }
          : { code: result.kind === "timeout" ? Code.DEADLINE_EXCEEDED : Code.UNKNOWN, message },
        exitCode: result.kind === "exited" ? result.exitCode : result.kind === "timeout" ? 124 : -1,
        ...(result.kind === "exited" && result.signal ? { termSignal: 15 } : {}),
      };
      if (ok) return this.endTask(run, task, "succeeded");
      this.deps.writeLog(
        systemLine(w, w.executionId, "ERROR", `Task ${task.index} attempt ${attempt} failed: ${message}`, ended, {
          index: task.index,
          attempt,
        }),
      );
      if (attempt >= task.maxRetries) return this.endTask(run, task, "failed", message);
      task.retried++;
      e.retriedCount++;
    }
  }

  private async endTask(
    run: Running,
    task: Task,
    how: "succeeded" | "failed" | "cancelled",
    message?: string,
  ): Promise<void> {
    const now = new Date();
    const e = run.execution;
    const completed =
      how === "succeeded"
        ? cond("Completed", "CONDITION_SUCCEEDED", now)
        : how === "failed"
          ? cond("Completed", "CONDITION_FAILED", now, { message, executionReason: "NON_ZERO_EXIT_CODE" })
          : cond("Completed", "CONDITION_FAILED", now, {
              message: "The task was cancelled.",
              executionReason: "CANCELLED",
            });
    task.conditions = [
      completed,
      task.startTime
        ? cond("Started", "CONDITION_SUCCEEDED", now)
        : cond("Started", "CONDITION_FAILED", now, { executionReason: "CANCELLED" }),
    ];
    task.completionTime = toTimestamp(now);
    task.reconciling = false;
    task.etag = newEtag();
    if (how === "succeeded") e.succeededCount++;
    else if (how === "failed") e.failedCount++;
    else e.cancelledCount++;
    await Promise.all([this.deps.store.putTask(task), this.save(run)]);
  }

  /** Settles the execution, its job's latest-execution reference and its operations. */
  private async finish(run: Running, failure?: string): Promise<void> {
    const e = run.execution;
    const w = this.where(e);
    const now = new Date();
    const took =
      now.getTime() -
      Number((e.startTime as { seconds?: string } | undefined)?.seconds ?? Math.floor(now.getTime() / 1000)) * 1000;
    const status = run.cancelled ? "EXECUTION_CANCELLED" : failure ? "EXECUTION_FAILED" : "EXECUTION_SUCCEEDED";
    const completed =
      status === "EXECUTION_SUCCEEDED"
        ? cond("Completed", "CONDITION_SUCCEEDED", now, {
            message: `Execution completed successfully in ${seconds(took)}.`,
          })
        : status === "EXECUTION_CANCELLED"
          ? cond("Completed", "CONDITION_FAILED", now, {
              message: "The execution was cancelled.",
              executionReason: "CANCELLED",
            })
          : cond("Completed", "CONDITION_FAILED", now, { message: failure, executionReason: "NON_ZERO_EXIT_CODE" });
    e.conditions = [completed, ...e.conditions.filter((c) => c.type !== "Completed")];
    e.completionTime = toTimestamp(now);
    e.reconciling = false;
    e.runningCount = 0;
    await this.save(run, true);
    this.deps.writeLog(
      systemLine(
        w,
        w.executionId,
        status === "EXECUTION_SUCCEEDED" ? "INFO" : "ERROR",
        completed.message ?? status,
        now,
      ),
    );
    const job = await this.deps.store.getJob(`projects/${w.project}/locations/${w.location}/jobs/${w.jobId}`);
    if (job?.latestCreatedExecution?.name === e.name) {
      job.latestCreatedExecution = {
        ...job.latestCreatedExecution,
        completionTime: toTimestamp(now),
        completionStatus: status,
      };
      await this.deps.store.putJob(this.deps.store.db, job);
    }
    const saved = (await this.deps.store.getExecution(e.name))?.execution ?? e;
    for (const op of await this.deps.ops.pending()) {
      if (op.target !== e.name) continue;
      await this.deps.ops.complete(this.deps.store.db, op.name, { response: saved }, saved);
      this.deps.ops.notifyDone(op.name);
    }
  }
}
