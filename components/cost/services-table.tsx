// Cost per service this month. Every cell carries what it was computed from
// (usage in data attributes and tooltips), so a reader (or a test) can redo
// the sum. A cost component that is zero everywhere (say, request fees inside
// the free tier) gets a sentence instead of a column of $0.00. Idle min
// instances of request-based services have their own column when any has some.
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Table, Td, Th } from "@/components/ui/table";
import type { ServiceCost } from "@/lib/cost";
import type { ServiceInsight } from "@/lib/cost/insight";
import { formatMoney, formatPercent } from "@/lib/cost/format";

function Trend({ daily, currency }: { daily: { day: string; total: number }[]; currency: string }) {
  const max = Math.max(...daily.map((d) => d.total), 0);
  if (max === 0) return <span className="text-xs text-zinc-600 dark:text-zinc-400">—</span>;
  return (
    <svg
      viewBox={`0 0 ${daily.length * 4} 20`}
      className="h-5 w-28"
      aria-label="Daily cost this month"
      preserveAspectRatio="none"
    >
      {daily.map((d, i) => (
        <rect
          key={d.day}
          x={i * 4}
          y={20 - (18 * d.total) / max}
          width={3}
          height={(18 * d.total) / max}
          className="fill-indigo-500"
        >
          <title>{`${d.day}: ${formatMoney(d.total, currency)}`}</title>
        </rect>
      ))}
    </svg>
  );
}

const listed = (xs: string[]) => (xs.length > 1 ? `${xs.slice(0, -1).join(", ")} or ${xs.at(-1)}` : xs[0]);

export function ServicesTable({
  services,
  insights,
  currency,
  pathOf,
}: {
  services: ServiceCost[];
  insights: ServiceInsight[];
  currency: string;
  pathOf: (s: ServiceCost) => string;
}) {
  const parts = (["cpu", "memory", "requests", "idle"] as const).filter((k) =>
    services.some((s) => s.monthToDate[k] > 0),
  );
  const label = { cpu: "CPU", memory: "Memory", requests: "Requests", idle: "Min-instance idle" };
  const title = {
    cpu: (s: ServiceCost) => `${Math.round(s.usage.vcpuSeconds)} vCPU-s`,
    memory: (s: ServiceCost) => `${Math.round(s.usage.gibSeconds)} GiB-s`,
    requests: (s: ServiceCost) => `${s.usage.requests} requests`,
    idle: () =>
      "Warm min instances idling (request-based billing), at the Min Instance prices; estimated from the last day's mean idle instances",
  };
  const missing = (["cpu", "memory", "requests"] as const).filter((k) => !parts.includes(k));
  const insightOf = (s: ServiceCost) => insights.find((i) => i.project === s.project && i.service === s.service);
  return (
    <>
      <Table
        caption={`Cost per service this month: billing model, ${parts.map((p) => label[p]).join(", ")} cost, month to date, forecast, change against last week and daily trend`}
      >
        <thead>
          <tr>
            <Th>Service</Th>
            <Th>Billing</Th>
            {parts.map((p) => (
              <Th key={p} className="text-right">
                {label[p]}
              </Th>
            ))}
            <Th className="text-right">Month to date</Th>
            <Th className="text-right">Forecast</Th>
            <Th className="text-right">vs last week</Th>
            <Th>Daily</Th>
          </tr>
        </thead>
        <tbody>
          {services.map((s) => {
            const v = insightOf(s)?.week;
            return (
              <tr
                key={`${s.project}/${s.service}`}
                data-testid={`cost-row-${s.service}`}
                data-billing={s.billing}
                data-vcpu-seconds={Math.round(s.usage.vcpuSeconds)}
                data-gib-seconds={Math.round(s.usage.gibSeconds)}
                data-requests={s.usage.requests}
                data-cost-cpu={s.monthToDate.cpu}
                data-cost-memory={s.monthToDate.memory}
                data-cost-requests={s.monthToDate.requests}
                data-cost-idle={s.monthToDate.idle}
                data-cost-total={s.monthToDate.total}
              >
                <Td>
                  <Link href={pathOf(s)} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                    {s.service}
                  </Link>
                  <div className="text-xs text-zinc-600 dark:text-zinc-400">
                    {s.project} · {s.region}
                  </div>
                  {s.error && <div className="text-xs text-red-600 dark:text-red-400">{s.error}</div>}
                </Td>
                <Td>
                  <Badge>{s.billing === "request" ? "request-based" : "instance-based"}</Badge>
                </Td>
                {parts.map((p) => (
                  <Td key={p} className="text-right tabular-nums" title={title[p](s)} data-part={p}>
                    {formatMoney(s.monthToDate[p], currency)}
                  </Td>
                ))}
                <Td className="text-right font-semibold tabular-nums" data-part="total">
                  {formatMoney(s.monthToDate.total, currency)}
                </Td>
                <Td className="text-right tabular-nums">{formatMoney(s.forecast, currency)}</Td>
                <Td className="text-right tabular-nums">
                  {v && v.fraction !== null ? (
                    <span
                      className={v.flagged ? "font-semibold text-amber-700 dark:text-amber-300" : ""}
                      title={v.drivers[0]?.detail}
                    >
                      {v.flagged ? "▲ " : ""}
                      {formatPercent(v.fraction)}
                    </span>
                  ) : (
                    <span className="text-xs text-zinc-600 dark:text-zinc-400">—</span>
                  )}
                </Td>
                <Td>
                  <Trend daily={s.daily} currency={currency} />
                </Td>
              </tr>
            );
          })}
        </tbody>
      </Table>
      {missing.length > 0 && (
        <p className="px-4 py-2 text-xs text-zinc-600 dark:text-zinc-400">
          No {listed(missing.map((m) => ({ cpu: "CPU", memory: "memory", requests: "request" })[m]))} charges this
          month, so {missing.length > 1 ? "those columns are" : "that column is"} left out:{" "}
          {missing.length === 3
            ? "all usage stays inside the billing account's monthly free tier"
            : missing.includes("requests")
              ? "request fees stay inside the free 2 million requests a month"
              : "that usage stays inside the free tier"}
          .
        </p>
      )}
    </>
  );
}
