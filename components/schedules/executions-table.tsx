// A Cloud Run job's executions with their tasks: state, attempts, durations,
// and a link to each execution's logs (the logs page, filtered to it).
import Link from "next/link";
import { utc } from "@/components/ui/format";
import { EmptyState } from "@/components/ui/panel";
import { Table, Td, Th } from "@/components/ui/table";
import { executionLogsPath, type ExecutionView, type JobRef } from "@/lib/run-jobs";
import { formatDuration } from "@/lib/schedules/targets";
import { CancelExecutionButton } from "./cancel-execution-button";
import { RunStateBadge } from "./schedule-parts";

const duration = (ms: number | null) => (ms === null ? "—" : formatDuration(ms));

export function ExecutionsTable({
  job,
  executions,
  canCancel,
}: {
  job: JobRef;
  executions: ExecutionView[];
  canCancel: boolean;
}) {
  if (executions.length === 0) return <EmptyState title="This job has not run yet." />;
  return (
    <Table caption={`Executions of ${job.job}, newest first`}>
      <thead>
        <tr>
          <Th>Execution</Th>
          <Th>State</Th>
          <Th>Started</Th>
          <Th>Duration</Th>
          <Th>Tasks</Th>
          <Th>
            <span className="sr-only">Actions</span>
          </Th>
        </tr>
      </thead>
      <tbody>
        {executions.map((e) => (
          <tr key={e.name} data-testid={`execution-row-${e.id}`}>
            <Td>
              <span className="whitespace-nowrap font-mono text-xs font-medium">{e.id}</span>
              <div>
                <Link
                  href={executionLogsPath({ ...job, execution: e.id })}
                  className="text-xs text-indigo-700 hover:underline dark:text-indigo-300"
                >
                  Logs
                </Link>
              </div>
            </Td>
            <Td>
              <RunStateBadge state={e.state} />
              {e.message && <div className="max-w-64 text-xs text-red-700 dark:text-red-400">{e.message}</div>}
            </Td>
            <Td>
              <span className="whitespace-nowrap text-xs">{utc(e.startedAt ?? e.createdAt)}</span>
            </Td>
            <Td>
              <span className="text-xs" data-testid="execution-duration">
                {e.state === "running" || e.state === "pending" ? "running" : duration(e.durationMs)}
              </span>
            </Td>
            <Td>
              <p className="text-xs">
                {e.counts.succeeded}/{e.counts.tasks} succeeded{e.counts.failed ? `, ${e.counts.failed} failed` : ""}
                {e.counts.running ? `, ${e.counts.running} running` : ""}
                {e.counts.retried ? `, ${e.counts.retried} retried` : ""}
              </p>
              <ul aria-label={`Tasks of ${e.id}`} className="mt-1 flex flex-wrap gap-1">
                {e.tasks.map((t) => (
                  <li
                    key={t.id}
                    title={`task ${t.index}: ${t.state}${t.retried ? `, ${t.retried} retries` : ""}${t.exitCode ? `, exit ${t.exitCode}` : ""}${t.message ? ` — ${t.message}` : ""}`}
                    className="text-xs"
                  >
                    <RunStateBadge state={t.state} />{" "}
                    <span className="text-zinc-500 dark:text-zinc-400">
                      #{t.index} {duration(t.durationMs)}
                      {t.retried ? ` (${t.retried}×)` : ""}
                    </span>
                  </li>
                ))}
              </ul>
            </Td>
            <Td>
              {canCancel && (e.state === "running" || e.state === "pending") && (
                <CancelExecutionButton execution={{ ...job, execution: e.id }} />
              )}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
