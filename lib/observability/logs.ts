// Reading logs within Cloud Logging's read quota (60 entries.list calls a
// minute per project): identical queries from several viewers share one call
// and its answer for a few seconds; live views tail instead of polling.
import { TtlCache } from "../cache";
import { observabilityClients } from "../gcp/clients";
import { AppError, Invalid, Upstream } from "../errors";
import { GRPC, grpcCode, upstreamError } from "../gcp/errors";
import { toLogLine, type LogLine } from "./log-entries";
import { buildLogFilter, type LogQuery } from "./log-query";

export type LogPage = { lines: LogLine[]; nextPageToken: string | null; filter: string };

const PAGE_SIZE = 200;
const pages = new TtlCache<LogPage>(5_000);

function readError(err: unknown, project: string): AppError {
  if (grpcCode(err) === GRPC.RESOURCE_EXHAUSTED) {
    return new Upstream(
      `Cloud Logging's read quota for ${project} (60 queries a minute) is used up. Wait a minute, narrow the query, or use live tail, which does not count against it.`,
    );
  }
  if (grpcCode(err) === GRPC.INVALID_ARGUMENT) {
    // e.g. a NUL in the search text: the person can fix the query, so say so plainly.
    const detail = String((err as { details?: string }).details ?? "").slice(0, 200);
    return new Invalid(
      `Cloud Logging cannot run this search${detail ? ` (${detail})` : ""}. Change the search text or filters and try again.`,
    );
  }
  return upstreamError(err, "Cloud Logging", `reading logs of ${project}`);
}

/** Newest first, one page at a time. */
export async function listLogs(
  q: LogQuery,
  pageToken: string | null = null,
  clients = observabilityClients(),
  now = new Date(),
): Promise<LogPage> {
  const filter = buildLogFilter(q, now);
  // Relative ranges move with the clock; round them so viewers share a key.
  const key = `${q.project}\n${filter.replace(/timestamp>="[^"]+"/, q.range === "custom" ? "$&" : q.range)}\n${pageToken ?? ""}`;
  return pages.get(key, async () => {
    try {
      const [entries, , response] = await clients.logging.listLogEntries(
        {
          resourceNames: [`projects/${q.project}`],
          filter,
          orderBy: "timestamp desc",
          pageSize: PAGE_SIZE,
          pageToken: pageToken ?? "",
        },
        { autoPaginate: false, timeout: 20_000 },
      );
      return { lines: entries.map(toLogLine), nextPageToken: response?.nextPageToken || null, filter };
    } catch (err) {
      throw readError(err, q.project);
    }
  });
}

/**
 * How long Cloud Logging holds a tailed entry to sort late arrivals in before
 * it (Google's default is 2 s). Short, so a line shows within a second: each
 * message still comes in timestamp order, only an entry arriving more than
 * 250 ms late lands after lines that follow it.
 */
export const TAIL_BUFFER_WINDOW = { seconds: 0, nanos: 250_000_000 };

/**
 * Streams new entries matching the query until `signal` aborts. Each batch is
 * what one TailLogEntries message carried; an empty message is not passed on.
 * `onOpen` runs once, at the first response: the session is subscribed, and
 * entries written from then on will arrive.
 */
export function tailLogs(
  q: LogQuery,
  onLines: (lines: LogLine[], suppressed: number) => void,
  onError: (err: AppError) => void,
  signal: AbortSignal,
  clients = observabilityClients(),
  onOpen?: () => void,
): void {
  const filter = buildLogFilter({ ...q, range: "1h", from: undefined, to: undefined })
    .split("\n")
    .filter((l) => !l.startsWith("timestamp"))
    .join("\n");
  const stream = clients.logging.tailLogEntries();
  let open = false;
  stream.on(
    "data",
    (res: { entries?: Parameters<typeof toLogLine>[0][]; suppressionInfo?: { suppressedCount?: number | null }[] }) => {
      if (!open) {
        open = true;
        onOpen?.();
      }
      const suppressed = (res.suppressionInfo ?? []).reduce((s, i) => s + Number(i.suppressedCount ?? 0), 0);
      if (res.entries?.length || suppressed) onLines((res.entries ?? []).map(toLogLine), suppressed);
    },
  );
  stream.on("error", (err: unknown) => {
    if (!signal.aborted) onError(readError(err, q.project));
  });
  stream.write({ resourceNames: [`projects/${q.project}`], filter, bufferWindow: TAIL_BUFFER_WINDOW });
  signal.addEventListener("abort", () => stream.cancel?.() ?? stream.end(), { once: true });
}
