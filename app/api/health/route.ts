import { db } from "@/lib/db";
import { checkHealth } from "@/lib/health";

export const dynamic = "force-dynamic";

/** Liveness and readiness for Cloud Run and load balancers: 200 when every check passes, else 503. */
export async function GET() {
  const report = await checkHealth(db());
  return Response.json(report, {
    status: report.status === "ok" ? 200 : 503,
    headers: { "cache-control": "no-store" },
  });
}
