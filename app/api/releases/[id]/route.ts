import { getActor } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { parseOperationId } from "@/lib/operations";
import { readRelease } from "@/lib/releases";

export const dynamic = "force-dynamic";

/** A release with its latest checks and its decisions, for the panel that follows it; inside Settings' scope. */
export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  if (!(await getActor())) return Response.json({ error: "Please sign in." }, { status: 401 });
  const id = parseOperationId((await params).id);
  if (!id) return Response.json({ error: "This release does not exist." }, { status: 404 });
  const read = await readRelease(db(), id);
  if (!read.ok) return Response.json({ error: read.error }, { status: read.status });
  return Response.json(read.release, { headers: { "cache-control": "no-store" } });
}
