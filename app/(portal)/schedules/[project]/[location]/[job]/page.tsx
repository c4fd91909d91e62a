import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AttemptsTable } from "@/components/schedules/attempts-table";
import { EditScheduleForm } from "@/components/schedules/edit-schedule-form";
import { ScheduleControls } from "@/components/schedules/schedule-controls";
import { Breaches, DurationSummary, ScheduleStateBadge, SuccessRate } from "@/components/schedules/schedule-parts";
import { TargetsForm } from "@/components/schedules/targets-form";
import { ago, utc } from "@/components/ui/format";
import { Notice, Panel } from "@/components/ui/panel";
import { hasRole } from "@/lib/auth/roles";
import { requireActor } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { AppError, NotFound } from "@/lib/errors";
import { formatDuration, HISTORY_DAYS, scheduleDetail, type ScheduleRef } from "@/lib/schedules";
import { listFleet, listLocations, servicePath } from "@/lib/services";

type Params = ScheduleRef;

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  return { title: (await params).job };
}

export const dynamic = "force-dynamic";

export default async function SchedulePage({ params }: { params: Promise<Params> }) {
  const actor = await requireActor();
  const ref = await params;
  const locations = await listLocations(db());
  if (!locations.some((l) => l.project === ref.project && l.region === ref.location)) notFound();
  let detail;
  try {
    detail = await scheduleDetail(db(), ref, locations);
  } catch (err) {
    if (err instanceof NotFound) notFound();
    if (err instanceof AppError) return <Notice tone="error">{err.message}</Notice>;
    throw err;
  }
  const { schedule: s, historyError } = detail;
  const canAct = hasRole(actor.role, "developer");
  const serviceUrls = canAct ? (await listFleet(locations)).services.flatMap((v) => (v.uri ? [v.uri] : [])) : [];
  const h = s.history;
  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <div className="text-xs text-zinc-500 dark:text-zinc-400">
            <Link href="/schedules" className="underline underline-offset-2">
              Schedules &amp; jobs
            </Link>{" "}
            / {ref.project} / {ref.location}
          </div>
          <h1 className="mt-1 flex items-center gap-3 text-xl font-semibold tracking-tight">
            <span className="font-mono">{s.id}</span> <ScheduleStateBadge state={s.state} />
          </h1>
          {s.description && <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">{s.description}</p>}
        </div>
        {canAct && (
          <ScheduleControls
            schedule={ref}
            state={s.state}
            newestAttempt={h?.attempts[0]?.startedAt.toISOString() ?? null}
            running={h?.attempts[0]?.ok === null}
          />
        )}
      </div>

      <div className="grid gap-5 lg:grid-cols-2">
        <Panel title="Schedule">
          <dl className="grid grid-cols-[9rem_1fr] gap-x-3 gap-y-2 px-4 py-3 text-sm">
            <dt className="text-zinc-500 dark:text-zinc-400">When</dt>
            <dd>
              {s.words} <span className="text-zinc-500 dark:text-zinc-400">({s.timeZone})</span>{" "}
              <code className="ml-1 text-xs">{s.schedule}</code>
            </dd>
            <dt className="text-zinc-500 dark:text-zinc-400">Next runs</dt>
            <dd>
              {s.nextRuns.length ? (
                <ol aria-label="Next runs" className="space-y-0.5 text-xs">
                  {s.nextRuns.map((r) => (
                    <li key={r.utc}>
                      <span className="font-mono">{r.local}</span>
                      {r.local !== r.utc && <span className="text-zinc-500 dark:text-zinc-400"> = {r.utc}</span>}
                    </li>
                  ))}
                </ol>
              ) : (
                <span className="text-xs text-zinc-500 dark:text-zinc-400">none while {s.state.toLowerCase()}</span>
              )}
            </dd>
            <dt className="text-zinc-500 dark:text-zinc-400">Target</dt>
            <dd>
              {s.target ? (
                <Link
                  href={servicePath(s.target)}
                  className="font-mono text-xs text-indigo-700 hover:underline dark:text-indigo-300"
                >
                  {s.target.service}
                </Link>
              ) : (
                <span className="text-xs">not a covered service</span>
              )}
              <div className="break-all font-mono text-xs text-zinc-500 dark:text-zinc-400">
                {s.httpMethod} {s.uri}
              </div>
            </dd>
            <dt className="text-zinc-500 dark:text-zinc-400">Retry</dt>
            <dd className="text-xs">
              {s.retry.retryCount} retr{s.retry.retryCount === 1 ? "y" : "ies"}, backoff {s.retry.minBackoffSeconds}–
              {s.retry.maxBackoffSeconds} s, {s.retry.maxDoublings} doublings; deadline{" "}
              {formatDuration(s.attemptDeadlineSeconds * 1000)}
            </dd>
            <dt className="text-zinc-500 dark:text-zinc-400">Last attempt</dt>
            <dd className="text-xs">
              {s.lastAttemptAt ? (
                <>
                  {utc(s.lastAttemptAt)} ({ago(s.lastAttemptAt)}) —{" "}
                  {s.lastStatus?.ok ? (
                    <span className="text-emerald-700 dark:text-emerald-400">succeeded</span>
                  ) : (
                    <span className="text-red-700 dark:text-red-400">failed: {s.lastStatus?.message}</span>
                  )}
                </>
              ) : (
                "never"
              )}
            </dd>
          </dl>
        </Panel>

        <Panel title={`Last ${HISTORY_DAYS} days`}>
          <div className="space-y-2 px-4 py-3 text-sm">
            {historyError ? (
              <Notice tone="error">History unavailable: {historyError}</Notice>
            ) : (
              <>
                <p>
                  Success rate: <SuccessRate history={h} />
                  {h && h.runs.running > 0 && (
                    <span className="text-xs text-amber-800 dark:text-amber-400"> ({h.runs.running} running)</span>
                  )}
                </p>
                <p>
                  Duration: <DurationSummary history={h} />
                </p>
                <p className="text-xs text-zinc-500 dark:text-zinc-400">
                  Last success: {h?.lastSuccessAt ? `${utc(h.lastSuccessAt)} (${ago(h.lastSuccessAt)})` : "none"}
                </p>
              </>
            )}
            <div>
              <h3 className="mt-2 text-xs font-semibold uppercase tracking-wide text-zinc-500 dark:text-zinc-400">
                Targets
              </h3>
              <p className="text-xs">
                {s.targets.maxDurationSeconds === null && s.targets.maxFreshnessHours === null
                  ? "None set."
                  : [
                      s.targets.maxDurationSeconds !== null
                        ? `runs under ${formatDuration(s.targets.maxDurationSeconds * 1000)}`
                        : null,
                      s.targets.maxFreshnessHours !== null ? `a success within ${s.targets.maxFreshnessHours} h` : null,
                    ]
                      .filter(Boolean)
                      .join("; ")}
                {s.breaches.length === 0 &&
                  (s.targets.maxDurationSeconds !== null || s.targets.maxFreshnessHours !== null) &&
                  !historyError && <span className="text-emerald-700 dark:text-emerald-400"> — met</span>}
              </p>
              <Breaches breaches={s.breaches} />
            </div>
          </div>
          {canAct && (
            <TargetsForm
              schedule={ref}
              maxDurationSeconds={s.targets.maxDurationSeconds}
              maxFreshnessHours={s.targets.maxFreshnessHours}
            />
          )}
        </Panel>
      </div>

      {canAct && (
        <Panel title="Edit schedule">
          <EditScheduleForm
            schedule={ref}
            initial={{
              schedule: s.schedule,
              timeZone: s.timeZone,
              uri: s.uri,
              retry: s.retry,
              attemptDeadlineSeconds: s.attemptDeadlineSeconds,
            }}
            serviceUrls={serviceUrls}
            now={new Date().toISOString()}
          />
        </Panel>
      )}

      <Panel title="Attempts">{h && <AttemptsTable attempts={h.attempts} target={s.target} />}</Panel>
    </div>
  );
}
