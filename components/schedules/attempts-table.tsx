// A schedule's attempts, newest first (only the newest are rendered: 30 days
// at every 5 minutes is 8,600 of them), each linking to the target service's
// logs over the attempt's time.
import Link from "next/link";
import { utc } from "@/components/ui/format";
import { EmptyState } from "@/components/ui/panel";
import { Table, Td, Th } from "@/components/ui/table";
import { formatDuration, type Attempt } from "@/lib/schedules";
import type { ServiceRef } from "@/lib/services/names";
import { AttemptBadge } from "./schedule-parts";

export const ATTEMPTS_SHOWN = 50;

function logsHref(a: Attempt, target: ServiceRef | null): string | null {
  if (!target) return null;
  const from = new Date(a.startedAt.getTime() - 1000).toISOString();
  const to = new Date((a.finishedAt ?? new Date(a.startedAt.getTime() + 30 * 60_000)).getTime() + 1000).toISOString();
  return `/logs?${new URLSearchParams({ project: target.project, service: target.service, range: "custom", from, to })}`;
}

export function AttemptsTable({ attempts, target }: { attempts: Attempt[]; target: ServiceRef | null }) {
  if (attempts.length === 0) return <EmptyState title="No attempts in the execution log yet." />;
  const shown = attempts.slice(0, ATTEMPTS_SHOWN);
  return (
    <>
      <Table caption="Attempts, newest first">
        <thead>
          <tr>
            <Th>Started</Th>
            <Th>Scheduled for</Th>
            <Th>Outcome</Th>
            <Th>Duration</Th>
            <Th>Logs</Th>
          </tr>
        </thead>
        <tbody>
          {shown.map((a) => {
            const href = logsHref(a, target);
            return (
              <tr key={a.id} data-testid="attempt-row">
                <Td>
                  <span className="text-xs">{utc(a.startedAt)}</span>
                </Td>
                <Td>
                  <span className="text-xs text-zinc-500 dark:text-zinc-400">
                    {a.scheduledTime ? utc(new Date(a.scheduledTime)) : "—"}
                  </span>
                </Td>
                <Td>
                  <AttemptBadge ok={a.ok} />{" "}
                  {a.ok === false && (
                    <span className="text-xs text-red-700 dark:text-red-400">
                      {[a.httpStatus ? `HTTP ${a.httpStatus}` : null, a.status].filter(Boolean).join(" · ")}
                    </span>
                  )}
                </Td>
                <Td>
                  <span className="text-xs" data-testid="attempt-duration">
                    {a.durationMs === null ? "—" : formatDuration(a.durationMs)}
                  </span>
                </Td>
                <Td>
                  {href ? (
                    <Link href={href} className="text-xs text-indigo-700 hover:underline dark:text-indigo-300">
                      Logs
                    </Link>
                  ) : null}
                </Td>
              </tr>
            );
          })}
        </tbody>
      </Table>
      {attempts.length > shown.length && (
        <p className="px-4 py-2 text-xs text-zinc-500 dark:text-zinc-400">
          The newest {shown.length} of {attempts.length} attempts.
        </p>
      )}
    </>
  );
}
