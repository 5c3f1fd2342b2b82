import { FakeHttpError } from './auth.ts';
import {
  EVENTS,
  INSTALLATION_PERMISSIONS,
  paginate,
  type Route,
  type RouteContext,
  userJson,
} from './routes.ts';
import type { FakeAccountUser, FakeInstallation } from './state.ts';

/** The OAuth credentials of the double's GitHub App (what `ASSAY_GITHUB_CLIENT_ID`/`_SECRET` hold). */
export interface FakeOAuthApp {
  clientId: string;
  clientSecret: string;
}

/** One visit to `/login/oauth/authorize` (the code it handed out is not kept here). */
export interface RecordedAuthorization {
  clientId: string;
  redirectUri: string;
  /** The `state` parameter, or undefined when none was sent. */
  state: string | undefined;
  /** Lower-cased login of the signed-in user, if any. */
  login: string | undefined;
  /** `approved`: redirected with a code. `denied`: redirected with `error=access_denied`. `sign-in`: nobody signed in, GitHub's sign-in page shown. */
  outcome: 'approved' | 'denied' | 'sign-in';
}

/** The OAuth side of the double: the app's credentials, lifetimes, and the web-flow switches tests flip. */
export interface FakeOAuthRuntime {
  app: FakeOAuthApp;
  /** How long an authorisation code is valid (GitHub: 10 minutes). */
  codeTtlSeconds: number;
  /** How long a `ghu_` token is valid (GitHub: 8 hours). */
  userTokenTtlSeconds: number;
  /** Who is signed in to the "browser" that visits `/login/oauth/authorize`. */
  signedIn: string | undefined;
  /** How many upcoming authorisations the user declines. */
  denyNext: number;
  authorizations: RecordedAuthorization[];
}

const TROUBLESHOOTING =
  'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors';

const oauthErrors = {
  bad_verification_code: ['The code passed is incorrect or expired.', '#bad-verification-code'],
  incorrect_client_credentials: [
    'The client_id and/or client_secret passed are incorrect.',
    '#incorrect-client-credentials',
  ],
  redirect_uri_mismatch: [
    'The redirect_uri MUST match the registered callback URL for this application.',
    '#redirect-uri-mismatch2',
  ],
} as const;

function runtime(ctx: RouteContext): FakeOAuthRuntime {
  if (!ctx.oauth) throw new Error('fake GitHub: OAuth route without OAuth runtime');
  return ctx.oauth;
}

function userOf(ctx: RouteContext): FakeAccountUser {
  if (!ctx.user) throw new Error('fake GitHub: user route without a user');
  return ctx.user;
}

