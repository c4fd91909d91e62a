import { getActor } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { portalFollowers } from "@/lib/followers";
import { readOperationAs } from "@/lib/operations";

export const dynamic = "force-dynamic";

/** One operation row, for the progress panel: to the roles that may see the page that shows it, inside Settings' scope. */
export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const actor = await getActor();
  if (!actor) return Response.json({ error: "unauthenticated" }, { status: 401 });
  const { id } = await params;
  const read = await readOperationAs(db(), portalFollowers(), actor, id);
  if (!read.ok) return Response.json({ error: read.error }, { status: read.status });
  return Response.json(read.operation, { headers: { "cache-control": "no-store" } });
}
