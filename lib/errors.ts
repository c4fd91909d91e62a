// Typed errors that domain code throws, mapped to what a person sees in one
// place (toUserMessage). Anything else is an internal error: the person gets a
// generic message with a request id, the log gets the details.

export type ErrorCode =
  "unauthenticated" | "forbidden" | "invalid" | "not_found" | "conflict" | "upstream" | "internal";

export class AppError extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string,
    public readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class Unauthenticated extends AppError {
  constructor(message = "Please sign in.") {
    super("unauthenticated", message);
  }
}
export class Forbidden extends AppError {
  constructor(message = "Your role does not allow this.") {
    super("forbidden", message);
  }
}
export class Invalid extends AppError {
  constructor(
    message: string,
    public readonly fieldErrors: Record<string, string[]> = {},
  ) {
    super("invalid", message);
  }
}
export class NotFound extends AppError {
  constructor(message: string) {
    super("not_found", message);
  }
}
export class Conflict extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super("conflict", message, details);
  }
}
export class Upstream extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super("upstream", message, details);
  }
}

export function toUserMessage(err: unknown, requestId: string): { code: ErrorCode; message: string } {
  if (err instanceof AppError) return { code: err.code, message: err.message };
  return { code: "internal", message: `Something went wrong on our side (request ${requestId}). It has been logged.` };
}
