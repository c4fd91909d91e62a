// Inputs of the cost actions: a budget as the form sends it, and a service's
// variance threshold. Pure (zod only), so forms may share the names.
import { z } from "zod";

const PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

/** "50, 90, 100" → [0.5, 0.9, 1]: percents of the amount, each 1–1000, at most 10. */
const percents = z
  .string()
  .trim()
  .transform((text, ctx) => {
    const parts = text.split(/[\s,;]+/).filter(Boolean);
    const values = parts.map(Number);
    if (!parts.length) return [];
    if (parts.length > 10 || values.some((v) => !Number.isFinite(v) || v <= 0 || v > 1000)) {
      ctx.addIssue({
        code: "custom",
        message: "List up to 10 percents between 1 and 1000, separated by commas (e.g. 50, 90, 100).",
      });
      return z.NEVER;
    }
    return [...new Set(values)].sort((a, b) => a - b).map((v) => v / 100);
  });

export const BudgetInput = z.object({
  account: z.string().regex(/^billingAccounts\/[0-9A-Za-z-]+$/, "Choose a billing account."),
  /** Set when editing: the budget's resource name and the etag read with it. */
  budget: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z
      .string()
      .regex(/^billingAccounts\/[^/]+\/budgets\/[^/]+$/, "Not a budget name.")
      .optional(),
  ),
  etag: z.preprocess((v) => (v === "" ? undefined : v), z.string().max(200).optional()),
  displayName: z.string().trim().min(1, "Give the budget a name.").max(60, "At most 60 characters."),
  /** The one project the budget covers: the portal makes no budget over the whole billing account (issue 27, item 3). */
  project: z
    .string({ error: "Choose the project the budget covers." })
    .trim()
    .min(1, "Choose the project the budget covers.")
    .pipe(z.string().regex(PROJECT, "Not a project id.")),
  amount: z
    .string()
    .trim()
    .regex(/^\d{1,9}(\.\d{1,2})?$/, "Give an amount such as 25 or 99.50.")
    .refine((v) => Number(v) > 0, "The amount must be more than zero."),
  thresholds: percents.pipe(z.array(z.number()).min(1, "Give at least one alert threshold.")),
  forecastAlert: z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean()).default(false),
});
export type BudgetInput = z.infer<typeof BudgetInput>;

export const VarianceThresholdInput = z.object({
  project: z.string().regex(PROJECT, "Not a project id."),
  service: z.string().regex(/^[a-z]([a-z0-9-]{0,47}[a-z0-9])?$/, "Not a service name."),
  percent: z.coerce
    .number({ error: "Give a percent." })
    .int("Give a whole percent.")
    .min(1, "At least 1 %.")
    .max(1000, "At most 1000 %."),
});
export type VarianceThresholdInput = z.infer<typeof VarianceThresholdInput>;
