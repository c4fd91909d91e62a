// A service's cost by revision: per day and per 1,000 requests (list prices),
// and what the latest deploy changes per month against the revision before it,
// projected from its limits until it has a day of its own data; and its idle
// min instances' own cost (request-based billing), which no revision row holds.
import { Notice } from "@/components/ui/panel";
import { Table, Td, Th } from "@/components/ui/table";
import { serviceCostByRevision } from "@/lib/cost/service-cost";
import { formatChange, formatMoney, formatUnitCost } from "@/lib/cost/format";
import type { RevisionView, ServiceView } from "@/lib/services";

export async function RevisionCosts({ service, revisions }: { service: ServiceView; revisions: RevisionView[] }) {
  let view;
  try {
    view = await serviceCostByRevision(service, revisions);
  } catch (err) {
    return (
      <div className="p-3">
        <Notice tone="error">Cost by revision: {(err as Error).message}</Notice>
      </div>
    );
  }
  const { currency, impact, idle } = view;
  return (
    <div className="space-y-2 py-2">
      {idle && (
        <p className="px-4 text-sm" data-testid="min-instance-idle-cost">
          Min-instance idle: <span className="font-semibold">{formatMoney(idle.perDay, currency)} a day</span> ·{" "}
          {formatMoney(idle.monthToDate, currency)} this month so far{" "}
          <span className="text-xs text-zinc-600 dark:text-zinc-400">
            ({idle.idleInstances.toFixed(1)} warm instance{idle.idleInstances >= 1.05 ? "s" : ""} idle on average over
            the last day, billed at the Min Instance prices; not in the revision rows, which count request time)
          </span>
        </p>
      )}
      {impact && (
        <p className="px-4 text-sm" data-testid="deploy-cost-impact">
          Latest deploy ({impact.current} after {impact.previous}):{" "}
          <span className="font-semibold">{formatChange(impact.monthlyChange, currency)} a month</span>
          {impact.per1000Before !== null && impact.per1000After !== null && (
            <>
              {" "}
              · per 1,000 requests {formatUnitCost(impact.per1000Before, currency)} →{" "}
              {formatUnitCost(impact.per1000After, currency)}
            </>
          )}{" "}
          <span className="text-xs text-zinc-600 dark:text-zinc-400">
            (
            {impact.basis === "allocation"
              ? "projected from its CPU and memory limits at the previous revision's traffic; measured once it has a day of data"
              : "measured over its days of data"}
            )
          </span>
        </p>
      )}
      {view.revisions.length ? (
        <Table caption="Cost per revision at list prices: days with usage, cost per day, per 1,000 requests and in all">
          <thead>
            <tr>
              <Th>Revision</Th>
              <Th className="text-right">Days</Th>
              <Th className="text-right">Per day</Th>
              <Th className="text-right">Per 1,000 requests</Th>
              <Th className="text-right">Requests</Th>
              <Th className="text-right">Total</Th>
            </tr>
          </thead>
          <tbody>
            {view.revisions.map((r) => (
              <tr key={r.revision} data-testid={`revision-cost-${r.revision}`}>
                <Td>
                  <code className="text-xs">{r.revision}</code>
                </Td>
                <Td className="text-right tabular-nums">{r.days}</Td>
                <Td className="text-right tabular-nums">{formatMoney(r.perDay, currency)}</Td>
                <Td className="text-right tabular-nums">
                  {r.per1000Requests === null ? "—" : formatUnitCost(r.per1000Requests, currency)}
                </Td>
                <Td className="text-right tabular-nums">{r.requests.toLocaleString("en-US")}</Td>
                <Td className="text-right tabular-nums">{formatMoney(r.cost.total, currency)}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      ) : (
        <p className="px-4 text-sm text-zinc-600 dark:text-zinc-400">
          No usage recorded for its revisions since the 1st of last month.
        </p>
      )}
    </div>
  );
}
