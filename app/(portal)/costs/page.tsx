import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Notice, PageHeader, Panel } from "@/components/ui/panel";
import { Table, Td, Th } from "@/components/ui/table";
import { requireActor } from "@/lib/auth/session";
import { loadUsageAndPrices, reportFor } from "@/lib/cost";
import { db } from "@/lib/db";
import { listFleet, listLocations, servicePath } from "@/lib/services";

export const metadata: Metadata = { title: "Costs" };

const usd = (v: number) => v.toLocaleString("en-US", { style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: v < 10 ? 4 : 2 });

/** A day-by-day bar strip, drawn in plain SVG. */
function Trend({ daily }: { daily: { day: string; total: number }[] }) {
  const max = Math.max(...daily.map((d) => d.total), 0);
  if (max === 0) return <span className="text-xs text-zinc-500 dark:text-zinc-400">—</span>;
  return (
    <svg viewBox={`0 0 ${daily.length * 4} 20`} className="h-5 w-28" aria-label="Daily cost this month" preserveAspectRatio="none">
      {daily.map((d, i) => <rect key={d.day} x={i * 4} y={20 - (18 * d.total) / max} width={3} height={(18 * d.total) / max} className="fill-indigo-500"><title>{`${d.day}: ${usd(d.total)}`}</title></rect>)}
    </svg>
  );
}

export default async function CostsPage() {
  await requireActor();
  const locations = await listLocations(db());
  const [fleet, inputs] = await Promise.all([listFleet(locations), loadUsageAndPrices([...new Set(locations.map((l) => l.project))])]);
  const report = reportFor(fleet.services, inputs);
  const failures = [...fleet.failures.map((f) => `${f.project}/${f.region}: ${f.error}`), ...inputs.failures];
  return (
    <>
      <PageHeader title="Costs" description="Cloud Run cost this month per service and project, and where the month is heading." />
      <div className="mb-4 space-y-1">
        {failures.map((f) => <Notice key={f} tone="error">{f}</Notice>)}
      </div>
      {report && (
        <div className="space-y-5">
          <div className="grid gap-3 sm:grid-cols-3">
            <Panel className="px-4 py-3"><div className="text-xs text-zinc-500 dark:text-zinc-400">Month to date</div><div className="text-2xl font-semibold tabular-nums" data-testid="cost-mtd">{usd(report.total.monthToDate)}</div></Panel>
            <Panel className="px-4 py-3"><div className="text-xs text-zinc-500 dark:text-zinc-400">Forecast to month end</div><div className="text-2xl font-semibold tabular-nums">{usd(report.total.forecast)}</div></Panel>
            <Panel className="px-4 py-3">
              <div className="text-xs text-zinc-500 dark:text-zinc-400">Per project (month to date)</div>
              <ul className="mt-1 space-y-0.5 text-xs">{report.projects.map((p) => <li key={p.project} className="flex justify-between gap-2"><span>{p.project}</span><span className="tabular-nums">{usd(p.monthToDate)}</span></li>)}</ul>
            </Panel>
          </div>
          <Panel title="Services">
            <Table caption="Cost per service this month: billing model, CPU, memory and request cost, month to date, forecast and daily trend">
              <thead><tr><Th>Service</Th><Th>Billing</Th><Th className="text-right">CPU</Th><Th className="text-right">Memory</Th><Th className="text-right">Requests</Th><Th className="text-right">Month to date</Th><Th className="text-right">Forecast</Th><Th>Daily</Th></tr></thead>
              <tbody>
                {report.services.map((s) => (
                  <tr key={`${s.project}/${s.service}`} data-testid={`cost-row-${s.service}`}>
                    <Td>
                      <Link href={servicePath({ project: s.project, region: s.region, service: s.service })} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">{s.service}</Link>
                      <div className="text-xs text-zinc-500 dark:text-zinc-400">{s.project} · {s.region}</div>
                      {s.error && <div className="text-xs text-red-600 dark:text-red-400">{s.error}</div>}
                    </Td>
                    <Td><Badge>{s.billing === "request" ? "request-based" : "instance-based"}</Badge></Td>
                    <Td className="text-right tabular-nums" title={`${Math.round(s.usage.vcpuSeconds)} vCPU-s`}>{usd(s.monthToDate.cpu)}</Td>
                    <Td className="text-right tabular-nums" title={`${Math.round(s.usage.gibSeconds)} GiB-s`}>{usd(s.monthToDate.memory)}</Td>
                    <Td className="text-right tabular-nums" title={`${s.usage.requests} requests`}>{usd(s.monthToDate.requests)}</Td>
                    <Td className="text-right font-semibold tabular-nums">{usd(s.monthToDate.total)}</Td>
                    <Td className="text-right tabular-nums">{usd(s.forecast)}</Td>
                    <Td><Trend daily={s.daily} /></Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          </Panel>
          <p className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="cost-method">Method: {report.method}</p>
        </div>
      )}
    </>
  );
}
