// Cloud Run's list prices from the Cloud Billing Catalog, cached for an hour
// (prices change rarely; the catalog is large).
import type { CloudCatalogClient, protos } from "@google-cloud/billing";
import { TtlCache } from "../cache";
import { upstreamError } from "../gcp/errors";
import { CLOUD_RUN_SERVICE } from "./pricing";

const cache = new TtlCache<protos.google.cloud.billing.v1.ISku[]>(3_600_000, 4);

/** In the billing account's currency (the Catalog converts; USD when unsaid). */
export async function cloudRunSkus(
  client: CloudCatalogClient,
  currency = "USD",
): Promise<protos.google.cloud.billing.v1.ISku[]> {
  return cache.get(`cloud-run/${currency}`, async () => {
    try {
      const [skus] = await client.listSkus({ parent: CLOUD_RUN_SERVICE, currencyCode: currency }, { timeout: 30_000 });
      return skus;
    } catch (err) {
      throw upstreamError(err, "Cloud Billing", "reading Cloud Run prices from the Catalog");
    }
  });
}
