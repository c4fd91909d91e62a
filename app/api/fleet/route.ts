import { ago } from "@/components/ui/format";
import { getActor } from "@/lib/auth/session";
import { fleetList } from "@/lib/fleet";

export const dynamic = "force-dynamic";

/**
 * Every service of the fleet, without health and cost: the fleet table fetches
 * it after its first screen when the fleet is larger than that screen (the page's
 * HTML carries only the first rows). Deploy times are worded here, as on the page.
 */
export async function GET() {
  if (!(await getActor())) return Response.json({ error: "Please sign in." }, { status: 401 });
  const list = await fleetList();
  const now = Date.now();
  return Response.json({ ...list, rows: list.rows.map((r) => ({ ...r, lastDeployedAgo: ago(r.lastDeployedAt, now) })) }, { headers: { "cache-control": "no-store" } });
}
