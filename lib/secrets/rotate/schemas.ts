// Input of the rotation action, validated in the guarded path. The value
// fields are listed as sensitive there: they never reach audit rows or logs.
import { z } from "zod";
import { wholeNumberOr } from "../../whole-number";

const project = z.string().regex(/^[a-z][a-z0-9-]{4,61}[a-z0-9]$/, "Not a project id.");
const secret = z.string().regex(/^[A-Za-z0-9_-]{1,255}$/, "Not a secret id.");
const sqlName = z.string().regex(/^[a-z][a-z0-9-]{0,97}$/, "Not a Cloud SQL instance name.");

export const ALPHABETS = {
  "letters-digits": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
  hex: "0123456789abcdef",
  "letters-digits-symbols": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~!#%*+=",
} as const;
export type Alphabet = keyof typeof ALPHABETS;
export const ALPHABET_LABELS: Record<Alphabet, string> = {
  "letters-digits": "Letters and digits",
  hex: "Hex digits",
  "letters-digits-symbols": "Letters, digits and URL-safe symbols",
};

/** The path each redeployed service is checked on through its new revision's tag URL. */
export const CheckPath = z
  .string()
  .trim()
  .regex(/^\/[\x21-\x7e]{0,200}$/, "A path starting with /, without spaces.");

/** Secret Manager's payload limit. */
const MAX_BYTES = 65_536;

export const RotateInput = z
  .object({
    project,
    secret,
    idempotencyKey: z.uuid("Missing form key; reload the page."),
    mode: z.enum(["generate", "enter"]),
    length: wholeNumberOr(32, {
      min: 16,
      max: 256,
      what: "a length",
      tooSmall: "At least 16 characters.",
      tooBig: "At most 256 characters.",
    }),
    alphabet: z.enum(Object.keys(ALPHABETS) as [Alphabet, ...Alphabet[]]).default("letters-digits"),
    newValue: z.string().default(""),
    confirmValue: z.string().default(""),
    /** "on" when the secret is a Cloud SQL user's password that the flow sets too. */
    setSqlPassword: z.enum(["on", "off"]).default("off"),
    sqlInstance: z.string().default(""),
    sqlUser: z.string().default(""),
    /** Per reader, `projects/…/services/…` → check path. */
    checks: z.record(z.string(), CheckPath).default({}),
  })
  .superRefine((v, ctx) => {
    if (v.mode === "enter") {
      if (!v.newValue)
        ctx.addIssue({ code: "custom", path: ["newValue"], message: "Enter the new value, or choose Generate." });
      else if (Buffer.byteLength(v.newValue) > MAX_BYTES)
        ctx.addIssue({ code: "custom", path: ["newValue"], message: "Secret Manager keeps at most 64 KiB." });
      else if (v.newValue !== v.newValue.trim())
        ctx.addIssue({
          code: "custom",
          path: ["newValue"],
          message:
            "The value starts or ends with a space or line break; remove it (it would become part of the secret).",
        });
      if (v.newValue && v.confirmValue !== v.newValue)
        ctx.addIssue({ code: "custom", path: ["confirmValue"], message: "The two values differ." });
    }
    if (v.setSqlPassword === "on") {
      if (!sqlName.safeParse(v.sqlInstance).success)
        ctx.addIssue({ code: "custom", path: ["sqlInstance"], message: "Choose the Cloud SQL instance." });
      if (!/^[A-Za-z_][A-Za-z0-9_.@-]{0,62}$/.test(v.sqlUser))
        ctx.addIssue({ code: "custom", path: ["sqlUser"], message: "Not a database user name." });
    }
  });
export type RotateInput = z.infer<typeof RotateInput>;

/** Fields whose values never reach the audit trail, logs or error details. */
export const ROTATE_SENSITIVE = ["newValue", "confirmValue"];
