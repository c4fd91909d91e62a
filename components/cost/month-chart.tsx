// This month's cumulative cost against last month's, day by day, in plain
// SVG: last month as a grey dashed line, this month as a solid one.
import { formatMoney } from "@/lib/cost/format";

type Point = { day: number; current: number | null; previous: number | null };

export function MonthChart({
  points,
  currency,
  thisMonth,
  lastMonth,
}: {
  points: Point[];
  currency: string;
  thisMonth: string;
  lastMonth: string;
}) {
  const max = Math.max(0, ...points.flatMap((p) => [p.current ?? 0, p.previous ?? 0]));
  const W = 600,
    H = 160,
    n = points.length;
  const x = (day: number) => ((day - 1) / Math.max(1, n - 1)) * W;
  const y = (v: number) => H - (max > 0 ? (v / max) * (H - 10) : 0);
  const line = (key: "current" | "previous") =>
    points
      .filter((p) => p[key] !== null)
      .map((p) => `${x(p.day)},${y(p[key]!)}`)
      .join(" ");
  const cur = points.filter((p) => p.current !== null).at(-1);
  const prevSame = cur ? points[cur.day - 1]?.previous : null;
  const prevEnd = points.filter((p) => p.previous !== null).at(-1)?.previous ?? 0;
  const label = `${thisMonth} so far ${formatMoney(cur?.current ?? 0, currency)}; ${lastMonth} by the same day ${formatMoney(prevSame ?? 0, currency)}, whole month ${formatMoney(prevEnd, currency)}`;
  return (
    <figure className="px-4 py-3">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        className="h-40 w-full"
        role="img"
        aria-label={`Cumulative cost: ${label}`}
        preserveAspectRatio="none"
      >
        <polyline
          points={line("previous")}
          fill="none"
          strokeWidth={2}
          strokeDasharray="6 4"
          className="stroke-zinc-400"
          vectorEffect="non-scaling-stroke"
        />
        <polyline
          points={line("current")}
          fill="none"
          strokeWidth={2.5}
          className="stroke-indigo-600 dark:stroke-indigo-400"
          vectorEffect="non-scaling-stroke"
        />
      </svg>
      <figcaption className="mt-2 flex flex-wrap gap-4 text-xs text-zinc-600 dark:text-zinc-400">
        <span>
          <span aria-hidden className="mr-1 inline-block h-0.5 w-4 bg-indigo-600 align-middle dark:bg-indigo-400" />
          {thisMonth}
        </span>
        <span>
          <span
            aria-hidden
            className="mr-1 inline-block h-0.5 w-4 border-t-2 border-dashed border-zinc-400 align-middle"
          />
          {lastMonth}
        </span>
        <span>{label}</span>
      </figcaption>
    </figure>
  );
}
