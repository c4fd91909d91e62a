// The fleet page's header: how many services, failing ones, splits left in
// place, and the locations that could not be listed. For a fleet larger than
// its first screen it needs the whole list, so the page streams it in.
import { Notice, PageHeader } from "@/components/ui/panel";
import { fleetList, type FleetList } from "@/lib/fleet";

export function FleetSummary({ fleet }: { fleet: FleetList }) {
  const { failures, staleSplitAfterHours: staleAfter, rows } = fleet;
  const failed = rows.filter((r) => r.status === "failed").length;
  const splits = rows.filter((r) => r.staleSplitHours !== null).length;
  return (
    <>
      <PageHeader
        title="Fleet"
        description={`${rows.length} services in ${fleet.locations} project/region pairs${failed ? ` · ${failed} failing` : ""}${splits ? ` · ${splits} with a split left in place over ${staleAfter} h` : ""}`}
      />
      {failures.locations.length > 0 && (
        <div className="mb-4 space-y-1">
          {failures.locations.map((f) => (
            <Notice key={`${f.project}/${f.region}`} tone="error">
              {f.project} / {f.region}: {f.error}
            </Notice>
          ))}
        </div>
      )}
    </>
  );
}

/** The header of a fleet larger than its first screen, once the whole list is read. */
export async function StreamedFleetSummary() {
  return <FleetSummary fleet={await fleetList()} />;
}
