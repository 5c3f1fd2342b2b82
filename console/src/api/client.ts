/**
 * The console's only way to the API: a typed client generated from
 * `/openapi.json` (`schema.gen.ts`, written at build time from the contracts).
 * Same origin, so the session cookie rides along; a 401 refreshes the
 * session once (`POST /auth/refresh`) and retries.
 */
import createClient from 'openapi-fetch';
import type { paths } from './schema.gen.ts';

export type { components, paths } from './schema.gen.ts';

/** The JSON body a GET of `P` answers with on success. */
export type Json<P extends keyof paths> = paths[P] extends {
  get: { responses: { 200: { content: { 'application/json': infer T } } } };
}
  ? T
  : never;

let refreshing: Promise<boolean> | undefined;

/** Renews the session from the refresh cookie; one request at a time. */
function refreshSession(): Promise<boolean> {
  refreshing ??= fetch('/auth/refresh', { method: 'POST', credentials: 'same-origin' })
    .then((r) => r.ok)
    .catch(() => false)
    .finally(() => {
      setTimeout(() => {
        refreshing = undefined;
      }, 0);
    });
  return refreshing;
}

/** fetch, with one session refresh and retry on 401. */
async function sessionFetch(input: Request): Promise<Response> {
  const retry = input.clone();
  const response = await fetch(input);
  if (response.status !== 401 || new URL(input.url).pathname.startsWith('/auth/')) return response;
  if (!(await refreshSession())) return response;
  return fetch(retry);
}

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin', fetch: sessionFetch });

/** An error the API answered (`{ error: { code, message } }`), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface Envelope {
  error?: { code?: unknown; message?: unknown; details?: unknown };
}

/** Turns an openapi-fetch answer into its data, or throws an {@link ApiError}. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<NonNullable<T>> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (error) {
    throw new ApiError(0, 'network_error', error instanceof Error ? error.message : String(error));
  }
  const { data, error, response } = result;
  if (response.ok) return data as NonNullable<T>;
  const envelope = (typeof error === 'object' && error !== null ? error : {}) as Envelope;
  const code = typeof envelope.error?.code === 'string' ? envelope.error.code : `http_${response.status}`;
  const message =
    typeof envelope.error?.message === 'string'
      ? envelope.error.message
      : response.statusText || 'Request failed';
  throw new ApiError(response.status, code, message, envelope.error?.details);
}

/** What went wrong and what to do about it, in words, for any error a page meets. */
export function describeError(error: unknown): { title: string; message: string; next: string } {
  if (!(error instanceof ApiError)) {
    return {
      title: 'Something went wrong in the console',
      message: error instanceof Error ? error.message : String(error),
      next: 'Reload the page. If it happens again, report it with what you clicked.',
    };
  }
  const message = error.message;
  switch (true) {
    case error.status === 0:
      return {
        title: 'Assay could not be reached',
        message,
        next: 'Check your connection (locally: is `npm start` still running?) and try again.',
      };
    case error.status === 401:
      return { title: 'You are signed out', message, next: 'Sign in with GitHub again.' };
    case error.status === 403:
      return {
        title: 'You are not allowed to do this',
        message,
        next: 'Ask an owner of the organisation for a role that allows it (Settings → Members).',
      };
    case error.status === 404:
      return {
        title: 'Not found',
        message,
        next: 'Check the address; it may have been deleted, or it belongs to an organisation you are not a member of.',
      };
    case error.status === 409:
      return {
        title: 'That cannot be done now',
        message,
        next: 'Reload to see the current state, then try again.',
      };
    case error.status === 400 || error.status === 422 || error.status === 413:
      return {
        title: 'Assay refused the input',
        message,
        next: 'Correct what the message names and send it again.',
      };
    case error.status === 429:
      return { title: 'Too many requests', message, next: 'Wait a minute, then try again.' };
    default:
      return {
        title: `Assay failed (${error.status})`,
        message,
        next: 'Try again in a moment. If it keeps failing, give the message above to whoever runs Assay.',
      };
  }
}
