import { getAppSecret } from '../../shared/adapters/app-secrets.ts';
import { stateCookie } from '../../shared/auth/cookies.ts';
import { authorizeUrl } from '../../shared/auth/github-oauth.ts';
import { issueOAuthState } from '../../shared/auth/oauth-state.ts';
import { getConfig } from '../../shared/config.ts';
import { DomainError } from '../../shared/errors.ts';
import { getAuthGithub } from '../contracts/identity.ts';
import { httpHandler } from '../kit/http-handler.ts';
import { HttpResponse } from '../kit/http-response.ts';

export const handler = httpHandler(getAuthGithub, async ({ query }) => {
  const config = getConfig();
  if (!config.ASSAY_GITHUB_CLIENT_ID) {
    throw new DomainError(
      'not_configured',
      'Sign-in with GitHub needs ASSAY_GITHUB_CLIENT_ID and ASSAY_GITHUB_CLIENT_SECRET',
    );
  }
  const { state, cookie } = await issueOAuthState(await getAppSecret('session'), query.returnTo ?? '/');
  const url = authorizeUrl({
    webUrl: config.ASSAY_GITHUB_WEB_URL,
    clientId: config.ASSAY_GITHUB_CLIENT_ID,
    redirectUri: `${config.ASSAY_PUBLIC_URL}/auth/callback`,
    state,
  });
  return HttpResponse.redirect(url).withCookies(stateCookie(cookie));
});
