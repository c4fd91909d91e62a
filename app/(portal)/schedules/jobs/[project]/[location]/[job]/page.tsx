import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ExecutionsTable } from "@/components/schedules/executions-table";
import { RunJobForm } from "@/components/schedules/run-job-form";
import { RunStateBadge } from "@/components/schedules/schedule-parts";
import { OperationProgress } from "@/components/services/operation-progress";
import { Notice, Panel } from "@/components/ui/panel";
import { hasRole } from "@/lib/auth/roles";
import { requireActor } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { AppError, NotFound } from "@/lib/errors";
import { getRunJob, jobName, jobPath, listExecutions, type JobRef } from "@/lib/run-jobs";
import { getOperation } from "@/lib/operations";
import { listLocations } from "@/lib/services";

export async function generateMetadata({ params }: { params: Promise<JobRef> }): Promise<Metadata> {
  return { title: (await params).job };
}

export const dynamic = "force-dynamic";

export default async function RunJobPage({
  params,
  searchParams,
}: {
  params: Promise<JobRef>;
  searchParams: Promise<{ op?: string }>;
}) {
  const actor = await requireActor();
  const ref = await params;
  const { op } = await searchParams;
  const locations = await listLocations(db());
  if (!locations.some((l) => l.project === ref.project && l.region === ref.location)) notFound();
  let job,
    executions,
    executionsError: string | null = null;
  try {
    job = await getRunJob(ref);
  } catch (err) {
    if (err instanceof NotFound) notFound();
    if (err instanceof AppError) return <Notice tone="error">{err.message}</Notice>;
    throw err;
  }
  try {
    executions = await listExecutions(ref);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    executionsError = err.message;
  }
  const operation = await getOperation(db(), op);
  const canAct = hasRole(actor.role, "developer");
  const path = jobPath(ref);
  return (
    <div className="space-y-5">
      <div>
        <div className="text-xs text-zinc-500 dark:text-zinc-400">
          <Link href="/schedules" className="underline underline-offset-2">
            Schedules &amp; jobs
          </Link>{" "}
          / {ref.project} / {ref.location}
        </div>
        <h1 className="mt-1 flex items-center gap-3 text-xl font-semibold tracking-tight">
          <span className="font-mono">{job.id}</span> {job.latest && <RunStateBadge state={job.latest.state} />}
        </h1>
        <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">
          Cloud Run job · <code className="text-xs">{job.image}</code>
          {job.args.length > 0 && (
            <>
              {" "}
              · <code className="text-xs">{job.args.join(" ")}</code>
            </>
          )}{" "}
          · {job.taskCount} task{job.taskCount === 1 ? "" : "s"}
          {job.parallelism ? `, ${job.parallelism} at a time` : ""}, up to {job.maxRetries}{" "}
          {job.maxRetries === 1 ? "retry" : "retries"} each
          {job.timeoutSeconds ? `, ${job.timeoutSeconds} s timeout` : ""}
        </p>
      </div>

      {operation && operation.kind === "job-run" && operation.target === jobName(ref) && (
        <OperationProgress key={operation.id} id={operation.id} initial={JSON.parse(JSON.stringify(operation))} />
      )}

      {canAct && (
        <Panel title="Run with overrides">
          <RunJobForm job={ref} taskCount={job.taskCount} path={path} />
        </Panel>
      )}

      <Panel title="Executions (newest first)">
        {executionsError ? (
          <div className="p-4">
            <Notice tone="error">{executionsError}</Notice>
          </div>
        ) : (
          <ExecutionsTable job={ref} executions={executions ?? []} canCancel={canAct} />
        )}
      </Panel>
    </div>
  );
}
