import { getActor } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { getOperation } from "@/lib/operations";

export const dynamic = "force-dynamic";

export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  if (!(await getActor())) return Response.json({ error: "unauthenticated" }, { status: 401 });
  const { id } = await params;
  const op = await getOperation(db(), id);
  if (!op) return Response.json({ error: "not found" }, { status: 404 });
  return Response.json(op, { headers: { "cache-control": "no-store" } });
}
