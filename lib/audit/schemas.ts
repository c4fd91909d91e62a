import { z } from "zod";
import { wholeNumberOr } from "../whole-number";

export const AUDIT_OUTCOMES = ["success", "denied", "invalid", "failed", "started"] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

const text = z.preprocess(
  (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
  z.string().trim().max(300).optional(),
);

/** Audit filters as they arrive in a URL's search params. */
export const AuditQuery = z.object({
  actor: text,
  action: text,
  /** A target, or a prefix of one ending in `*` (e.g. `projects/p/*`). */
  target: text,
  outcome: z.preprocess((v) => (v === "" ? undefined : v), z.enum(AUDIT_OUTCOMES).optional()),
  /** Keyset cursor: show events older than this id. */
  before: z.preprocess((v) => (v === "" ? undefined : v), z.string().regex(/^\d+$/).optional()),
  limit: wholeNumberOr(50, { min: 1, max: 200, what: "a number of rows" }),
});
export type AuditQuery = z.infer<typeof AuditQuery>;
