// Google's gRPC errors (from any of its APIs, or the emulator) as the portal's
// typed errors. Each message names the API that failed ("Cloud SQL did not
// answer…"), so a person knows where to look; `what` says what we were doing.
import { AppError, Conflict, Forbidden, Invalid, NotFound, Upstream } from "../errors";

const CODE = {
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
};

export type GoogleApi =
  | "Cloud Run"
  | "Cloud SQL"
  | "Secret Manager"
  | "Cloud Logging"
  | "Cloud Monitoring"
  | "Cloud Billing"
  | "Cloud Scheduler"
  | "Resource Manager";

export function grpcCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === "number" ? code : undefined;
}

const API = Symbol("runway.googleApi");

/**
 * For code that calls several APIs in one step (a rotation's follower): marks a
 * rejection with the API it came from, so upstreamError can name it later.
 */
export function fromApi<T>(api: GoogleApi, call: Promise<T>): Promise<T> {
  return call.catch((err: unknown) => {
    if (err && typeof err === "object" && !(API in err)) Object.defineProperty(err, API, { value: api });
    throw err;
  });
}

/** The client with every promise-returning method marked by fromApi. */
export function markedClient<C extends object>(api: GoogleApi, client: C): C {
  return new Proxy(client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const result = value.apply(target, args);
        return result instanceof Promise ? fromApi(api, result) : result;
      };
    },
  });
}

/** The API a rejection came from, when fromApi marked it. */
export function apiOf(err: unknown): GoogleApi | undefined {
  return err && typeof err === "object" ? (err as { [API]?: GoogleApi })[API] : undefined;
}

/** `api` is the API called (a mark left by fromApi wins); `what` says what we were doing, e.g. "deploying pyplots-api". */
export function upstreamError(err: unknown, api: GoogleApi | "Google Cloud", what: string): AppError {
  if (err instanceof AppError) return err;
  const name = apiOf(err) ?? api;
  const detail = String((err as { details?: string })?.details || (err as Error)?.message || err).replace(
    /^\d+ [A-Z_]+: /,
    "",
  );
  switch (grpcCode(err)) {
    case CODE.NOT_FOUND:
      return new NotFound(`${name}: not found while ${what}: ${detail}`);
    case CODE.INVALID_ARGUMENT:
      return new Invalid(`${name} rejected this while ${what}: ${detail}`);
    case CODE.FAILED_PRECONDITION:
      return new Conflict(`${name} refused this while ${what}: ${detail}`);
    case CODE.ABORTED:
      return new Conflict(`Someone else changed it while ${what} (${name}): ${detail}`);
    case CODE.ALREADY_EXISTS:
      return new Conflict(`Already exists in ${name} (${what}): ${detail}`);
    case CODE.PERMISSION_DENIED:
    case CODE.UNAUTHENTICATED:
      return new Forbidden(`${name} refused access while ${what}: ${detail}`);
    case CODE.RESOURCE_EXHAUSTED:
      return new Upstream(`${name} quota exceeded while ${what}; try again in a minute.`);
    case CODE.UNAVAILABLE:
    case CODE.DEADLINE_EXCEEDED:
      return new Upstream(`${name} did not answer while ${what}; try again.`);
    default:
      return new Upstream(`${name} failed while ${what}: ${detail}`);
  }
}

export const GRPC = CODE;

const PASSING = new Set<number | undefined>([CODE.UNAVAILABLE, CODE.DEADLINE_EXCEEDED, CODE.RESOURCE_EXHAUSTED]);

/** A read that may hit a passing fault: tried once more when the first answer is UNAVAILABLE, DEADLINE_EXCEEDED or RESOURCE_EXHAUSTED. */
export async function readWithRetry<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (!PASSING.has(grpcCode(err))) throw err;
    return read();
  }
}
