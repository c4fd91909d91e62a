// A budget's month, pure: spend so far (net of the free tier) against the
// amount, the month-end forecast (the month-to-date daily rate carried to the
// end of the month) and, per threshold, the day spend crossed it or the day
// the forecast says it will.
export type Threshold = { percent: number; basis: "CURRENT_SPEND" | "FORECASTED_SPEND" };
export type ThresholdState = Threshold & {
  amount: number;
  /** "crossed": spend (or, for a forecast rule, the forecast) is over it; "forecast": spend will cross it this month; "clear": not this month. */
  state: "crossed" | "forecast" | "clear";
  /** YYYY-MM-DD: when spend crossed it, or when the forecast crosses it. */
  date: string | null;
};
export type BudgetMonth = {
  amount: number;
  spent: number;
  forecast: number;
  /** Cumulative spend per day of the month so far, then the forecast line to month end. */
  actual: { day: string; total: number }[];
  projected: { day: string; total: number }[];
  thresholds: ThresholdState[];
};

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function budgetMonth(
  amount: number,
  daily: { day: string; total: number }[],
  thresholds: Threshold[],
  now: Date,
): BudgetMonth {
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  const elapsedDays = Math.max(1 / 24, (now.getTime() - start) / DAY);
  const byDay = new Map<string, number>();
  for (const d of daily)
    if (d.day >= iso(start) && d.day < iso(end)) byDay.set(d.day, (byDay.get(d.day) ?? 0) + d.total);
  const actual: { day: string; total: number }[] = [];
  let running = 0;
  for (let t = start; t <= now.getTime() && t < end; t += DAY) {
    running += byDay.get(iso(t)) ?? 0;
    actual.push({ day: iso(t), total: running });
  }
  const spent = running;
  const rate = spent / elapsedDays;
  const forecast = spent + rate * Math.max(0, (end - now.getTime()) / DAY);
  const projected: { day: string; total: number }[] = [];
  for (let t = Math.floor(now.getTime() / DAY) * DAY + DAY; t < end; t += DAY)
    projected.push({ day: iso(t), total: spent + rate * ((t + DAY - now.getTime()) / DAY) });
  const states = thresholds.map((th): ThresholdState => {
    const at = amount * th.percent;
    const crossedOn = actual.find((a) => a.total >= at)?.day ?? null;
    if (crossedOn) return { ...th, amount: at, state: "crossed", date: crossedOn };
    if (forecast >= at && rate > 0) {
      const date = iso(now.getTime() + ((at - spent) / rate) * DAY);
      return { ...th, amount: at, state: th.basis === "FORECASTED_SPEND" ? "crossed" : "forecast", date };
    }
    return { ...th, amount: at, state: "clear", date: null };
  });
  return { amount, spent, forecast, actual, projected, thresholds: states };
}
