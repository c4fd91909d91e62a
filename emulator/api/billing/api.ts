// google.cloud.billing.v1.CloudCatalog: ListServices and ListSkus over the
// static catalogue in catalog.ts. Only Cloud Run has SKUs; other services
// list none. USD only (the emulator has no exchange rates).
import type { Handler } from "../../grpc/server";
import { invalid, notFound } from "../../grpc/errors";
import { pageOf, readPage } from "../../grpc/paging";
import { fromTimestamp } from "../run/names";
import { CLOUD_RUN, cloudRunSkus, SERVICES } from "./catalog";

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
      const currency = req.currencyCode || "USD";
      if (currency !== "USD") throw invalid(`Unsupported currency_code ${currency}: the emulator prices in USD only.`);
      const start = fromTimestamp(req.startTime);
      const end = fromTimestamp(req.endTime);
      if (start && end && start > end) throw invalid("start_time must not be after end_time.");
      if ((start && start.getTime() > Date.now()) || (end && end.getTime() > Date.now() + 60_000)) throw invalid("start_time and end_time must not be in the future.");
      const skus = m[1] === CLOUD_RUN ? cloudRunSkus(end ?? start ?? new Date()) : [];
      const page = readPage(req.pageSize, req.pageToken, 5000, 5000);
      const { items, nextPageToken } = pageOf(skus.slice(page.offset, page.offset + page.limit + 1), page);
      return { skus: items, nextPageToken };
    },
  };
}
