// The service page's SLO and uptime panels: each SLO with attainment, error
// budget left and burn rates (Monitoring's SLO selectors), each uptime check
// with its latest result and latency per region; developers add and delete.
import { Badge } from "@/components/ui/badge";
import { EmptyState, Notice, Panel } from "@/components/ui/panel";
import { Table, Td, Th } from "@/components/ui/table";
import type { SloView } from "@/lib/alerting/slo";
import type { UptimeCheckView } from "@/lib/alerting/uptime";
import { DeleteButton } from "./delete-button";
import { CreateSloForm, CreateUptimeCheckForm } from "./objective-forms";

type Ref = { project: string; region: string; service: string };
const pct = (v: number | null, digits = 3) => (v === null ? "—" : `${Number((v * 100).toFixed(digits))} %`);
const times = (v: number | null) => (v === null ? "—" : `${Number(v.toFixed(2))}×`);

function burnTone(v: number | null, fast: number) {
  return v === null ? "neutral" : v >= fast ? "red" : v > 1 ? "amber" : "green";
}

export function SloPanel({
  service,
  slos,
  error,
  canAct,
}: {
  service: Ref;
  slos: SloView[] | null;
  error: string | null;
  canAct: boolean;
}) {
  return (
    <Panel title="Service level objectives">
      {error && (
        <div className="px-4 pt-3">
          <Notice tone="error">{error}</Notice>
        </div>
      )}
      {slos &&
        (slos.length === 0 ? (
          <EmptyState title="No SLO yet." />
        ) : (
          <Table caption={`SLOs of ${service.service}`}>
            <thead>
              <tr>
                <Th>Objective</Th>
                <Th className="text-right">Attainment</Th>
                <Th className="text-right">Error budget left</Th>
                <Th className="text-right">Burn 1 h</Th>
                <Th className="text-right">Burn 6 h</Th>
                {canAct && (
                  <Th>
                    <span className="sr-only">Actions</span>
                  </Th>
                )}
              </tr>
            </thead>
            <tbody>
              {slos.map((s) => (
                <tr key={s.name}>
                  <Td>
                    <div className="font-medium">{s.displayName}</div>
                    <div className="text-xs text-zinc-500 dark:text-zinc-400">goal {pct(s.goal, 2)}</div>
                  </Td>
                  <Td
                    className={`text-right tabular-nums ${s.attainment !== null && s.attainment < s.goal ? "font-semibold text-red-600 dark:text-red-400" : ""}`}
                  >
                    {pct(s.attainment)}
                  </Td>
                  <Td className="text-right tabular-nums">{pct(s.budgetLeft, 1)}</Td>
                  <Td className="text-right">
                    <Badge tone={burnTone(s.burnRate1h, 14.4)}>{times(s.burnRate1h)}</Badge>
                  </Td>
                  <Td className="text-right">
                    <Badge tone={burnTone(s.burnRate6h, 6)}>{times(s.burnRate6h)}</Badge>
                  </Td>
                  {canAct && (
                    <Td className="text-right">
                      <DeleteButton what="slo" project={service.project} name={s.name} label={s.displayName} />
                    </Td>
                  )}
                </tr>
              ))}
            </tbody>
          </Table>
        ))}
      {canAct && (
        <details className="border-t border-zinc-200 dark:border-zinc-800">
          <summary className="cursor-pointer px-4 py-2 text-sm font-medium text-indigo-700 dark:text-indigo-300">
            New SLO
          </summary>
          <CreateSloForm service={service} />
        </details>
      )}
    </Panel>
  );
}

export function UptimePanel({
  service,
  checks,
  error,
  canAct,
}: {
  service: Ref;
  checks: UptimeCheckView[] | null;
  error: string | null;
  canAct: boolean;
}) {
  return (
    <Panel title="Uptime checks">
      {error && (
        <div className="px-4 pt-3">
          <Notice tone="error">{error}</Notice>
        </div>
      )}
      {checks &&
        (checks.length === 0 ? (
          <EmptyState title="No uptime check yet." />
        ) : (
          <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {checks.map((c) => (
              <li key={c.name} className="px-4 py-3" aria-label={`Uptime check ${c.displayName}`}>
                <div className="flex flex-wrap items-start justify-between gap-2">
                  <div>
                    <span className="font-mono text-sm">{c.path}</span>
                    <span className="ml-2 text-xs text-zinc-500 dark:text-zinc-400">
                      every {c.periodSeconds / 60} min · timeout {c.timeoutSeconds} s ·{" "}
                      {c.regions.length ? c.regions.join(", ") : "all regions"}
                    </span>
                  </div>
                  {canAct && (
                    <DeleteButton what="uptime" project={service.project} name={c.name} label={c.displayName} />
                  )}
                </div>
                {c.results.length === 0 ? (
                  <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
                    No results yet: the first probes run within a period.
                  </p>
                ) : (
                  <div className="mt-1.5 flex flex-wrap gap-2">
                    {c.results.map((r) => (
                      <Badge key={r.region} tone={r.passed ? "green" : "red"}>
                        {r.region}: {r.passed ? "passing" : "failing"}
                        {r.latencyMs !== null ? ` · ${Math.round(r.latencyMs)} ms` : ""}
                      </Badge>
                    ))}
                  </div>
                )}
              </li>
            ))}
          </ul>
        ))}
      {canAct && (
        <details className="border-t border-zinc-200 dark:border-zinc-800">
          <summary className="cursor-pointer px-4 py-2 text-sm font-medium text-indigo-700 dark:text-indigo-300">
            New uptime check
          </summary>
          <CreateUptimeCheckForm service={service} />
        </details>
      )}
    </Panel>
  );
}
