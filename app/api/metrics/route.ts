import { getActor } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { refuseUncoveredRead } from "@/lib/scope";
import { AppError } from "@/lib/errors";
import { MetricsQuery, serviceChart } from "@/lib/observability/service-metrics";

export const dynamic = "force-dynamic";

/** One dashboard chart; each panel asks for its own, so one failure stays in its panel. */
export async function GET(req: Request) {
  if (!(await getActor())) return Response.json({ error: "Please sign in." }, { status: 401 });
  const q = MetricsQuery.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!q.success) return Response.json({ error: "Unknown chart or range." }, { status: 400 });
  const outside = await refuseUncoveredRead(db(), q.data.project);
  if (outside) return outside;
  try {
    return Response.json(await serviceChart(q.data), { headers: { "cache-control": "no-store" } });
  } catch (err) {
    if (err instanceof AppError) return Response.json({ error: err.message }, { status: 502 });
    throw err;
  }
}
