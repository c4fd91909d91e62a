// google.cloud.run.v2.Executions (Get, List, Delete, Cancel) and Tasks (Get,
// List). Cancel answers with an operation that finishes once the running
// tasks have stopped; cancelling or deleting at the wrong time is refused
// with FAILED_PRECONDITION and a message that says why.
import { aborted, failedPrecondition, invalid, notFound } from "../../grpc/errors";
import { pageOf, readPage } from "../../grpc/paging";
import type { Handler } from "../../grpc/server";
import { toProto } from "../longrunning/operations";
import type { StoredOperation } from "../longrunning/store";
import { operationName } from "../run/names";
import type { JobsDeps } from "./jobs";
import { newEtag, parseExecutionName, parseJobName, parseTaskName, toTimestamp } from "./resources";

const EXECUTION = "google.cloud.run.v2.Execution" as const;
const same = (_t: string, r: object) => r;

export function executionsHandlers(d: JobsDeps): Record<string, Handler> {
  const load = async (name: string | undefined) => {
    const n = parseExecutionName(await d.projects.canonical(name ?? ""));
    const found = await d.store.getExecution(n.name);
    if (!found)
      throw notFound(
        `Resource '${n.executionId}' of kind 'EXECUTION' in region '${n.location}' in project '${n.project}' does not exist.`,
      );
    return { n, ...found };
  };

  return {
    async GetExecution(req: { name?: string }) {
      return (await load(req.name)).execution;
    },

    async ListExecutions(req: { parent?: string; pageSize?: number; pageToken?: string }) {
      const n = parseJobName(await d.projects.canonical(req.parent ?? ""));
      if (n.jobId !== "-" && !(await d.store.getJob(n.name)))
        throw notFound(`Resource '${n.jobId}' of kind 'JOB' does not exist.`);
      const page = readPage(req.pageSize, req.pageToken);
      const { items, nextPageToken } = pageOf(await d.store.listExecutions(n.name, page.offset, page.limit + 1), page);
      return { executions: items, nextPageToken };
    },

    async CancelExecution(req: { name?: string; validateOnly?: boolean; etag?: string }) {
      const { n, execution, done } = await load(req.name);
      if (req.etag && req.etag !== execution.etag)
        throw aborted(`The etag "${req.etag}" does not match the current etag of execution ${n.executionId}.`);
      if (done || !d.executor.isRunning(n.name)) {
        throw failedPrecondition(`Execution '${n.executionId}' has already finished and cannot be cancelled.`);
      }
      const op: StoredOperation = {
        name: operationName(n.project, n.location),
        done: Boolean(req.validateOnly),
        typeName: EXECUTION,
        metadata: execution,
        response: req.validateOnly ? execution : null,
        error: null,
        kind: "CancelExecution",
        target: n.name,
        generation: null,
        revision: null,
      };
      if (req.validateOnly) return toProto(op, d.codec, same);
      await d.ops.insert(d.store.db, op);
      d.executor.cancel(n.name);
      d.log.info("CancelExecution", { execution: n.name });
      return toProto(op, d.codec, same);
    },

    async DeleteExecution(req: { name?: string; validateOnly?: boolean; etag?: string }) {
      const { n, execution, done } = await load(req.name);
      if (req.etag && req.etag !== execution.etag)
        throw aborted(`The etag "${req.etag}" does not match the current etag of execution ${n.executionId}.`);
      if (!done)
        throw failedPrecondition(`Execution '${n.executionId}' is still running; cancel it before deleting it.`);
      const deleted = { ...execution, deleteTime: toTimestamp(new Date()), etag: newEtag() };
      const op: StoredOperation = {
        name: operationName(n.project, n.location),
        done: true,
        typeName: EXECUTION,
        metadata: deleted,
        response: deleted,
        error: null,
        kind: "DeleteExecution",
        target: n.name,
        generation: null,
        revision: null,
      };
      if (!req.validateOnly) {
        await d.store.deleteExecution(n.name);
        await d.ops.insert(d.store.db, op);
      }
      return toProto(op, d.codec, same);
    },
  };
}

export function tasksHandlers(d: JobsDeps): Record<string, Handler> {
  return {
    async GetTask(req: { name?: string }) {
      const name = await d.projects.canonical(req.name ?? "");
      const { taskId } = parseTaskName(name);
      const task = await d.store.getTask(name);
      if (!task) throw notFound(`Resource '${taskId}' of kind 'TASK' does not exist.`);
      return task;
    },

    async ListTasks(req: { parent?: string; pageSize?: number; pageToken?: string }) {
      const n = parseExecutionName(await d.projects.canonical(req.parent ?? ""));
      // Google: "-" as the execution lists the tasks of every execution of the job; "-" as the job too, across jobs.
      if (n.executionId === "-") {
        if (n.jobId !== "-" && !(await d.store.getJob(n.job)))
          throw notFound(`Resource '${n.jobId}' of kind 'JOB' does not exist.`);
      } else if (n.jobId === "-")
        throw invalid("An execution id needs its job: use jobs/-/executions/- to list the tasks of every execution.");
      else if (!(await d.store.getExecution(n.name)))
        throw notFound(`Resource '${n.executionId}' of kind 'EXECUTION' does not exist.`);
      const page = readPage(req.pageSize, req.pageToken);
      const { items, nextPageToken } = pageOf(await d.store.listTasks(n.name, page.offset, page.limit + 1), page);
      return { tasks: items, nextPageToken };
    },
  };
}
