// Right-sizing suggestions with a monthly saving each. "Deploy with this
// setting" opens the normal deploy form prefilled: nothing changes until a
// person reviews it and deploys.
import Link from "next/link";
import { EmptyState } from "@/components/ui/panel";
import type { ServiceInsight } from "@/lib/cost/insight";
import { formatMoney } from "@/lib/cost/format";

export function deployHref(base: string, settings: Record<string, string | number>, why: string): string {
  const q = new URLSearchParams({
    ...Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, String(v)])),
    reason: why,
  });
  return `${base}/deploy?${q}`;
}

export function RecommendationsPanel({
  services,
  currency,
  canDeploy,
  pathOf,
}: {
  services: ServiceInsight[];
  currency: string;
  canDeploy: boolean;
  pathOf: (s: ServiceInsight) => string;
}) {
  const all = services
    .flatMap((s) => s.recommendations.map((r) => ({ s, r })))
    .sort((a, b) => b.r.monthlySaving - a.r.monthlySaving);
  if (!all.length)
    return (
      <EmptyState title="Nothing to right-size">
        Suggestions appear when memory sits far below its limit, CPU is allocated while idle, warm instances idle, or
        concurrency is lower than latency allows.
      </EmptyState>
    );
  return (
    <>
      <p className="px-4 pt-3 text-xs text-zinc-600 dark:text-zinc-400">
        Savings are list prices at the last 7 days&apos; rate, before the free tier. Each opens the deploy form with the
        setting filled in; nothing changes until you deploy.
      </p>
      <ul className="divide-y divide-zinc-200 px-4 dark:divide-zinc-800">
        {all.map(({ s, r }) => (
          <li
            key={`${s.project}/${s.service}/${r.kind}`}
            className="flex flex-wrap items-start justify-between gap-3 py-3"
            data-testid={`recommendation-${s.service}-${r.kind}`}
          >
            <div className="max-w-3xl text-sm">
              <div>
                <span className="font-medium">{s.service}</span>: {r.title} —{" "}
                <span className="font-semibold text-green-700 dark:text-green-400">
                  saves about {formatMoney(r.monthlySaving, currency)} a month
                </span>
              </div>
              <p className="text-xs text-zinc-600 dark:text-zinc-400">{r.why}</p>
            </div>
            {canDeploy ? (
              <Link
                href={deployHref(pathOf(s), r.settings, r.title)}
                className="rounded-md border border-indigo-300 px-2.5 py-1 text-xs font-medium text-indigo-700 hover:bg-indigo-50 dark:border-indigo-700 dark:text-indigo-300 dark:hover:bg-indigo-950"
              >
                Deploy with this setting
              </Link>
            ) : (
              <span className="text-xs text-zinc-600 dark:text-zinc-400">a developer can deploy it</span>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}
