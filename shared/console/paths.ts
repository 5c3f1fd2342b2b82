/**
 * Which request paths belong to the API and which to the console, on the one
 * origin both share. The local HTTP server and the CloudFront distribution
 * read this list: a path under one of these prefixes goes to the API (and a
 * miss there is the API's JSON 404), every other GET is the console's (a file
 * of its build, else its `index.html`, which routes on the client).
 *
 * @module
 */

/**
 * Path prefixes served by the API: `/api/*` (every resource, the events
 * stream included), `/auth/*`, `/webhooks/*`, `/ci/*`, `/health*`, `/docs`,
 * `/openapi.json`. Matching is by path segment boundary except `/health`,
 * which also covers `/health/ready`.
 */
export const API_PATH_PREFIXES = [
  '/api',
  '/auth',
  '/webhooks',
  '/ci',
  '/health',
  '/docs',
  '/openapi.json',
] as const;

/** True when `pathname` belongs to the API, not the console (`/api/v1/…`, `/docs/x.css`, `/healthz`). */
export function isApiPath(pathname: string): boolean {
  return API_PATH_PREFIXES.some(
    (prefix) =>
      pathname === prefix ||
      pathname.startsWith(`${prefix}/`) ||
      (prefix === '/health' && pathname.startsWith(prefix)),
  );
}
