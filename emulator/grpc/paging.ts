// page_size / page_token for List RPCs. Tokens are opaque (an offset in
// base64url JSON); the last page's next_page_token is '' so the clients'
// auto-pagination stops.
import { invalid } from "./errors";

export type Page = { offset: number; limit: number };

export function readPage(
  pageSize: number | undefined,
  pageToken: string | undefined,
  defaultSize = 100,
  maxSize = 1000,
): Page {
  const size = Number(pageSize ?? 0);
  if (!Number.isInteger(size) || size < 0) throw invalid(`page_size must be a non-negative integer, got ${pageSize}`);
  const limit = Math.min(size === 0 ? defaultSize : size, maxSize);
  if (!pageToken) return { offset: 0, limit };
  try {
    const parsed = JSON.parse(Buffer.from(pageToken, "base64url").toString("utf8")) as { o?: unknown };
    if (typeof parsed.o === "number" && Number.isInteger(parsed.o) && parsed.o >= 0) return { offset: parsed.o, limit };
  } catch {
    // fall through
  }
  throw invalid(`Invalid page_token: ${pageToken}`);
}

/** Given rows fetched with LIMIT limit+1, the page and the token for the next one. */
export function pageOf<T>(rows: T[], page: Page): { items: T[]; nextPageToken: string } {
  if (rows.length <= page.limit) return { items: rows, nextPageToken: "" };
  const nextPageToken = Buffer.from(JSON.stringify({ o: page.offset + page.limit })).toString("base64url");
  return { items: rows.slice(0, page.limit), nextPageToken };
}
