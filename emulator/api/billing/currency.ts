// Prices in other currencies, as ListSkus returns them for currency_code:
// every unit price is the USD list price × PricingInfo.currency_conversion_rate
// ("USD * currency_conversion_rate = <currency>", billing/v1/cloud_catalog.proto),
// rounded to the nano. Google's rates move (and include a surcharge); the
// emulator has no exchange-rate source, so these are fixed, plausible rates,
// stable so that tests and demos are reproducible.
import { invalid } from "../../grpc/errors";

export const USD_RATES: Record<string, number> = {
  USD: 1,
  EUR: 0.92,
  GBP: 0.79,
  CHF: 0.88,
  JPY: 150,
  CAD: 1.38,
  AUD: 1.52,
  INR: 84,
  SEK: 10.6,
  BRL: 5.4,
};

export type Money = { currencyCode: string; units: string; nanos: number };

/** The rate for a currency_code ('' = USD); an unknown code is INVALID_ARGUMENT. */
export function conversionRate(code: string): { currency: string; rate: number } {
  const currency = (code || "USD").toUpperCase();
  const rate = USD_RATES[currency];
  if (rate === undefined)
    throw invalid(
      `Unsupported currency_code "${code}"; the emulator converts to ${Object.keys(USD_RATES).join(", ")}.`,
    );
  return { currency, rate };
}

/** A USD amount in a currency, as google.type.Money exact to the nano (integer arithmetic on nanos). */
export function money(usd: number, currency = "USD", rate = 1): Money {
  const nanosTotal = Math.round(Math.round(usd * 1e9) * rate);
  return { currencyCode: currency, units: String(Math.trunc(nanosTotal / 1e9)), nanos: nanosTotal % 1e9 };
}
