import type { Metadata } from "next";
import { RunJobsTable } from "@/components/schedules/run-jobs-table";
import { SchedulesTable } from "@/components/schedules/schedules-table";
import { EmptyState, Notice, PageHeader, Panel } from "@/components/ui/panel";
import { requireActor } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { listRunJobs } from "@/lib/run-jobs";
import { HISTORY_DAYS, schedulesOverview } from "@/lib/schedules";
import { listLocations } from "@/lib/services";

export const metadata: Metadata = { title: "Schedules & jobs" };
export const dynamic = "force-dynamic";

export default async function SchedulesPage() {
  await requireActor();
  const locations = await listLocations(db());
  const [overview, runJobs] = await Promise.all([schedulesOverview(db(), locations), listRunJobs(locations)]);
  const sections = locations
    .map((l, i) => ({ ...l, schedules: overview.locations[i], jobs: runJobs[i] }))
    .filter((s) => s.schedules.error || s.jobs.error || s.schedules.schedules.length || s.jobs.jobs.length);
  return (
    <>
      <PageHeader
        title="Schedules & jobs"
        description={`Cloud Scheduler jobs that call Cloud Run services, and Cloud Run jobs, per covered project. Success rate and duration over the last ${HISTORY_DAYS} days come from Cloud Scheduler's execution log.`}
      />
      <div className="space-y-5">
        {overview.historyError && <Notice tone="error">History unavailable: {overview.historyError}</Notice>}
        {sections.length === 0 && <EmptyState title="No schedules or Cloud Run jobs in the covered projects." />}
        {sections.map((s) => (
          <Panel
            key={`${s.project}/${s.region}`}
            title={
              <>
                {s.project} <span className="font-normal text-zinc-500 dark:text-zinc-400">{s.region}</span>
              </>
            }
          >
            {s.schedules.error ? (
              <div className="p-4">
                <Notice tone="error">{s.schedules.error}</Notice>
              </div>
            ) : (
              s.schedules.schedules.length > 0 && (
                <SchedulesTable rows={s.schedules.schedules} caption={`Schedules in ${s.project} ${s.region}`} />
              )
            )}
            {s.jobs.error ? (
              <div className="p-4">
                <Notice tone="error">{s.jobs.error}</Notice>
              </div>
            ) : (
              s.jobs.jobs.length > 0 && (
                <RunJobsTable jobs={s.jobs.jobs} caption={`Cloud Run jobs in ${s.project} ${s.region}`} />
              )
            )}
          </Panel>
        ))}
      </div>
    </>
  );
}
