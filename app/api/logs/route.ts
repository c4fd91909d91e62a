import { getActor } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { refuseUncoveredRead } from "@/lib/scope";
import { AppError, Invalid } from "@/lib/errors";
import { listLogs, LogQuery } from "@/lib/observability";

export const dynamic = "force-dynamic";

/** One page of log lines for the explorer's "older" button. */
export async function GET(req: Request) {
  if (!(await getActor())) return Response.json({ error: "Please sign in." }, { status: 401 });
  const params = Object.fromEntries(new URL(req.url).searchParams);
  const query = LogQuery.safeParse(params);
  if (!query.success) return Response.json({ error: "Some filters are not valid." }, { status: 400 });
  const outside = await refuseUncoveredRead(db(), query.data.project);
  if (outside) return outside;
  try {
    return Response.json(await listLogs(query.data, params.pageToken || null), {
      headers: { "cache-control": "no-store" },
    });
  } catch (err) {
    // A query Cloud Logging refuses is the caller's to fix (400); anything else is Google's (502).
    if (err instanceof AppError)
      return Response.json({ error: err.message }, { status: err instanceof Invalid ? 400 : 502 });
    throw err;
  }
}
