import { ago } from "@/components/ui/format";
import { getActor } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { fleetList, fleetPage, FleetPageQuery } from "@/lib/fleet";
import { refuseUncoveredRead } from "@/lib/scope";

export const dynamic = "force-dynamic";

const worded = <R extends { lastDeployedAt: string | null }>(rows: R[], now = Date.now()) =>
  rows.map((r) => ({ ...r, lastDeployedAgo: ago(r.lastDeployedAt, now) }));
const json = (body: unknown, status = 200) => Response.json(body, { status, headers: { "cache-control": "no-store" } });

/**
 * The fleet without health and cost, fetched by the table after its first
 * screen. With `limit` (large fleets): one page of the services matching
 * q/project/region/status, in `sort` order, from `offset`. Without: every
 * service (small fleets filter in the browser). Deploy times are worded here,
 * as on the page.
 */
export async function GET(request: Request) {
  if (!(await getActor())) return json({ error: "Please sign in." }, 401);
  const params = new URL(request.url).searchParams;
  // The fleet holds only Settings' projects and regions; a filter that names another is refused, as the other reads do.
  const project = params.get("project");
  if (project) {
    const outside = await refuseUncoveredRead(db(), { project, region: params.get("region") || null });
    if (outside) return outside;
  }
  if (params.has("limit")) {
    const query = FleetPageQuery.safeParse(Object.fromEntries(params));
    if (!query.success)
      return json(
        { error: `Bad fleet query: ${query.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}` },
        400,
      );
    const page = await fleetPage(query.data);
    return json({ ...page, rows: worded(page.rows) });
  }
  const list = await fleetList();
  return json({ ...list, rows: worded(list.rows) });
}
