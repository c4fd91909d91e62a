// Operation ids arrive from URLs (`/api/operations/<id>`, `?op=` on pages).
// Postgres refuses a malformed uuid with an error, so anything that is not a
// UUID is "no such operation" before it reaches the database.
import { z } from "zod";

const OperationId = z.uuid();

/** The id when it is a UUID, else null. */
export function parseOperationId(value: unknown): string | null {
  const parsed = OperationId.safeParse(value);
  return parsed.success ? parsed.data.toLowerCase() : null;
}
