// The service page's release panels: the release in progress (or the form that
// starts one from a revision with no traffic), the plan, and the history.
import { Panel } from "@/components/ui/panel";
import type { ReleaseJson, ReleasePlan } from "@/lib/releases";
import { PlanForm } from "./plan-form";
import { ReleaseHistory } from "./release-history";
import { ReleasePanel } from "./release-panel";
import { StartReleaseForm } from "./start-release-form";

const ENDED = ["promoted", "aborted", "failed"];

type Props = {
  service: { project: string; region: string; service: string };
  etag: string;
  /** The release in progress, or one that ended a short while ago (its checks and reason stay in view). */
  active: ReleaseJson | null;
  history: Omit<ReleaseJson, "checks" | "decisions">[];
  plan: ReleasePlan;
  planSaved: { by: string; at: string } | null;
  candidates: string[];
  canAct: boolean;
  path: string;
};

export function ReleasesSection({ service, etag, active, history, plan, planSaved, candidates, canAct, path }: Props) {
  const steps = `${plan.steps.join(" → ")} %`;
  return (
    <>
      {(active || canAct) && (
        <Panel title="Canary release">
          {active && <ReleasePanel key={active.id} initial={active} service={service} canAct={canAct} />}
          {canAct && (!active || ENDED.includes(active.state)) && (
            <StartReleaseForm
              key={etag}
              service={service}
              etag={etag}
              candidates={candidates}
              steps={steps}
              path={path}
            />
          )}
        </Panel>
      )}
      <div className="grid gap-5 lg:grid-cols-2">
        <Panel
          title="Release plan"
          actions={
            <span className="text-xs text-zinc-500 dark:text-zinc-400">
              {planSaved ? `saved by ${planSaved.by}` : "defaults"}
            </span>
          }
        >
          {canAct ? (
            <PlanForm service={service} plan={plan} />
          ) : (
            <p className="px-4 py-3 text-sm">
              {steps}, {plan.stepSeconds} s per step; abort after {plan.failuresToAbort} failed checks in a row (5xx
              above {plan.maxErrorPercent} % and stable + {plan.errorMarginPoints} pt, or p99 above {plan.latencyFactor}{" "}
              × stable and {plan.latencyFloorMs} ms); {plan.minRequests} canary requests per step.
            </p>
          )}
        </Panel>
        <Panel title="Releases">
          <ReleaseHistory releases={history} serviceId={service.service} />
        </Panel>
      </div>
    </>
  );
}
