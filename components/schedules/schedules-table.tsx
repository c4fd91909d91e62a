// The schedules of one location: words, next runs (zone and UTC), target,
// state, last attempt, 30-day success rate and duration, breached targets.
import Link from "next/link";
import { ago, utc } from "@/components/ui/format";
import { Table, Td, Th } from "@/components/ui/table";
import { servicePath } from "@/lib/services/names";
import { schedulePath } from "@/lib/schedules/names";
import type { ScheduleRow } from "@/lib/schedules";
import { AttemptBadge, Breaches, DurationSummary, ScheduleStateBadge, SuccessRate } from "./schedule-parts";

function pathOf(uri: string): string {
  try {
    return new URL(uri).pathname;
  } catch {
    return uri;
  }
}

export function SchedulesTable({ rows, caption }: { rows: ScheduleRow[]; caption: string }) {
  return (
    <Table caption={caption}>
      <thead>
        <tr>
          <Th>Schedule</Th>
          <Th>Next runs</Th>
          <Th>Target</Th>
          <Th>State</Th>
          <Th>Last attempt</Th>
          <Th>30 days</Th>
        </tr>
      </thead>
      <tbody>
        {rows.map((s) => (
          <tr key={s.name} data-testid={`schedule-row-${s.id}`}>
            <Td>
              <Link
                href={schedulePath({ project: s.project, location: s.location, job: s.id })}
                className="font-mono text-xs font-medium text-indigo-700 hover:underline dark:text-indigo-300"
              >
                {s.id}
              </Link>
              <div className="text-xs">
                {s.words} <span className="text-zinc-500 dark:text-zinc-400">({s.timeZone})</span>
              </div>
              <code className="text-xs text-zinc-500 dark:text-zinc-400">{s.schedule}</code>
            </Td>
            <Td>
              {s.nextRuns.length ? (
                <ol aria-label={`Next runs of ${s.id}`} className="space-y-1 whitespace-nowrap text-xs">
                  {s.nextRuns.map((r) => (
                    <li key={r.utc}>
                      <span className="font-mono">{r.local}</span>
                      {r.local !== r.utc && <div className="text-zinc-500 dark:text-zinc-400">{r.utc}</div>}
                    </li>
                  ))}
                </ol>
              ) : (
                <span className="text-xs text-zinc-500 dark:text-zinc-400">none while {s.state.toLowerCase()}</span>
              )}
            </Td>
            <Td>
              {s.target ? (
                <Link
                  href={servicePath(s.target)}
                  className="font-mono text-xs text-indigo-700 hover:underline dark:text-indigo-300"
                >
                  {s.target.service}
                </Link>
              ) : (
                <span className="text-xs text-zinc-500 dark:text-zinc-400">not a covered service</span>
              )}
              <div className="max-w-56 truncate font-mono text-xs text-zinc-500 dark:text-zinc-400" title={s.uri}>
                {s.httpMethod} {pathOf(s.uri)}
              </div>
            </Td>
            <Td>
              <ScheduleStateBadge state={s.state} />
            </Td>
            <Td>
              {s.lastAttemptAt ? (
                <>
                  <AttemptBadge ok={s.lastStatus?.ok ?? null} />{" "}
                  <span className="text-xs" title={utc(s.lastAttemptAt)}>
                    {ago(s.lastAttemptAt)}
                  </span>
                  {s.lastStatus && !s.lastStatus.ok && (
                    <div className="max-w-56 text-xs text-red-700 dark:text-red-400">{s.lastStatus.message}</div>
                  )}
                </>
              ) : (
                <span className="text-xs text-zinc-500 dark:text-zinc-400">never</span>
              )}
            </Td>
            <Td>
              <div>
                <SuccessRate history={s.history} />
              </div>
              <div>
                <DurationSummary history={s.history} />
              </div>
              <Breaches breaches={s.breaches} />
              {s.history &&
                s.breaches.length === 0 &&
                (s.targets.maxDurationSeconds !== null || s.targets.maxFreshnessHours !== null) && (
                  <div className="text-xs text-emerald-700 dark:text-emerald-400">targets met</div>
                )}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
