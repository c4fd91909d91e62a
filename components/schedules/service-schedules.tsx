// On a service's page: the Cloud Scheduler jobs that call it. Reads the
// covered locations' schedules (cached briefly) and keeps those whose target is
// this service; renders nothing when there are none, and degrades alone.
import Link from "next/link";
import { Notice, Panel } from "@/components/ui/panel";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { listSchedules, schedulePath, schedulesCalling } from "@/lib/schedules";
import { listLocations, type ServiceRef } from "@/lib/services";
import { ScheduleStateBadge } from "./schedule-parts";

export async function ServiceSchedules({ service }: { service: ServiceRef }) {
  let calling;
  try {
    calling = schedulesCalling(await listSchedules(await listLocations(db())), service);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return <Notice tone="error">Schedules unavailable: {err.message}</Notice>;
  }
  if (calling.length === 0) return null;
  return (
    <Panel title={`Schedules that call ${service.service}`}>
      <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
        {calling.map((s) => (
          <li key={s.name} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-4 py-2 text-sm">
            <Link
              href={schedulePath({ project: s.project, location: s.location, job: s.id })}
              className="font-mono text-xs font-medium text-indigo-700 hover:underline dark:text-indigo-300"
            >
              {s.id}
            </Link>
            <ScheduleStateBadge state={s.state} />
            <span className="text-xs">
              {s.words} ({s.timeZone})
            </span>
            <span className="font-mono text-xs text-zinc-500 dark:text-zinc-400">
              {s.httpMethod} {s.uri}
            </span>
            {s.nextRuns[0] && (
              <span className="text-xs text-zinc-500 dark:text-zinc-400">
                next {s.nextRuns[0].local} ({s.nextRuns[0].utc})
              </span>
            )}
          </li>
        ))}
      </ul>
    </Panel>
  );
}
