import { getActor } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { refuseUncoveredRead } from "@/lib/scope";
import { LogQuery, tailLogs } from "@/lib/observability";

export const dynamic = "force-dynamic";

/**
 * Live tail as Server-Sent Events: `ready` once Cloud Logging's tail session is
 * open (entries written after it will arrive), then one `lines` event per
 * TailLogEntries message that carried entries.
 */
export async function GET(req: Request) {
  if (!(await getActor())) return new Response("Please sign in.", { status: 401 });
  const query = LogQuery.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!query.success) return new Response("Some filters are not valid.", { status: 400 });
  const outside = await refuseUncoveredRead(db(), query.data.project);
  if (outside) return outside;
  const abort = new AbortController();
  req.signal.addEventListener("abort", () => abort.abort(), { once: true });
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (event: string, data: unknown) => {
        if (!abort.signal.aborted)
          controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
      };
      // Keeps proxies from closing an idle stream.
      const ping = setInterval(() => send("ping", {}), 15_000);
      abort.signal.addEventListener(
        "abort",
        () => {
          clearInterval(ping);
          try {
            controller.close();
          } catch {}
        },
        { once: true },
      );
      tailLogs(
        query.data,
        (lines, suppressed) => send("lines", { lines, suppressed }),
        (err) => {
          send("failure", { error: err.message });
          abort.abort();
        },
        abort.signal,
        undefined /* the process's own clients */,
        () => send("ready", {}),
      );
    },
    cancel() {
      abort.abort();
    },
  });
  return new Response(body, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" },
  });
}