function html(status: number, title: string, headers: Record<string, string> = {}) {
  return {
    status,
    body: undefined,
    text: `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>`,
    headers: { 'content-type': 'text/html; charset=utf-8', ...headers },
  };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The login the double's browser session names (`dotcom_user` cookie, set by its sign-in form). */
function cookieLogin(ctx: RouteContext): string | undefined {
  for (const part of (ctx.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === 'dotcom_user') return decodeURIComponent(value.join('=')).toLowerCase() || undefined;
  }
  return undefined;
}

/**
 * GitHub's sign-in page, as the double plays it: any login signs in (no
 * password: nobody's account is at stake), then the authorisation goes on.
 */
function signInPage(returnTo: string) {
  const page = html(200, 'Sign in to GitHub · GitHub');
  page.text = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sign in to GitHub · GitHub</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:22rem;margin:4rem auto;padding:0 1rem}label,input,button{display:block;width:100%;font-size:1rem;margin:.4rem 0}input,button{padding:.5rem;box-sizing:border-box}button{background:#1f883d;color:#fff;border:0;border-radius:6px}</style>
</head><body><main><h1>Sign in to GitHub</h1>
<p>This is Assay's local GitHub double: sign in as any login, no password.</p>
<form method="post" action="/session">
<input type="hidden" name="return_to" value="${escapeHtml(returnTo)}">
<label for="login_field">Username</label>
<input id="login_field" name="login" autocomplete="username" required pattern="[A-Za-z0-9][A-Za-z0-9\\-]{0,38}" value="octocat">
<button type="submit">Sign in</button>
</form></main></body></html>`;
  return page;
}

/** The token endpoint's parameters: query string, then a form-encoded or JSON body (GitHub takes all three). */
function tokenParams(ctx: RouteContext): URLSearchParams {
  const params = new URLSearchParams(ctx.query);
  const raw = ctx.rawBody ?? '';
  if (raw === '') return params;
  if (ctx.contentType?.includes('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new FakeHttpError(400, 'Problems parsing JSON');
    }
    if (typeof parsed === 'object' && parsed !== null)
      for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') params.set(k, v);
    return params;
  }
  for (const [k, v] of new URLSearchParams(raw)) params.set(k, v);
  return params;
}

/** Answers in JSON when asked (`Accept: application/json`), else form-encoded, as GitHub does. */
function tokenAnswer(ctx: RouteContext, fields: Record<string, string | number>) {
  if (ctx.accept?.includes('application/json')) return { status: 200, body: fields };
  const text = new URLSearchParams(
    Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)]),
  ).toString();
  return {
    status: 200,
    body: undefined,
    text,
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
  };
}

function tokenError(ctx: RouteContext, error: keyof typeof oauthErrors) {
  const [description, anchor] = oauthErrors[error];
  return tokenAnswer(ctx, {
    error,
    error_description: description,
    error_uri: `${TROUBLESHOOTING}/${anchor}`,
  });
}

function installationJson(ctx: RouteContext, installation: FakeInstallation) {
  return {
    id: installation.id,
    account: userJson(ctx, installation.account),
    app_id: ctx.app.id,
    app_slug: ctx.app.slug,
    target_id: ctx.state.accountId(installation.account.login),
    target_type: installation.account.type,
    repository_selection: 'selected',
    permissions: INSTALLATION_PERMISSIONS,
    events: EVENTS,
    suspended_at: installation.suspended ? new Date(ctx.nowMs).toISOString() : null,
  };
}

/** The OAuth web flow (`/login/oauth/…`, served on the same origin as the API) and the user-token endpoints. */
export const oauthRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/login\/oauth\/authorize$/,
    auth: 'none',
    handle: (ctx) => {
      const oauth = runtime(ctx);
      const clientId = ctx.query.get('client_id') ?? '';
      // GitHub shows its 404 page for an unknown application.
      if (clientId !== oauth.app.clientId) return html(404, 'Page not found · GitHub');
      const redirectUri = ctx.query.get('redirect_uri') ?? '';
      let target: URL;
      try {
        target = new URL(redirectUri);
      } catch {
        // The double has no registered callback URL to fall back on.
        return html(400, 'The redirect_uri is not valid');
      }
      const state = ctx.query.get('state') ?? undefined;
      const signedIn = cookieLogin(ctx) ?? oauth.signedIn;
      const record: RecordedAuthorization = {
        clientId,
        redirectUri,
        state,
        login: signedIn,
        outcome: 'sign-in',
      };
      oauth.authorizations.push(record);
      if (signedIn === undefined || !ctx.state.findUser(signedIn))
        return signInPage(`${ctx.pathname}?${ctx.query.toString()}`);
      if (oauth.denyNext > 0) {
        oauth.denyNext -= 1;
        record.outcome = 'denied';
        target.searchParams.set('error', 'access_denied');
        target.searchParams.set('error_description', 'The user has denied your application access.');
        target.searchParams.set('error_uri', `${TROUBLESHOOTING}/#access-denied`);
      } else {
        const code = ctx.state.issueOAuthCode({
          login: signedIn,
          clientId,
          redirectUri,
          ttlSeconds: oauth.codeTtlSeconds,
        });
        record.outcome = 'approved';
        target.searchParams.set('code', code.code);
      }
      if (state !== undefined) target.searchParams.set('state', state);
      return { status: 302, body: undefined, text: '', headers: { location: target.toString() } };
    },
  },
  {
    // The sign-in form: signs the browser in (a `dotcom_user` cookie) and goes back to the authorisation.
    method: 'POST',
    pattern: /^\/session$/,
    auth: 'none',
    handle: (ctx) => {
      const form = new URLSearchParams(ctx.rawBody ?? '');
      const login = form.get('login') ?? '';
      const returnTo = form.get('return_to') ?? '';
      if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,38}$/.test(login)) return html(422, 'Incorrect username');
      // Only back to the authorise page: the double is no open redirect.
      if (!returnTo.startsWith('/login/oauth/authorize?')) return html(400, 'Bad return_to');
      ctx.state.ensureUser(login);
      return {
        status: 302,
        body: undefined,
        text: '',
        headers: {
          location: returnTo,
          'set-cookie': `dotcom_user=${encodeURIComponent(login.toLowerCase())}; Path=/; HttpOnly; SameSite=Lax`,
        },
      };
    },
  },
  {
    method: 'POST',
    pattern: /^\/login\/oauth\/access_token$/,
    auth: 'none',
    handle: (ctx) => {
      const oauth = runtime(ctx);
      const params = tokenParams(ctx);
      if (
        params.get('client_id') !== oauth.app.clientId ||
        params.get('client_secret') !== oauth.app.clientSecret
      )
        return tokenError(ctx, 'incorrect_client_credentials');
      const code = ctx.state.oauthCodes.get(params.get('code') ?? '');
      if (!code || code.used || code.expiresAt <= ctx.nowMs || code.clientId !== oauth.app.clientId)
        return tokenError(ctx, 'bad_verification_code');
      const redirectUri = params.get('redirect_uri');
      if (redirectUri !== null && redirectUri !== code.redirectUri)
        return tokenError(ctx, 'redirect_uri_mismatch');
      code.used = true;
      const token = ctx.state.mintUserToken(code.login, oauth.userTokenTtlSeconds);
      return tokenAnswer(ctx, {
        access_token: token.token,
        expires_in: oauth.userTokenTtlSeconds,
        scope: '',
        token_type: 'bearer',
      });
    },
  },
  {
    method: 'GET',
    pattern: /^\/user$/,
    auth: 'user',
    handle: (ctx) => {
      const user = userOf(ctx);
      return {
        status: 200,
        body: {
          login: user.login,
          id: user.id,
          node_id: `U_${user.id}`,
          avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
          url: `${ctx.baseUrl}/users/${user.login}`,
          html_url: `${ctx.webUrl}/${user.login}`,
          type: 'User',
          site_admin: false,
          name: user.name,
          email: null,
        },
      };
    },
  },
  {
    method: 'GET',
    pattern: /^\/user\/installations$/,
    auth: 'user',
    handle: (ctx) => {
      const all = ctx.state.installationsVisibleTo(userOf(ctx).login);
      const { page, headers } = paginate(ctx, all);
      return {
        status: 200,
        body: { total_count: all.length, installations: page.map((i) => installationJson(ctx, i)) },
        headers,
      };
    },
  },
  {
    method: 'GET',
    pattern: /^\/user\/memberships\/orgs\/(?<org>[^/]+)$/,
    auth: 'user',
    handle: (ctx) => {
      const user = userOf(ctx);
      const org = decodeURIComponent(ctx.params.org ?? '');
      const membership = ctx.state.orgMembership(org, user.login);
      if (!membership) throw new FakeHttpError(404, 'Not Found');
      return {
        status: 200,
        body: {
          url: `${ctx.baseUrl}/orgs/${org}/memberships/${user.login}`,
          state: membership.state,
          role: membership.role,
          organization_url: `${ctx.baseUrl}/orgs/${org}`,
          organization: { login: org, id: ctx.state.accountId(org), url: `${ctx.baseUrl}/orgs/${org}` },
          user: userJson(ctx, { login: user.login, type: 'User' }),
        },
      };
    },
  },
];
