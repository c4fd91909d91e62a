import { getActor } from "@/lib/auth/session";
import { fleetMetrics } from "@/lib/fleet";

export const dynamic = "force-dynamic";

/** The fleet's last 5 minutes of health and month-to-date cost; the fleet table joins them onto its rows when they arrive. */
export async function GET() {
  if (!(await getActor())) return Response.json({ error: "Please sign in." }, { status: 401 });
  return Response.json(await fleetMetrics(), { headers: { "cache-control": "no-store" } });
}
