import type { Metadata } from "next";
import { BudgetsPanel } from "@/components/cost/budgets-panel";
import { MonthChart } from "@/components/cost/month-chart";
import { RecommendationsPanel } from "@/components/cost/recommendations-panel";
import { ServicesTable } from "@/components/cost/services-table";
import { VariancePanel } from "@/components/cost/variance-panel";
import { Notice, PageHeader, Panel } from "@/components/ui/panel";
import { hasRole } from "@/lib/auth/roles";
import { requireActor } from "@/lib/auth/session";
import { config } from "@/lib/config";
import { loadCostInsight } from "@/lib/cost";
import { formatMoney } from "@/lib/cost/format";
import { db } from "@/lib/db";
import { listFleet, listLocations, servicePath } from "@/lib/services";

export const metadata: Metadata = { title: "Costs" };

const monthName = (d: Date) => d.toLocaleDateString("en-GB", { month: "long", timeZone: "UTC" });

export default async function CostsPage() {
  const actor = await requireActor();
  const now = new Date();
  const locations = await listLocations(db());
  const projects = [...new Set(locations.map((l) => l.project))];
  const fleet = await listFleet(locations);
  const { insight, inputs, signalsFailures } = await loadCostInsight(fleet.services, projects, db(), { now });
  const failures = [
    ...fleet.failures.map((f) => `${f.project}/${f.region}: ${f.error}`),
    ...inputs.failures,
    ...signalsFailures,
  ];
  const currency = inputs.currency;
  const regionOf = (project: string, service: string) =>
    fleet.services.find((s) => s.project === project && s.id === service)?.region ?? "";
  const pathOf = (s: { project: string; service: string }) =>
    servicePath({ project: s.project, region: regionOf(s.project, s.service), service: s.service });
  const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const sameDayLastMonth = insight?.chart[now.getUTCDate() - 1]?.previous ?? 0;
  return (
    <>
      <PageHeader
        title="Costs"
        description={`Cloud Run cost per service and project in ${currency}: this month, last month, budgets, what changed and what to right-size.`}
        actions={
          <a
            href="/costs/export"
            className="rounded-md border border-zinc-300 px-3 py-1.5 text-sm font-medium hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-800"
            download
          >
            Download CSV
          </a>
        }
      />
      <div className="mb-4 space-y-1">
        {config().gcp.emulatorHost && (
          <Notice>
            Local figures: the emulator&apos;s usage comes from synthetic traffic (a daily cycle, different volumes per
            service) and real requests you send, priced at Cloud Run&apos;s list prices. They show how the page works,
            not what a real bill would be.
          </Notice>
        )}
        {failures.map((f) => (
          <Notice key={f} tone="error">
            {f}
          </Notice>
        ))}
      </div>
      {insight && (
        <div className="space-y-5">
          <div className="grid gap-3 sm:grid-cols-4">
            <Panel className="px-4 py-3">
              <div className="text-xs text-zinc-600 dark:text-zinc-400">Month to date</div>
              <div className="text-2xl font-semibold tabular-nums" data-testid="cost-mtd">
                {formatMoney(insight.report.total.monthToDate, currency)}
              </div>
            </Panel>
            <Panel className="px-4 py-3">
              <div className="text-xs text-zinc-600 dark:text-zinc-400">Forecast to month end</div>
              <div className="text-2xl font-semibold tabular-nums">
                {formatMoney(insight.report.total.forecast, currency)}
              </div>
            </Panel>
            <Panel className="px-4 py-3">
              <div className="text-xs text-zinc-600 dark:text-zinc-400">
                {monthName(lastMonth)} (by the same day · whole month)
              </div>
              <div className="text-2xl font-semibold tabular-nums">
                {formatMoney(sameDayLastMonth, currency)}{" "}
                <span className="text-sm font-normal text-zinc-600 dark:text-zinc-400">
                  · {formatMoney(insight.previousMonth.total.monthToDate, currency)}
                </span>
              </div>
            </Panel>
            <Panel className="px-4 py-3">
              <div className="text-xs text-zinc-600 dark:text-zinc-400">Per project (month to date)</div>
              <ul className="mt-1 space-y-0.5 text-xs">
                {insight.report.projects.map((p) => (
                  <li key={p.project} className="flex justify-between gap-2">
                    <span>{p.project}</span>
                    <span className="tabular-nums">{formatMoney(p.monthToDate, currency)}</span>
                  </li>
                ))}
              </ul>
            </Panel>
          </div>
          <Panel title={`${monthName(now)} against ${monthName(lastMonth)}`}>
            <MonthChart
              points={insight.chart}
              currency={currency}
              thisMonth={monthName(now)}
              lastMonth={monthName(lastMonth)}
            />
          </Panel>
          <Panel title="Budgets">
            <BudgetsPanel
              canEdit={hasRole(actor.role, "operator")}
              accounts={inputs.accounts}
              budgets={insight.budgets.map((b) => ({
                name: b.name,
                account: b.account,
                displayName: b.displayName,
                amount: b.amount ?? 0,
                lastPeriod: b.amount === null,
                currency: b.currency,
                projects: b.projects,
                etag: b.etag,
                thresholds: b.thresholds,
                month: b.month,
              }))}
            />
          </Panel>
          <section id="variance">
            <Panel title="Cost changes (week over week, month over month)">
              <VariancePanel
                services={insight.services}
                projects={insight.projects}
                currency={currency}
                canEdit={hasRole(actor.role, "operator")}
                pathOf={pathOf}
              />
            </Panel>
          </section>
          <Panel title="Right-sizing">
            <RecommendationsPanel
              services={insight.services}
              currency={currency}
              canDeploy={hasRole(actor.role, "developer")}
              pathOf={pathOf}
            />
          </Panel>
          <Panel title="Services">
            <ServicesTable
              services={insight.report.services}
              insights={insight.services}
              currency={currency}
              pathOf={pathOf}
            />
          </Panel>
          <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="cost-method">
            Method: {insight.report.method} Variance and right-sizing use list prices before the free tier. Amounts
            under one cent show as “&lt; {formatMoney(0.01, currency)}”.
          </p>
        </div>
      )}
    </>
  );
}
