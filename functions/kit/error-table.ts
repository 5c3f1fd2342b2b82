import {
  ConflictError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  UnauthorizedError,
  ValidationError,
} from '../../shared/errors.ts';
import type { ErrorEnvelope } from './error-envelope.ts';

export interface MappedError {
  status: number;
  envelope: ErrorEnvelope;
  headers: Record<string, string>;
  /** True for failures of ours (5xx), which are logged with their stack. */
  internal: boolean;
}

/** Domain error class → HTTP status. The only place that decides it. */
const statusByClass: ReadonlyArray<readonly [new (...args: never[]) => DomainError, number]> = [
  [ValidationError, 400],
  [UnauthorizedError, 401],
  [ForbiddenError, 403],
  [NotFoundError, 404],
  [ConflictError, 409],
  [PayloadTooLargeError, 413],
  [RateLimitedError, 429],
];

/** Codes raised by the kit itself whose status differs from their class's. */
const statusByCode: Readonly<Record<string, number>> = {
  unsupported_media_type: 415,
  method_not_allowed: 405,
  not_configured: 503,
  github_api_error: 502,
  embeddings_unavailable: 502,
};

/**
 * Maps anything thrown to a status and the error envelope. Unknown errors
 * become a 500 with a generic message that names only the correlation id.
 */
export function mapError(error: unknown, correlationId: string): MappedError {
  if (error instanceof DomainError) {
    const status =
      statusByCode[error.code] ?? statusByClass.find(([type]) => error instanceof type)?.[1] ?? 400;
    const headers: Record<string, string> = {};
    if (error instanceof RateLimitedError)
      headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterSeconds)));
    const envelope: ErrorEnvelope = { error: { code: error.code, message: error.message } };
    if (error.details !== undefined) envelope.error.details = error.details;
    return { status, envelope, headers, internal: false };
  }
  return {
    status: 500,
    envelope: {
      error: { code: 'internal_error', message: `Internal error (correlation id ${correlationId})` },
    },
    headers: {},
    internal: true,
  };
}
