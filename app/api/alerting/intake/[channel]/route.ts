import { receiveIncident } from "@/lib/alerting";
import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

/** Cloud Monitoring's webhook (webhook_tokenauth) for one Runway channel; the checks are in lib/alerting/intake.ts. */
export async function POST(req: Request, { params }: { params: Promise<{ channel: string }> }) {
  const result = await receiveIncident(db(), (await params).channel, req);
  return Response.json(result.body, {
    status: result.status,
    headers: { "cache-control": "no-store", ...result.headers },
  });
}
