// The Cloud Run jobs of one location with their latest execution.
import Link from "next/link";
import { ago } from "@/components/ui/format";
import { Table, Td, Th } from "@/components/ui/table";
import { jobPath } from "@/lib/run-jobs/names";
import type { JobView } from "@/lib/run-jobs";
import { RunStateBadge } from "./schedule-parts";

export function RunJobsTable({ jobs, caption }: { jobs: JobView[]; caption: string }) {
  return (
    <Table caption={caption}>
      <thead>
        <tr>
          <Th>Cloud Run job</Th>
          <Th>Image</Th>
          <Th>Tasks</Th>
          <Th>Latest execution</Th>
        </tr>
      </thead>
      <tbody>
        {jobs.map((j) => (
          <tr key={j.name} data-testid={`run-job-row-${j.id}`}>
            <Td>
              <Link
                href={jobPath({ project: j.project, location: j.location, job: j.id })}
                className="font-mono text-xs font-medium text-indigo-700 hover:underline dark:text-indigo-300"
              >
                {j.id}
              </Link>
            </Td>
            <Td>
              <code className="text-xs">{j.image}</code>
              {j.args.length > 0 && (
                <div className="font-mono text-xs text-zinc-500 dark:text-zinc-400">{j.args.join(" ")}</div>
              )}
            </Td>
            <Td>
              <span className="text-xs">
                {j.taskCount} task{j.taskCount === 1 ? "" : "s"}
                {j.parallelism ? `, ${j.parallelism} at a time` : ""}, {j.maxRetries} retr
                {j.maxRetries === 1 ? "y" : "ies"}
              </span>
            </Td>
            <Td>
              {j.latest ? (
                <>
                  <RunStateBadge state={j.latest.state} /> <span className="font-mono text-xs">{j.latest.id}</span>{" "}
                  <span className="text-xs text-zinc-500 dark:text-zinc-400">{ago(j.latest.createdAt)}</span>
                </>
              ) : (
                <span className="text-xs text-zinc-500 dark:text-zinc-400">never run</span>
              )}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
