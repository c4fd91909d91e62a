// API errors as gRPC statuses. Handlers throw ApiError; the server turns it
// into `{code, details}`, which the Google clients surface as err.code and
// err.details.
import { status } from "@grpc/grpc-js";

export { status as Code };

export class ApiError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
  }
}

export const invalid = (message: string) => new ApiError(status.INVALID_ARGUMENT, message);
export const notFound = (message: string) => new ApiError(status.NOT_FOUND, message);
export const alreadyExists = (message: string) => new ApiError(status.ALREADY_EXISTS, message);
export const aborted = (message: string) => new ApiError(status.ABORTED, message);
export const failedPrecondition = (message: string) => new ApiError(status.FAILED_PRECONDITION, message);

/** `UNAVAILABLE`, `"14"` or `14` → 14; undefined when it names no code. */
export function parseCode(value: unknown): status | undefined {
  if (typeof value === "number" && status[value] !== undefined) return value;
  if (typeof value === "string") {
    if (/^\d+$/.test(value)) return parseCode(Number(value));
    const code = (status as unknown as Record<string, number>)[value.toUpperCase()];
    if (typeof code === "number") return code;
  }
  return undefined;
}
