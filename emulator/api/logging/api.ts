// google.logging.v2.LoggingServiceV2: WriteLogEntries, ListLogEntries and
// TailLogEntries (bidi stream) over the telemetry store. Pages are keyset
// pages on (timestamp, insert_id, seq): stable while entries keep arriving.
import * as grpc from "@grpc/grpc-js";
import type { Db } from "../../db";
import { ApiError, invalid } from "../../grpc/errors";
import type { Faults } from "../../grpc/faults";
import type { Logger } from "../../log";
import { newInsertId, toRow } from "../../telemetry/ingest";
import type { LogRow, TelemetryStore } from "../../telemetry/store";
import { matches, parseFilter, type Node } from "./filter";
import { whereClauses } from "./sql";
import { entryFromProto, entryToProto, type Json } from "./wire";

const SCAN_BATCH = 1000;
/** Rows scanned per call before answering with a (possibly empty) page and a token, as Google does. */
const SCAN_LIMIT = 50_000;

function projectsOf(resourceNames: string[] | undefined): string[] {
  if (!resourceNames?.length) throw invalid("resource_names: at least one resource name is required");
  if (resourceNames.length > 100) throw invalid("resource_names: at most 100 resource names");
  return resourceNames.map((r) => {
    const m = /^projects\/([^/]+)(\/.*)?$/.exec(r);
    if (!m) throw invalid(`resource_names: unsupported resource name "${r}" (the emulator serves projects/{project})`);
    return m[1];
  });
}

type Cursor = { t: string; i: string; s: string };
const encode = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString("base64url");
function decode(token: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as Cursor;
    if (typeof c.t === "string" && typeof c.i === "string" && typeof c.s === "string") return c;
  } catch {
    // fall through
  }
  throw invalid(`Invalid page_token: ${token}`);
}

export async function listEntries(db: Db, req: Json): Promise<Json> {
  const projects = projectsOf(req.resourceNames as string[]);
  const filter = parseFilter(String(req.filter ?? ""));
  const order = String(req.orderBy ?? "")
    .trim()
    .toLowerCase()
    .replace(/\s+/g, " ");
  if (!["", "timestamp asc", "timestamp desc", "timestamp"].includes(order))
    throw invalid(`order_by: unsupported "${req.orderBy}"; use "timestamp asc" or "timestamp desc"`);
  const desc = order === "timestamp desc";
  const size = Number(req.pageSize ?? 0);
  if (!Number.isInteger(size) || size < 0 || size > 1000)
    throw invalid(`page_size must be between 0 and 1000, got ${req.pageSize}`);
  const limit = size || 50;
  let cursor = req.pageToken ? decode(String(req.pageToken)) : undefined;

  const entries: Json[] = [];
  let scanned = 0;
  for (;;) {
    // One project (the usual case) as `=`, so the index also yields the order.
    const params: unknown[] = [projects.length === 1 ? projects[0] : projects];
    const where = [
      projects.length === 1 ? "project = $1" : "project = ANY($1::text[])",
      ...whereClauses(filter, params),
    ];
    if (cursor)
      where.push(
        `(ts, insert_id, seq) ${desc ? "<" : ">"} (${`$${params.push(cursor.t)}`}::timestamptz, $${params.push(cursor.i)}, $${params.push(cursor.s)}::bigint)`,
      );
    const dir = desc ? "DESC" : "ASC";
    const { rows } = await db.query<{ tstext: string; insert_id: string; seq: string; entry: Json }>(
      `SELECT ts::text AS tstext, insert_id, seq::text AS seq, entry FROM emu_log_entries WHERE ${where.join(" AND ")}
       ORDER BY ts ${dir}, insert_id ${dir}, seq ${dir} LIMIT ${SCAN_BATCH}`,
      params,
    );
    for (const row of rows) {
      scanned++;
      cursor = { t: row.tstext, i: row.insert_id, s: row.seq };
      if (matches(filter, row.entry)) entries.push(entryToProto(row.entry));
      if (entries.length === limit) return { entries, nextPageToken: encode(cursor) };
    }
    if (rows.length < SCAN_BATCH) return { entries, nextPageToken: "" };
    if (scanned >= SCAN_LIMIT) return { entries, nextPageToken: encode(cursor!) };
  }
}

