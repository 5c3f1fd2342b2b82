import { SESSION_COOKIE } from './principal.ts';
import { SESSION_TTL_SECONDS } from './session-jwt.ts';
import { REFRESH_TTL_SECONDS } from './sessions.service.ts';

export const REFRESH_COOKIE = 'assay_refresh';
export const STATE_COOKIE = 'assay_oauth_state';

function cookie(name: string, value: string, path: string, maxAgeSeconds: number): string {
  return `${name}=${encodeURIComponent(value)}; Path=${path}; Max-Age=${maxAgeSeconds}; HttpOnly; Secure; SameSite=Lax`;
}

/** The session cookie carrying the access token. */
export const sessionCookie = (token: string) => cookie(SESSION_COOKIE, token, '/', SESSION_TTL_SECONDS);
/** The refresh cookie, sent only to the auth routes. */
export const refreshCookie = (token: string) => cookie(REFRESH_COOKIE, token, '/auth', REFRESH_TTL_SECONDS);
/** The OAuth state cookie, valid for the sign-in round trip only. */
export const stateCookie = (value: string) => cookie(STATE_COOKIE, value, '/auth', 600);
/** Cookies that clear the session (sign-out). */
export const clearedCookies = () => [
  cookie(SESSION_COOKIE, '', '/', 0),
  cookie(REFRESH_COOKIE, '', '/auth', 0),
];
