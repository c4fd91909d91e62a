// Cost changes: services and projects whose cost rose above their threshold
// week over week or month over month, and where the increase came from.
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/panel";
import type { ProjectInsight, ServiceInsight } from "@/lib/cost/insight";
import { formatChange } from "@/lib/cost/format";
import { explain } from "@/lib/cost/variance";
import { ThresholdForm } from "./threshold-form";

export function VariancePanel({
  services,
  projects,
  currency,
  canEdit,
  pathOf,
}: {
  services: ServiceInsight[];
  projects: ProjectInsight[];
  currency: string;
  canEdit: boolean;
  pathOf: (s: ServiceInsight) => string;
}) {
  const flagged = services.filter((s) => s.week.flagged || s.month.flagged);
  const projectFlags = projects.filter((p) => p.week.flagged || p.month.flagged);
  return (
    <div className="space-y-3 px-4 py-3">
      {flagged.length === 0 && projectFlags.length === 0 && (
        <EmptyState title="No cost increases above their thresholds">
          Each service is flagged when its cost rises more than its threshold (20 % unless set) week over week or month
          over month.
        </EmptyState>
      )}
      {projectFlags.length > 0 && (
        <ul className="space-y-1 text-sm">
          {projectFlags.map((p) => (
            <li key={p.project}>
              <Badge tone="amber">project</Badge> <span className="font-medium">{p.project}</span>:{" "}
              {[
                p.week.flagged && `${explain(p.week, "week over week")} (${formatChange(p.week.change, currency)})`,
                p.month.flagged &&
                  `${explain(p.month, "month over month")} (${formatChange(p.month.change, currency)})`,
              ]
                .filter(Boolean)
                .join("; ")}
            </li>
          ))}
        </ul>
      )}
      {flagged.length > 0 && (
        <ul className="divide-y divide-zinc-200 dark:divide-zinc-800">
          {flagged.map((s) => (
            <li
              key={`${s.project}/${s.service}`}
              className="flex flex-wrap items-start justify-between gap-3 py-2"
              data-testid={`variance-${s.service}`}
            >
              <div className="text-sm">
                <Link href={pathOf(s)} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                  {s.service}
                </Link>{" "}
                <span className="text-xs text-zinc-600 dark:text-zinc-400">{s.project}</span>
                {s.week.flagged && (
                  <p>
                    ▲ {explain(s.week, "week over week")} ({formatChange(s.week.change, currency)})
                  </p>
                )}
                {s.month.flagged && (
                  <p>
                    ▲ {explain(s.month, "month over month")} ({formatChange(s.month.change, currency)})
                  </p>
                )}
              </div>
              {canEdit ? (
                <ThresholdForm project={s.project} service={s.service} percent={Math.round(s.threshold * 100)} />
              ) : (
                <span className="text-xs text-zinc-600 dark:text-zinc-400">
                  threshold +{Math.round(s.threshold * 100)} %
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
