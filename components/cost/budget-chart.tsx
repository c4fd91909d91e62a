// A budget's month in plain SVG: spend so far (solid), the forecast to month
// end (dashed), and each threshold as a horizontal line.
import { formatMoney } from "@/lib/cost/format";
import type { BudgetMonth } from "@/lib/cost/budget-math";

export function BudgetChart({ month, currency, name }: { month: BudgetMonth; currency: string; name: string }) {
  const days = [...month.actual, ...month.projected];
  const top = Math.max(month.amount, month.forecast, ...month.thresholds.map((t) => t.amount)) * 1.05 || 1;
  const W = 300,
    H = 80;
  const x = (i: number) => (i / Math.max(1, days.length - 1)) * W;
  const y = (v: number) => H - (v / top) * H;
  const actual = month.actual.map((d, i) => `${x(i)},${y(d.total)}`).join(" ");
  const last = month.actual.length - 1;
  const forecast = [
    `${x(last)},${y(month.actual[last]?.total ?? 0)}`,
    ...month.projected.map((d, i) => `${x(last + 1 + i)},${y(d.total)}`),
  ].join(" ");
  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      className="h-20 w-full"
      preserveAspectRatio="none"
      role="img"
      aria-label={`${name}: spent ${formatMoney(month.spent, currency)} of ${formatMoney(month.amount, currency)}; forecast line to ${formatMoney(month.forecast, currency)} at month end`}
    >
      {month.thresholds.map((t, i) => (
        <line
          key={i}
          x1={0}
          x2={W}
          y1={y(t.amount)}
          y2={y(t.amount)}
          strokeWidth={1}
          className={t.percent >= 1 ? "stroke-red-400" : "stroke-amber-400"}
          vectorEffect="non-scaling-stroke"
        />
      ))}
      <polyline
        points={forecast}
        fill="none"
        strokeWidth={2}
        strokeDasharray="5 4"
        className="stroke-indigo-400"
        vectorEffect="non-scaling-stroke"
        data-testid="budget-forecast-line"
      />
      <polyline
        points={actual}
        fill="none"
        strokeWidth={2.5}
        className="stroke-indigo-700 dark:stroke-indigo-300"
        vectorEffect="non-scaling-stroke"
      />
    </svg>
  );
}
