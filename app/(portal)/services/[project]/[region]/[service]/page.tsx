import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { AuditTable } from "@/components/audit/audit-table";
import { ReleasesSection } from "@/components/releases/releases-section";
import { RevisionCosts } from "@/components/cost/revision-costs";
import { ConfigList, configFromService } from "@/components/services/config-list";
import { OperationProgress } from "@/components/services/operation-progress";
import { RevisionDiff } from "@/components/services/revision-diff";
import { RevisionsTable } from "@/components/services/revisions-table";
import { RollbackButton } from "@/components/services/rollback-button";
import { StatusBadge } from "@/components/services/status-badge";
import { TrafficBar } from "@/components/services/traffic-bar";
import { TrafficEditor } from "@/components/services/traffic-editor";
import { ServiceSchedules } from "@/components/schedules/service-schedules";
import { ServiceDashboard } from "@/components/observability/service-dashboard";
import { AlertsPanel } from "@/components/alerting/alerts-panel";
import { SloPanel, UptimePanel } from "@/components/alerting/objectives-panels";
import { serviceAlerting } from "@/lib/alerting";
import { Notice, Panel } from "@/components/ui/panel";
import { listAuditEvents } from "@/lib/audit";
import { hasRole } from "@/lib/auth/roles";
import { requireActor } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { AppError, NotFound } from "@/lib/errors";
import { getOperation } from "@/lib/operations";
import { activeRelease, readPlan, releaseHistoryJson, releaseJson } from "@/lib/releases";
import { getService, previousServingRevision, serviceName, servicePath } from "@/lib/services";

type Params = { project: string; region: string; service: string };

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  return { title: (await params).service };
}

