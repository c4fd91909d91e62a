// Inputs of the Cloud Run job actions: run with overrides, cancel an execution.
import { z } from "zod";
import { location, project } from "../schedules/schemas";
import { EXECUTION_ID, RUN_JOB_ID } from "./names";

const job = z.string().regex(RUN_JOB_ID, "Not a job id.");
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED = new Set([
  "CLOUD_RUN_TASK_INDEX",
  "CLOUD_RUN_TASK_COUNT",
  "CLOUD_RUN_TASK_ATTEMPT",
  "CLOUD_RUN_EXECUTION",
  "CLOUD_RUN_JOB",
]);
const lines = (v: string) =>
  v
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

export const RunJobInput = z
  .object({
    project,
    location,
    job,
    /** One argument per line; blank keeps the job's own arguments. */
    args: z.string().max(4000).default(""),
    /** NAME=value per line, added to (or replacing) the job's variables for this run. */
    env: z.string().max(8000).default(""),
    /** Blank keeps the job's task count. */
    taskCount: z.preprocess(
      (v) => (v === "" || v === undefined ? null : v),
      z.coerce.number().int("A whole number.").min(1, "At least 1.").max(1000, "At most 1000.").nullable(),
    ),
    idempotencyKey: z.uuid("Missing form key; reload the page."),
  })
  .superRefine((v, ctx) => {
    for (const line of lines(v.env)) {
      const eq = line.indexOf("=");
      const name = eq > 0 ? line.slice(0, eq) : line;
      if (eq <= 0 || !ENV_NAME.test(name))
        ctx.addIssue({ code: "custom", path: ["env"], message: `"${line.slice(0, 40)}" is not NAME=value.` });
      else if (RESERVED.has(name))
        ctx.addIssue({ code: "custom", path: ["env"], message: `${name} is set by Cloud Run for each task.` });
    }
  })
  .transform((v) => ({
    ...v,
    argList: lines(v.args),
    envList: lines(v.env).map((l) => ({ name: l.slice(0, l.indexOf("=")), value: l.slice(l.indexOf("=") + 1) })),
  }));
export type RunJobInput = z.infer<typeof RunJobInput>;

export const CancelExecutionInput = z.object({
  project,
  location,
  job,
  execution: z.string().regex(EXECUTION_ID, "Not an execution id."),
});
export type CancelExecutionInput = z.infer<typeof CancelExecutionInput>;
