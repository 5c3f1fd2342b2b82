import { DomainError } from '../errors.ts';

/** What went wrong talking to GitHub, coarse enough to decide on (retry, give up, tell the user). */
export type GitHubErrorKind =
  /** 401: the App JWT or the installation token was rejected. */
  | 'unauthorized'
  /** 403 other than rate limits: e.g. the App lacks a permission, the installation is suspended. */
  | 'forbidden'
  /** 404 (or 410): gone, or not visible to this installation. */
  | 'not_found'
  /** 422: GitHub refused the input. */
  | 'validation'
  /** Primary or secondary rate limit still in force after the client's own waiting. */
  | 'rate_limited'
  /** 5xx, timeouts and network failures, after the client's retries. */
  | 'unavailable'
  /** A 2xx whose body did not have the fields we read. */
  | 'invalid_response'
  /** Anything else. */
  | 'failed';

/**
 * A failed GitHub call, after retries. `code` is `github_api_error` for every
 * kind; `kind` and `status` say what happened, `retryAfterSeconds` when GitHub
 * said how long to wait. Messages name the method and path, never a token.
 */
export class GitHubApiError extends DomainError {
  override readonly name = 'GitHubApiError';
  readonly kind: GitHubErrorKind;
  readonly status: number | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    kind: GitHubErrorKind,
    message: string,
    options: { status?: number; retryAfterSeconds?: number; operation?: string; cause?: unknown } = {},
  ) {
    super('github_api_error', message, {
      cause: options.cause,
      details: {
        kind,
        ...(options.status === undefined ? {} : { status: options.status }),
        ...(options.operation === undefined ? {} : { operation: options.operation }),
        ...(options.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: options.retryAfterSeconds }),
      },
    });
    this.kind = kind;
    this.status = options.status;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** True when trying again later may succeed (rate limits, outages). */
  get retryable(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'unavailable';
  }
}

/**
 * The GitHub App is not configured (no app id or private key, or a key that is
 * not a PEM RSA private key). Code `not_configured`, which the HTTP kit answers 503.
 */
export class GitHubNotConfiguredError extends DomainError {
  override readonly name = 'GitHubNotConfiguredError';
  constructor(message: string) {
    super('not_configured', message);
  }
}

interface RequestErrorLike {
  status: number;
  message: string;
  request?: { method?: string; url?: string };
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

function isRequestErrorLike(error: unknown): error is RequestErrorLike {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { status?: unknown }).status === 'number' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

/** One entry of a 422's `errors` list as text: its message, else `resource.field code`. */
function errorEntry(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  if (typeof entry !== 'object' || entry === null) return undefined;
  const e = entry as Record<string, unknown>;
  if (typeof e.message === 'string') return e.message;
  const where = [e.resource, e.field].filter((x) => typeof x === 'string').join('.');
  return [where, typeof e.code === 'string' ? e.code : undefined].filter(Boolean).join(' ') || undefined;
}

/**
 * GitHub's own `message` from the error body, without Octokit's appended
 * documentation URL, followed by the entries of its `errors` list (a 422
 * says only "Validation Failed" at the top; the reason is in `errors`).
 */
function githubMessage(error: RequestErrorLike): string {
  const data = error.response?.data;
  if (
    typeof data === 'object' &&
    data !== null &&
    typeof (data as { message?: unknown }).message === 'string'
  ) {
    const { message, errors } = data as { message: string; errors?: unknown };
    const details = Array.isArray(errors) ? errors.map(errorEntry).filter(Boolean) : [];
    return details.length === 0 ? message : `${message}: ${details.join('; ')}`;
  }
  return error.message.replace(/ - https:\/\/docs\.github\.com\S*$/, '');
}

function header(error: RequestErrorLike, name: string): string | undefined {
  const value = error.response?.headers?.[name];
  return value === undefined ? undefined : String(value);
}

/** Seconds to wait, from `retry-after` or `x-ratelimit-reset`; undefined when GitHub gave neither. */
function retryAfterSeconds(error: RequestErrorLike, nowMs: number): number | undefined {
  const retryAfter = Number(header(error, 'retry-after'));
  if (Number.isFinite(retryAfter) && retryAfter > 0) return retryAfter;
  const reset = Number(header(error, 'x-ratelimit-reset'));
  if (Number.isFinite(reset) && reset > 0) return Math.max(1, Math.ceil(reset - nowMs / 1000));
  return undefined;
}

const TOKEN_ENDPOINT = /\/app\/installations\/(\d+)\/access_tokens$/;

/**
 * Turns whatever an Octokit call threw into a {@link GitHubApiError} whose
 * message says which call failed and why. `operation` is e.g.
 * `GET /repos/acme/widgets/issues/7`.
 */
export function toGitHubError(error: unknown, operation: string, nowMs = Date.now()): GitHubApiError {
  if (error instanceof GitHubApiError) return error;
  if (!isRequestErrorLike(error)) {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return new GitHubApiError('failed', `GitHub ${operation} failed: ${text}`, { operation, cause: error });
  }
  const status = error.status;
  const message = githubMessage(error);
  const tokenMint = TOKEN_ENDPOINT.exec(error.request?.url ?? '');
  const base = { status, operation, cause: error };
  if (tokenMint) {
    const installationId = tokenMint[1];
    if (status === 401)
      return new GitHubApiError(
        'unauthorized',
        `GitHub rejected the App's credentials when creating a token for installation ${installationId} (401: ${message}) during ${operation}. Check that the App id and private key (ASSAY_GITHUB_APP_ID, ASSAY_GITHUB_PRIVATE_KEY) belong to the same GitHub App.`,
        base,
      );
    if (status === 404)
      return new GitHubApiError(
        'not_found',
        `GitHub App installation ${installationId} does not exist (uninstalled?) (404) during ${operation}.`,
        base,
      );
    if (status === 403 && !/rate limit/i.test(message))
      return new GitHubApiError(
        'forbidden',
        `GitHub refused a token for installation ${installationId} (403: ${message}) during ${operation}.`,
        base,
      );
  }
  if (
    (status === 403 || status === 429) &&
    (header(error, 'x-ratelimit-remaining') === '0' ||
      /rate limit/i.test(message) ||
      header(error, 'retry-after') !== undefined)
  ) {
    const wait = retryAfterSeconds(error, nowMs) ?? 60;
    return new GitHubApiError(
      'rate_limited',
      `GitHub rate limit hit on ${operation} (${status}: ${message}); retry in ${wait} s.`,
      { ...base, retryAfterSeconds: wait },
    );
  }
  const kind: GitHubErrorKind =
    status === 401
      ? 'unauthorized'
      : status === 403
        ? 'forbidden'
        : status === 404 || status === 410
          ? 'not_found'
          : status === 422
            ? 'validation'
            : status >= 500 || status === 0
              ? 'unavailable'
              : 'failed';
  return new GitHubApiError(kind, `GitHub ${operation} failed (${status}: ${message}).`, base);
}
