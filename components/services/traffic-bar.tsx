import type { TrafficEntry } from "@/lib/services";

const COLORS = ["bg-indigo-500", "bg-amber-500", "bg-emerald-500", "bg-sky-500", "bg-rose-500", "bg-violet-500"];

/** The split in effect, one segment per serving revision. */
export function TrafficBar({ traffic, compact = false }: { traffic: TrafficEntry[]; compact?: boolean }) {
  const serving = traffic.filter((t) => t.percent > 0);
  return (
    <div className="flex flex-col gap-1.5" role="group" aria-label="Traffic split">
      <div
        aria-hidden
        className={`flex w-full overflow-hidden rounded ${compact ? "h-1.5" : "h-3"} bg-zinc-200 dark:bg-zinc-800`}
      >
        {serving.map((t, i) => (
          <div
            key={t.revision + (t.tag ?? "")}
            className={COLORS[i % COLORS.length]}
            style={{ width: `${t.percent}%` }}
            title={`${t.revision}: ${t.percent}%`}
          />
        ))}
      </div>
      <ul className="flex flex-wrap gap-x-3 gap-y-0.5 text-xs">
        {serving.map((t, i) => (
          <li key={t.revision + (t.tag ?? "")} className="flex items-center gap-1">
            <span aria-hidden className={`size-2 rounded-full ${COLORS[i % COLORS.length]}`} />
            <span className="font-mono">{t.revision}</span>
            <span className="font-semibold tabular-nums">{t.percent}%</span>
            {t.latest && <span className="text-zinc-500 dark:text-zinc-400">(latest)</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}
