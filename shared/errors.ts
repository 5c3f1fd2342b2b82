/**
 * Domain errors. Services throw these; the HTTP kit maps each `code` family to
 * a status through one table, and step handlers expose `name` to Retry/Catch.
 */
export class DomainError extends Error {
  override readonly name: string = 'DomainError';
  readonly code: string;
  readonly details: unknown;

  constructor(code: string, message: string, options: { details?: unknown; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }
}

/** The input is well-formed but not acceptable (400). */
export class ValidationError extends DomainError {
  override readonly name = 'ValidationError';
  constructor(message: string, details?: unknown, code = 'validation_failed') {
    super(code, message, { details });
  }
}

/** The thing asked for does not exist, or the caller may not know it exists (404). */
export class NotFoundError extends DomainError {
  override readonly name = 'NotFoundError';
  constructor(message = 'Not found', code = 'not_found') {
    super(code, message);
  }
}

/** The request conflicts with the current state (409). */
export class ConflictError extends DomainError {
  override readonly name = 'ConflictError';
  constructor(message: string, code = 'conflict') {
    super(code, message);
  }
}

/** No valid credentials (401). */
export class UnauthorizedError extends DomainError {
  override readonly name = 'UnauthorizedError';
  constructor(message = 'Authentication required', code = 'unauthorized') {
    super(code, message);
  }
}

/** Valid credentials that do not allow this action (403). */
export class ForbiddenError extends DomainError {
  override readonly name = 'ForbiddenError';
  constructor(message = 'Not allowed', code = 'forbidden') {
    super(code, message);
  }
}

/** Too many requests; `retryAfterSeconds` becomes the Retry-After header (429). */
export class RateLimitedError extends DomainError {
  override readonly name = 'RateLimitedError';
  constructor(
    readonly retryAfterSeconds: number,
    message = 'Too many requests',
  ) {
    super('rate_limited', message, { details: { retryAfterSeconds } });
  }
}

/** The request body or artifact is larger than allowed (413). */
export class PayloadTooLargeError extends DomainError {
  override readonly name = 'PayloadTooLargeError';
  constructor(limitBytes: number, message = `Payload exceeds ${limitBytes} bytes`) {
    super('payload_too_large', message, { details: { limitBytes } });
  }
}
