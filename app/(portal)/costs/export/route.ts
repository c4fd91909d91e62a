// The cost report as CSV: one row per service with the usage it was computed
// from, its cost this month by component, the forecast and the week-over-week
// and month-over-month changes, in the billing account's currency.
import { getActor } from "@/lib/auth/session";
import { costCsv, loadCostInsight } from "@/lib/cost";
import { db } from "@/lib/db";
import { listFleet, listLocations } from "@/lib/services";

export const dynamic = "force-dynamic";

export async function GET() {
  if (!(await getActor())) return Response.json({ error: "Please sign in." }, { status: 401 });
  const now = new Date();
  const locations = await listLocations(db());
  const fleet = await listFleet(locations);
  const { insight, inputs } = await loadCostInsight(
    fleet.services,
    [...new Set(locations.map((l) => l.project))],
    db(),
    { now },
  );
  if (!insight) return Response.json({ error: `No prices: ${inputs.failures.join("; ")}` }, { status: 502 });
  return new Response(costCsv(insight, inputs.currency), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="runway-costs-${now.toISOString().slice(0, 7)}.csv"`,
      "cache-control": "no-store",
    },
  });
}
