/**
 * URL rules of a crawl: normalisation, scope, which links are followed.
 * Pure functions over WHATWG URLs.
 *
 * @module
 */

/** How far a crawl may wander from its start URL. */
export type CrawlScope = 'same-origin' | 'same-hostname';

/**
 * The canonical form of a URL a crawl visits once: resolved against `base`,
 * fragment dropped, query kept as written, host lower-cased and default ports
 * removed (the WHATWG parser does both), and an empty path made `/`.
 * Returns `null` for what does not parse.
 */
export function normaliseUrl(href: string, base?: string): string | null {
  let url: URL;
  try {
    url = base === undefined ? new URL(href) : new URL(href, base);
  } catch {
    return null;
  }
  url.hash = '';
  return url.href;
}

/** Schemes whose links are recorded but never fetched. */
const NOT_FETCHED = new Set(['mailto:', 'tel:', 'javascript:', 'data:', 'blob:', 'sms:', 'ftp:', 'file:']);

/** Why a link is not followed (or `null` when it may be, subject to robots.txt and limits). */
export type LinkVerdict =
  | null
  | 'scheme'
  | 'off-scope'
  | 'logout'
  | 'excluded'
  | 'robots'
  | 'depth'
  | 'max-pages'
  | 'invalid';

/** True for http(s) URLs; everything else (mailto:, tel:, javascript:, file: …) is never fetched. */
export function isFetchableScheme(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return (protocol === 'http:' || protocol === 'https:') && !NOT_FETCHED.has(protocol);
  } catch {
    return false;
  }
}

/**
 * True when `url` is within `scope` of `start`: `same-origin` needs the same
 * scheme, host and port; `same-hostname` the same host name on any port or
 * scheme (http and https of one site).
 */
export function inScope(url: string, start: string, scope: CrawlScope): boolean {
  let a: URL;
  let b: URL;
  try {
    a = new URL(url);
    b = new URL(start);
  } catch {
    return false;
  }
  if (!isFetchableScheme(a.href)) return false;
  return scope === 'same-origin' ? a.origin === b.origin : a.hostname === b.hostname;
}

const LOGOUT = /(^|[/_.-])(log|sign)[-_]?(out|off)([/_.?-]|$)|(^|[/_.-])logoff([/_.?-]|$)/i;

/**
 * True for links that would end a signed-in session (`/logout`, `/sign-out`,
 * `/users/sign_out`, `/auth/logoff`, `?action=logout`): a crawl that logged in
 * does not follow them.
 */
export function isLogoutLike(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (
      LOGOUT.test(parsed.pathname) || LOGOUT.test(decodeURIComponent(parsed.search).replace(/[?&=]/g, '/'))
    );
  } catch {
    return false;
  }
}

/** The path and query of `url` (`/a/b?x=1`): what `exclude` globs and robots.txt rules are matched against. */
export function pathAndQuery(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}
