import type { z } from 'zod';
import { GitHubApiError, toGitHubError } from '../github/github-errors.ts';

/** Default time allowed for one GitHub request. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** A GitHub response: status, headers, and the body parsed as JSON when it is JSON (else the text). */
export interface GitHubResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/** Joins a base URL (which may carry a path, as GitHub Enterprise's `/api/v3` does) and a path. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

/**
 * Sends one request with a timeout. A network failure or timeout becomes a
 * retryable `GitHubApiError` (`unavailable`). `operation` (e.g. `GET /user`)
 * names the call in errors; it must never contain a credential.
 */
export async function send(
  operation: string,
  url: string,
  init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string },
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<GitHubResponse> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      ...init,
      headers: { 'user-agent': 'assay', ...init.headers },
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    const reason =
      error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
        ? `no answer within ${timeoutMs} ms`
        : `network error (${error instanceof Error ? error.message : String(error)})`;
    throw new GitHubApiError('unavailable', `GitHub ${operation} failed: ${reason}.`, {
      operation,
      cause: error,
    });
  }
  let body: unknown = text;
  if (text !== '') {
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      // Not JSON (an HTML error page, a form-encoded answer): keep the text.
    }
  }
  return { status: response.status, headers: response.headers, body };
}

/**
 * Turns a non-2xx answer into a `GitHubApiError` the way the App client does
 * (5xx → retryable `unavailable`, rate limits → `rate_limited` with the wait,
 * 401 → `unauthorized`, …).
 */
export function httpError(operation: string, url: string, response: GitHubResponse): GitHubApiError {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    headers[key] = value;
  });
  const data = typeof response.body === 'string' ? undefined : response.body;
  return toGitHubError(
    {
      status: response.status,
      message: `HTTP ${response.status}`,
      request: { method: operation.split(' ')[0], url },
      response: { headers, data },
    },
    operation,
  );
}

/**
 * Checks a 2xx body against `schema`. A mismatch is a `GitHubApiError`
 * (`invalid_response`) naming the fields, never their values (the body may
 * hold a token).
 */
export function parseBody<T extends z.ZodType>(
  operation: string,
  schema: T,
  response: GitHubResponse,
): z.infer<T> {
  const result = schema.safeParse(response.body);
  if (result.success) return result.data;
  const fields = result.error.issues
    .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.code}`)
    .slice(0, 5)
    .join('; ');
  throw new GitHubApiError(
    'invalid_response',
    `GitHub ${operation} answered ${response.status} with an unexpected body (${fields}).`,
    { status: response.status, operation },
  );
}

/** The `rel="next"` URL of a `Link` header, if any. */
export function nextLink(link: string | null): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part.trim());
    if (match && match[2]!.split(/\s+/).includes('next')) return match[1];
  }
  return undefined;
}