export default async function ServicePage({
  params,
  searchParams,
}: {
  params: Promise<Params>;
  searchParams: Promise<{ op?: string; from?: string; to?: string }>;
}) {
  const actor = await requireActor();
  const ref = await params;
  const { op, from, to } = await searchParams;
  // An incident's time range (from the incidents page) opens the dashboard on it.
  const minute = /^\d{4}-\d\d-\d\dT\d\d:\d\d$/;
  const range = from && to && minute.test(from) && minute.test(to) ? { from, to } : undefined;
  let detail;
  try {
    detail = await getService(ref);
  } catch (err) {
    if (err instanceof NotFound) notFound();
    if (err instanceof AppError) return <Notice tone="error">{err.message}</Notice>;
    throw err;
  }
  const { service, revisions } = detail;
  const path = servicePath(ref);
  const canAct = hasRole(actor.role, "developer");
  const name = serviceName(ref);
  const [operation, history, alerting, running, releases, plan] = await Promise.all([
    getOperation(db(), op),
    listAuditEvents(db(), { target: name, limit: 15 }),
    serviceAlerting(db(), ref),
    activeRelease(db(), name),
    releaseHistoryJson(db(), name),
    readPlan(db(), name),
  ]);
  // A server component renders once per request, at the request's time.
  // eslint-disable-next-line react-hooks/purity
  const now = Date.now();
  // A release that ended in the last quarter hour stays in view with its checks and reason.
  const recent = running?.operationId ?? releases.find((r) => now - new Date(r.updatedAt).getTime() < 15 * 60_000)?.id;
  const release = recent ? await releaseJson(db(), recent) : null;
  const previous = previousServingRevision(service, revisions);
  const ready = revisions.filter((r) => r.status === "ready").map((r) => r.name);
  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <div className="text-xs text-zinc-500 dark:text-zinc-400">
            <Link href="/" className="underline underline-offset-2">
              Fleet
            </Link>{" "}
            / {ref.project} / {ref.region}
          </div>
          <h1 className="mt-1 flex items-center gap-3 text-xl font-semibold tracking-tight">
            {service.id} <StatusBadge status={service.status} message={service.statusMessage} />
          </h1>
          {service.uri && (
            <a
              href={service.uri}
              target="_blank"
              rel="noreferrer"
              className="font-mono text-xs text-indigo-600 hover:underline dark:text-indigo-400"
            >
              {service.uri}
            </a>
          )}
        </div>
        <div className="flex gap-2">
          <Link
            href={`/logs?project=${ref.project}&service=${ref.service}`}
            className="inline-flex h-8 items-center rounded-md border border-zinc-300 bg-white px-3 text-sm font-medium hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:hover:bg-zinc-800"
          >
            Logs
          </Link>
          {canAct && (
            <>
              <RollbackButton
                key={service.etag}
                service={ref}
                etag={service.etag}
                traffic={service.traffic}
                toRevision={previous?.name ?? null}
                path={path}
              />
              <Link
                href={`${path}/deploy`}
                className="inline-flex h-8 items-center rounded-md bg-indigo-600 px-3 text-sm font-medium text-white hover:bg-indigo-500"
              >
                Deploy
              </Link>
            </>
          )}
        </div>
      </div>

      {operation && (
        <OperationProgress key={operation.id} id={operation.id} initial={JSON.parse(JSON.stringify(operation))} />
      )}

      <Panel title="Traffic">
        <div className="px-4 py-3">
          <TrafficBar traffic={service.traffic} />
        </div>
        {service.traffic.some((t) => t.tag) && (
          <ul className="space-y-0.5 border-t border-zinc-100 px-4 py-2 text-xs dark:border-zinc-800">
            {service.traffic
              .filter((t) => t.tag)
              .map((t) => (
                <li key={t.tag}>
                  <span className="font-semibold">{t.tag}</span> → <span className="font-mono">{t.revision}</span>{" "}
                  {t.uri && (
                    <a
                      href={t.uri}
                      className="font-mono text-indigo-600 underline underline-offset-2 dark:text-indigo-400"
                      target="_blank"
                      rel="noreferrer"
                    >
                      {t.uri}
                    </a>
                  )}
                </li>
              ))}
          </ul>
        )}
        {canAct && (
          <details className="border-t border-zinc-200 dark:border-zinc-800">
            <summary className="cursor-pointer px-4 py-2 text-sm font-medium text-indigo-700 dark:text-indigo-300">
              Edit traffic
            </summary>
            <TrafficEditor
              key={service.etag}
              service={ref}
              etag={service.etag}
              traffic={service.traffic}
              readyRevisions={ready}
              latestReady={service.latestReadyRevision}
              path={path}
            />
          </details>
        )}
      </Panel>

      <ReleasesSection
        service={ref}
        etag={service.etag}
        active={release}
        history={releases}
        plan={plan.plan}
        canAct={canAct}
        path={path}
        planSaved={plan.saved && { by: plan.saved.by, at: plan.saved.at.toISOString() }}
        candidates={revisions.filter((r) => r.status === "ready" && r.percent === 0).map((r) => r.name)}
      />

      <ServiceSchedules service={ref} />

      <AlertsPanel
        service={ref}
        alerting={alerting}
        canAct={canAct}
        uptimeChecks={(alerting.uptimeChecks ?? []).map((c) => ({
          name: c.id,
          label: `${c.path} (every ${c.periodSeconds / 60} min)`,
        }))}
        slos={(alerting.slos ?? []).map((s) => ({ name: s.name, label: s.displayName }))}
      />

      <div id="metrics">
        <Panel title="Metrics by revision">
          <div className="p-3">
            <ServiceDashboard
              key={range ? `${range.from}/${range.to}` : "live"}
              project={ref.project}
              service={ref.service}
              initial={range}
            />
          </div>
        </Panel>
      </div>

      <div className="grid gap-5 lg:grid-cols-2">
        <SloPanel service={ref} slos={alerting.slos} error={alerting.sloError} canAct={canAct} />
        <UptimePanel service={ref} checks={alerting.uptimeChecks} error={alerting.uptimeError} canAct={canAct} />
      </div>

      <Panel title={`Revisions (${revisions.length})`}>
        <RevisionsTable revisions={revisions} />
      </Panel>

      <Panel title="Cost by revision">
        <Suspense
          fallback={<p className="px-4 py-3 text-sm text-zinc-600 dark:text-zinc-400">Reading cost by revision…</p>}
        >
          <RevisionCosts service={service} revisions={revisions} />
        </Suspense>
      </Panel>

      <div className="grid gap-5 lg:grid-cols-2">
        <Panel title="Configuration (current template)">
          <ConfigList config={configFromService(service)} />
        </Panel>
        <Panel title="Compare revisions">
          {revisions.length > 1 ? (
            <RevisionDiff revisions={revisions} />
          ) : (
            <p className="px-4 py-3 text-sm text-zinc-500 dark:text-zinc-400">Only one revision.</p>
          )}
        </Panel>
      </div>

      <Panel
        title="History"
        actions={
          <Link
            href={`/audit?target=${encodeURIComponent(serviceName(ref))}`}
            className="text-xs text-indigo-600 hover:underline dark:text-indigo-400"
          >
            All in audit →
          </Link>
        }
      >
        <AuditTable
          events={history.events}
          emptyText="Nothing has been done to this service through Runway yet."
          caption={`History of ${ref.service}, newest first`}
        />
      </Panel>
    </div>
  );
}
