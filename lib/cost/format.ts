// Money as the cost views show it: in the billing account's currency (never
// assumed USD), two decimals, and amounts under one cent as "< $0.01" rather
// than a row of $0.00 beside real figures. Pure, so client components use it.

/** The smallest amount shown as itself; below it (and above zero) the text is "< 0.01". */
export const SMALLEST = 0.01;

export function formatMoney(amount: number, currency = "USD", locale = "en-US"): string {
  const fmt = (v: number) =>
    v.toLocaleString(locale, { style: "currency", currency, minimumFractionDigits: 2, maximumFractionDigits: 2 });
  if (amount > 0 && amount < SMALLEST) return `< ${fmt(SMALLEST)}`;
  if (amount < 0 && amount > -SMALLEST) return `> ${fmt(-SMALLEST)}`;
  return fmt(amount);
}

/** A signed change: "+$1.20", "−$0.40", "< +$0.01". */
export function formatChange(amount: number, currency = "USD"): string {
  if (amount === 0) return formatMoney(0, currency);
  const text = formatMoney(Math.abs(amount), currency);
  const sign = amount > 0 ? "+" : "−";
  return text.startsWith("< ") ? `< ${sign}${text.slice(2)}` : `${sign}${text}`;
}

export function formatPercent(fraction: number): string {
  return `${fraction > 0 ? "+" : fraction < 0 ? "−" : ""}${Math.round(Math.abs(fraction) * 100)} %`;
}

/** A unit cost (per 1,000 requests): sub-cent amounts keep two significant digits ("$0.0062"), since they are the point. */
export function formatUnitCost(amount: number, currency = "USD", locale = "en-US"): string {
  if (amount <= 0 || amount >= SMALLEST) return formatMoney(amount, currency, locale);
  const digits = Math.min(8, Math.max(2, 1 - Math.floor(Math.log10(amount))));
  return amount.toLocaleString(locale, {
    style: "currency",
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}
