// Google's gRPC errors (from any of its APIs, or the emulator) as the portal's
// typed errors. `what` names the API call in words, so the messages say
// "Google Cloud" rather than guess which API answered.
import { AppError, Conflict, Forbidden, Invalid, NotFound, Upstream } from "../errors";

const CODE = { INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, ALREADY_EXISTS: 6, PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, ABORTED: 10, UNAVAILABLE: 14, UNAUTHENTICATED: 16 };

export function grpcCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === "number" ? code : undefined;
}

/** `what` says what we were doing, e.g. "deploying pyplots-api". */
export function upstreamError(err: unknown, what: string): AppError {
  if (err instanceof AppError) return err;
  const detail = String((err as { details?: string })?.details || (err as Error)?.message || err).replace(/^\d+ [A-Z_]+: /, "");
  switch (grpcCode(err)) {
    case CODE.NOT_FOUND: return new NotFound(`Not found while ${what}: ${detail}`);
    case CODE.INVALID_ARGUMENT: return new Invalid(`Google Cloud rejected this while ${what}: ${detail}`);
    case CODE.FAILED_PRECONDITION: return new Conflict(`Google Cloud refused this while ${what}: ${detail}`);
    case CODE.ABORTED: return new Conflict(`Someone else changed it while ${what}: ${detail}`);
    case CODE.ALREADY_EXISTS: return new Conflict(`Already exists (${what}): ${detail}`);
    case CODE.PERMISSION_DENIED: case CODE.UNAUTHENTICATED: return new Forbidden(`Google Cloud refused access while ${what}: ${detail}`);
    case CODE.RESOURCE_EXHAUSTED: return new Upstream(`Google Cloud quota exceeded while ${what}; try again in a minute.`);
    case CODE.UNAVAILABLE: case CODE.DEADLINE_EXCEEDED: return new Upstream(`Google Cloud did not answer while ${what}; try again.`);
    default: return new Upstream(`Google Cloud failed while ${what}: ${detail}`);
  }
}

export const GRPC = CODE;
