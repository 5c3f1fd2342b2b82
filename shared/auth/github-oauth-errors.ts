import { DomainError } from '../errors.ts';

/**
 * The OAuth error codes GitHub answers the token exchange with (HTTP 200,
 * `{ error, error_description, error_uri }`) or puts on the callback URL
 * (`?error=access_denied`). Other strings are passed through as they come.
 */
export type GitHubOAuthErrorCode =
  /** The code is wrong, expired (10 minutes) or was already used. */
  | 'bad_verification_code'
  /** The user declined the authorisation (callback `?error=access_denied`). */
  | 'access_denied'
  /** The client id or secret is wrong: a server misconfiguration, not the user's fault. */
  | 'incorrect_client_credentials'
  /** `redirect_uri` differs from the one used on `/login/oauth/authorize` or the registered callback. */
  | 'redirect_uri_mismatch'
  | (string & {});

/**
 * The OAuth web flow failed because of what the browser brought back: a bad,
 * expired or reused code, or an authorisation the user declined. Code
 * `oauth_failed` (the HTTP kit answers 400); `oauthError` is GitHub's own
 * error code. Misconfiguration (wrong client secret, redirect mismatch) is
 * not this error: it is a `GitHubApiError` (`github_api_error`, 502).
 */
export class OAuthError extends DomainError {
  override readonly name = 'OAuthError';
  /** GitHub's `error`, e.g. `bad_verification_code`. */
  readonly oauthError: GitHubOAuthErrorCode;

  constructor(oauthError: GitHubOAuthErrorCode, message: string, options: { cause?: unknown } = {}) {
    super('oauth_failed', message, { details: { oauthError }, cause: options.cause });
    this.oauthError = oauthError;
  }
}
