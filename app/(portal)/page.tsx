import Link from "next/link";
import { Suspense } from "react";
import { FleetSummary, StreamedFleetSummary } from "@/components/services/fleet-summary";
import { FleetTable, type FleetRow } from "@/components/services/fleet-table";
import { ago } from "@/components/ui/format";
import { EmptyState, Panel, PageHeader } from "@/components/ui/panel";
import { hasRole } from "@/lib/auth/roles";
import { requireActor } from "@/lib/auth/session";
import { FIRST_SCREEN_ROWS, fleetFirstScreen } from "@/lib/fleet";

// The first screen comes from one page of ListServices per location, read
// while the session is checked (nothing is shown before it is); for a larger
// fleet the header (counts) streams in once the whole list is read, and the
// table fetches the other rows, health and cost after it has shown.
export default async function FleetPage() {
  const [actor, first] = await Promise.all([requireActor(), fleetFirstScreen(FIRST_SCREEN_ROWS)]);
  // A server component renders once per request: "ago" is measured from the request's time.
  // eslint-disable-next-line react-hooks/purity
  const now = Date.now();
  const firstRows: FleetRow[] = first.rows.map((r) => ({ ...r, lastDeployedAgo: ago(r.lastDeployedAt, now) }));
  return (
    <>
      {first.complete ? (
        <FleetSummary fleet={first} />
      ) : (
        <Suspense
          fallback={
            <PageHeader
              title="Fleet"
              description={`Listing the services of ${first.locations} project/region pairs…`}
            />
          }
        >
          <StreamedFleetSummary />
        </Suspense>
      )}
      <p className="mb-3 text-xs text-zinc-500 dark:text-zinc-400">
        Services with alert policies of their own show their open{" "}
        <Link href="/incidents" className="underline underline-offset-2">
          incidents
        </Link>
        ; the fixed thresholds (5xx share &gt; 1 % over 5 min, p99 &gt; 5 s) flag only services that have none.
      </p>
      <Panel>
        {first.locations === 0 ? (
          <EmptyState title="No projects are configured yet.">
            {hasRole(actor.role, "admin") ? (
              <Link href="/settings" className="text-indigo-600 hover:underline dark:text-indigo-400">
                Add projects and regions in Settings.
              </Link>
            ) : (
              "Ask an admin to add projects and regions in Settings."
            )}
          </EmptyState>
        ) : (
          <FleetTable
            initialRows={firstRows}
            total={first.complete ? firstRows.length : null}
            canAct={hasRole(actor.role, "developer")}
          />
        )}
      </Panel>
    </>
  );
}
