import { getAppSecret } from '../../shared/adapters/app-secrets.ts';
import { refreshCookie, STATE_COOKIE, sessionCookie, stateCookie } from '../../shared/auth/cookies.ts';
import { exchangeCode, fetchGitHubMemberships, fetchUser } from '../../shared/auth/github-oauth.ts';
import { checkOAuthState } from '../../shared/auth/oauth-state.ts';
import { readCookie } from '../../shared/auth/principal.ts';
import { sessionKey, signSessionToken } from '../../shared/auth/session-jwt.ts';
import { createSession } from '../../shared/auth/sessions.service.ts';
import { syncSignedInUser } from '../../shared/auth/sign-in.service.ts';
import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { DomainError } from '../../shared/errors.ts';
import { getAuthCallback } from '../contracts/identity.ts';
import { httpHandler } from '../kit/http-handler.ts';
import { HttpResponse } from '../kit/http-response.ts';

export const handler = httpHandler(getAuthCallback, async ({ query, event }, ctx) => {
  const config = getConfig();
  const secret = await getAppSecret('session');
  const returnTo = await checkOAuthState(secret, readCookie(event.cookies, STATE_COOKIE), query.state);
  if (!config.ASSAY_GITHUB_CLIENT_ID || !config.ASSAY_GITHUB_CLIENT_SECRET) {
    throw new DomainError(
      'not_configured',
      'Sign-in with GitHub needs ASSAY_GITHUB_CLIENT_ID and ASSAY_GITHUB_CLIENT_SECRET',
    );
  }
  const { accessToken } = await exchangeCode({
    webUrl: config.ASSAY_GITHUB_WEB_URL,
    clientId: config.ASSAY_GITHUB_CLIENT_ID,
    clientSecret: config.ASSAY_GITHUB_CLIENT_SECRET,
    code: query.code,
    redirectUri: `${config.ASSAY_PUBLIC_URL}/auth/callback`,
  });
  const apiUrl = config.ASSAY_GITHUB_API_URL;
  const user = await fetchUser({ apiUrl, accessToken });
  const memberships = await fetchGitHubMemberships({ apiUrl, accessToken, user });
  const db = await getDb();
  const client = { ip: ctx.clientIp, userAgent: ctx.userAgent };
  const userId = await syncSignedInUser(db, user, memberships, client);
  const session = await createSession(db, userId, client);
  const token = await signSessionToken(sessionKey(secret), { sub: userId, sid: session.sessionId });
  const base = config.ASSAY_DASHBOARD_URL ?? config.ASSAY_PUBLIC_URL ?? '';
  return HttpResponse.redirect(`${base.replace(/\/$/, '')}${returnTo}`).withCookies(
    sessionCookie(token),
    refreshCookie(session.refreshToken),
    stateCookie('').replace('Max-Age=600', 'Max-Age=0'),
  );
});
