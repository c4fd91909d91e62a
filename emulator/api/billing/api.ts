// google.cloud.billing.v1.CloudCatalog: ListServices and ListSkus over the
// static catalogue in catalog.ts. Cloud Run and Cloud SQL have SKUs; other
// services list none. Prices convert to currency_code at a fixed rate
// (currency.ts); a time range must lie in one Pacific-time calendar month.
import type { Handler } from "../../grpc/server";
import { invalid, notFound } from "../../grpc/errors";
import { pageOf, readPage } from "../../grpc/paging";
import { fromTimestamp } from "../run/names";
import { SERVICES, skusOf } from "./catalog";
import { conversionRate } from "./currency";

const PACIFIC = new Intl.DateTimeFormat("en-US", {
  timeZone: "America/Los_Angeles",
  year: "numeric",
  month: "2-digit",
});
const pacificMonth = (d: Date) => PACIFIC.format(d); // "11/2026"

/**
 * Google's rule for start_time (inclusive) and end_time (exclusive): no future
 * timestamps, and the range within a single calendar month in
 * America/Los_Angeles. A start alone ranges up to now.
 */
export function checkTimeRange(start: Date | null, end: Date | null, now = new Date()): void {
  if ((start && start.getTime() > now.getTime()) || (end && end.getTime() > now.getTime() + 60_000))
    throw invalid("start_time and end_time must not be in the future.");
  if (start && end && start > end) throw invalid("start_time must not be after end_time.");
  if (!start) return;
  // The exclusive end's last included instant decides its month (an end at the next month's first instant is fine).
  const last = end ? new Date(Math.max(start.getTime(), end.getTime() - 1)) : now;
  if (pacificMonth(start) !== pacificMonth(last)) {
    throw invalid(
      `The time range [${start.toISOString()}, ${(end ?? now).toISOString()}) must be within a single calendar month in the America/Los_Angeles time zone.`,
    );
  }
}

export function cloudCatalogHandlers(): Record<string, Handler> {
  return {
    async ListServices(req) {
      const page = readPage(req.pageSize, req.pageToken, 5000, 5000);
      const { items, nextPageToken } = pageOf(SERVICES.slice(page.offset, page.offset + page.limit + 1), page);
      return { services: items, nextPageToken };
    },

    async ListSkus(req) {
      const m = /^services\/([^/]+)$/.exec(req.parent ?? "");
      if (!m) throw invalid(`Invalid parent: ${JSON.stringify(req.parent ?? "")}; expected services/{service_id}.`);
      if (!SERVICES.some((s) => s.serviceId === m[1])) throw notFound(`Service ${req.parent} not found.`);
      const { currency, rate } = conversionRate(req.currencyCode ?? "");
      const start = fromTimestamp(req.startTime);
      const end = fromTimestamp(req.endTime);
      checkTimeRange(start, end);
      const skus = skusOf(m[1], start ?? end ?? new Date(), currency, rate);
      const page = readPage(req.pageSize, req.pageToken, 5000, 5000);
      const { items, nextPageToken } = pageOf(skus.slice(page.offset, page.offset + page.limit + 1), page);
      return { skus: items, nextPageToken };
    },
  };
}