/** Written entries are flushed before the call returns, so a List right after sees them. */
export async function writeEntries(store: TelemetryStore, req: Json): Promise<Json> {
  const entries = (req.entries as Json[] | undefined) ?? [];
  if (!entries.length) throw invalid("entries: at least one entry is required");
  const rows: LogRow[] = entries.map((p, i) => {
    const e = entryFromProto(p);
    e.logName ??= req.logName || undefined;
    e.resource ??= req.resource && Object.keys(req.resource as object).length ? req.resource : undefined;
    if (req.labels && Object.keys(req.labels as object).length)
      e.labels = { ...(req.labels as object), ...((e.labels as object) ?? {}) };
    if (typeof e.logName !== "string" || !/^projects\/[^/]+\/logs\/[^/]+$/.test(e.logName))
      throw invalid(`entries[${i}].log_name: expected projects/{project}/logs/{id}, got "${e.logName ?? ""}"`);
    if (!e.resource) throw invalid(`entries[${i}].resource is required`);
    const now = new Date().toISOString();
    e.timestamp ??= now;
    e.receiveTimestamp = now;
    e.insertId ??= newInsertId();
    e.severity ??= "DEFAULT";
    const labels = ((e.resource as Json).labels as Record<string, string>) ?? {};
    return toRow(e, labels.service_name ?? "", labels.revision_name ?? "");
  });
  if (!req.dryRun) {
    for (const r of rows) store.addLog(r);
    await store.flush();
  }
  return {};
}

/** Google's default buffer_window (logging.proto: 0–60 000 ms, default 2 000). */
const DEFAULT_BUFFER_MS = 2000;

/**
 * TailLogEntries: the first message sets the query. Each entry is held for
 * buffer_window after it arrived (late entries can still sort in before it),
 * then sent with everything else due, ascending; a window of 0 sends each
 * flush as it comes. Once the session is subscribed, one empty response says
 * so: a client can tell "open" from "nothing happened yet" (an empty response
 * is valid on Google's side too; gcloud's tailer skips it).
 */
function tail(store: TelemetryStore, call: grpc.ServerDuplexStream<Json, Json>): void {
  let filter: Node | null = null;
  let projects: string[] | undefined;
  let windowMs = DEFAULT_BUFFER_MS;
  /** Waiting entries, each with the time it is due. */
  let pending: { due: number; row: LogRow }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;
  const close = () => {
    clearTimeout(timer);
    timer = undefined;
    unsubscribe?.();
  };
  const sendDue = () => {
    timer = undefined;
    const now = Date.now();
    const due = pending.filter((p) => p.due <= now).map((p) => p.row);
    pending = pending.filter((p) => p.due > now);
    if (due.length) {
      due.sort((a, b) => a.ts.getTime() - b.ts.getTime() || a.insertId.localeCompare(b.insertId));
      call.write({ entries: due.map((r) => entryToProto(r.entry)), suppressionInfo: [] });
    }
    schedule();
  };
  const schedule = () => {
    if (timer || !pending.length) return;
    timer = setTimeout(sendDue, Math.max(0, Math.min(...pending.map((p) => p.due)) - Date.now()));
  };
  call.on("data", (req: Json) => {
    if (projects) return;
    try {
      projects = projectsOf(req.resourceNames as string[]);
      filter = parseFilter(String(req.filter ?? ""));
      const w = req.bufferWindow as Json | undefined;
      windowMs = w ? Number(w.seconds ?? 0) * 1000 + Number(w.nanos ?? 0) / 1e6 : DEFAULT_BUFFER_MS;
      if (!(windowMs >= 0 && windowMs <= 60_000))
        throw invalid("buffer_window must be between 0 and 60000 milliseconds");
      unsubscribe = store.subscribe((rows) => {
        const due = Date.now() + windowMs;
        for (const r of rows)
          if (projects!.includes(r.project) && matches(filter, r.entry)) pending.push({ due, row: r });
        if (windowMs === 0) sendDue();
        else schedule();
      });
      call.write({ entries: [], suppressionInfo: [] });
    } catch (err) {
      close();
      const e = err instanceof ApiError ? err : invalid(String(err));
      call.emit("error", { code: e.code, details: e.message });
    }
  });
  call.on("cancelled", close);
  call.on("end", () => {
    close();
    call.end();
  });
  call.on("error", close);
}

export function addLoggingService(
  server: grpc.Server,
  definition: grpc.ServiceDefinition,
  deps: { db: Db; store: TelemetryStore; faults: Faults; log: Logger },
): void {
  const unary =
    (name: string, fn: (req: Json) => Promise<Json> | Json) =>
    (call: grpc.ServerUnaryCall<Json, Json>, cb: grpc.sendUnaryData<Json>) => {
      void (async () => {
        try {
          const fault = await deps.faults.apply(definition[name].path);
          if (fault) throw fault;
          cb(null, await fn(call.request));
        } catch (err) {
          if (err instanceof ApiError) return cb({ code: err.code, details: err.message });
          deps.log.error("rpc crashed", { method: definition[name].path, error: (err as Error).stack ?? String(err) });
          cb({ code: grpc.status.INTERNAL, details: "internal error in the emulator" });
        }
      })();
    };
  server.addService(definition, {
    ListLogEntries: unary("ListLogEntries", (r) => listEntries(deps.db, r)),
    WriteLogEntries: unary("WriteLogEntries", (r) => writeEntries(deps.store, r)),
    TailLogEntries: (call: grpc.ServerDuplexStream<Json, Json>) => tail(deps.store, call),
  });
}
