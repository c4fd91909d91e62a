// Whole numbers from forms, URLs and JSON, parsed strictly. z.coerce.number()
// turns null, true, [] and "" into 0 or 1, so a malformed call slipped through
// as a plausible value. Here a string must be digits only, a number must be a
// whole number, both within range; anything else is a field error saying so.
import { z } from "zod";

type Options = {
  min: number;
  max: number;
  /** e.g. "a whole number of instances" */ what?: string;
  tooSmall?: string;
  tooBig?: string;
};

function kindOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/** A whole number in [min, max], from digits in a string or from a number. */
export function wholeNumber({ min, max, what = "a whole number", tooSmall, tooBig }: Options) {
  const range = `Enter ${what} from ${min} to ${max}.`;
  return z.unknown().transform((v, ctx): number => {
    let n: number;
    if (typeof v === "number") n = v;
    else if (typeof v === "string" && /^\s*\d{1,15}\s*$/.test(v)) n = Number(v.trim());
    else {
      const message =
        typeof v === "string"
          ? v.trim() === ""
            ? `Enter ${what}.`
            : `Digits only: ${range[0].toLowerCase()}${range.slice(1)}`
          : `Expected ${what}, not ${kindOf(v)}.`;
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    }
    if (!Number.isInteger(n)) ctx.addIssue({ code: "custom", message: `Whole numbers only. ${range}` });
    else if (n < min) ctx.addIssue({ code: "custom", message: tooSmall ?? range });
    else if (n > max) ctx.addIssue({ code: "custom", message: tooBig ?? range });
    else return n;
    return z.NEVER;
  });
}

/** The same, where leaving the field out (or empty) means `fallback`. */
export function wholeNumberOr(fallback: number, options: Options) {
  return z.preprocess((v) => (v === undefined || v === "" ? fallback : v), wholeNumber(options));
}
