// The cost insight as CSV (RFC 4180: quoted where needed, CRLF), pure.
import type { CostInsight } from "./insight";

const cell = (v: string | number | null) => {
  const s = v === null ? "" : typeof v === "number" ? String(+v.toFixed(6)) : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export const CSV_HEADER = [
  "project",
  "region",
  "service",
  "billing",
  "vcpu_seconds",
  "gib_seconds",
  "requests",
  "cpu_cost",
  "memory_cost",
  "request_cost",
  "min_instance_idle_cost",
  "month_to_date",
  "forecast",
  "currency",
  "week_over_week",
  "month_over_month",
  "flag",
];

export function costCsv(insight: CostInsight, currency: string): string {
  const rows = insight.report.services.map((s) => {
    const i = insight.services.find((x) => x.project === s.project && x.service === s.service);
    const flag = i && (i.week.flagged || i.month.flagged) ? (i.week.flagged ? "week" : "month") : "";
    return [
      s.project,
      s.region,
      s.service,
      s.billing,
      Math.round(s.usage.vcpuSeconds),
      Math.round(s.usage.gibSeconds),
      s.usage.requests,
      s.monthToDate.cpu,
      s.monthToDate.memory,
      s.monthToDate.requests,
      s.monthToDate.idle,
      s.monthToDate.total,
      s.forecast,
      currency,
      i?.week.fraction ?? null,
      i?.month.fraction ?? null,
      flag,
    ];
  });
  return [CSV_HEADER, ...rows].map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
}
