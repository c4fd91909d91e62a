import { getActor } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { parseOperationId } from "@/lib/operations";
import { releaseJson } from "@/lib/releases";

export const dynamic = "force-dynamic";

/** A release with its latest checks and its decisions, for the panel that follows it. */
export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  if (!(await getActor())) return Response.json({ error: "Please sign in." }, { status: 401 });
  const id = parseOperationId((await params).id);
  const release = id ? await releaseJson(db(), id) : null;
  if (!release) return Response.json({ error: "This release does not exist." }, { status: 404 });
  return Response.json(release, { headers: { "cache-control": "no-store" } });
}
