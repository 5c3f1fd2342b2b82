/**
 * GitHub OAuth web flow for the GitHub App's user authorisation: the
 * authorise URL, the code exchange, and what the user token may read (who the
 * user is, which installations they can see, their organisation roles). Plain
 * `fetch`, every answer checked with zod, no configuration read here: callers
 * pass `ASSAY_GITHUB_WEB_URL`, `ASSAY_GITHUB_API_URL`, the client id and
 * secret explicitly. Nothing is logged; errors never carry a code, secret or
 * token.
 *
 * Errors: {@link OAuthError} (`oauth_failed`, 400) when the code the browser
 * brought back is bad, expired or reused; `GitHubApiError`
 * (`github_api_error`, 502) for everything else — network failures, timeouts
 * and 5xx (`retryable`), a wrong client secret or redirect URI (a
 * misconfiguration), a rejected user token, an unexpected body.
 */
import { z } from 'zod';
import { GitHubApiError } from '../github/github-errors.ts';
import { OAuthError } from './github-oauth-errors.ts';
import { DEFAULT_TIMEOUT_MS, httpError, joinUrl, nextLink, parseBody, send } from './github-oauth-http.ts';
import {
  type GitHubDerivedRole,
  type GitHubOrgRole,
  type InstallationAccountRef,
  roleFromGitHub,
} from './github-oauth-role.ts';

export { type GitHubOAuthErrorCode, OAuthError } from './github-oauth-errors.ts';
export {
  type GitHubDerivedRole,
  type GitHubOrgRole,
  type GitHubUserRef,
  type InstallationAccountRef,
  roleFromGitHub,
} from './github-oauth-role.ts';

/** Options every call takes. */
export interface RequestOptions {
  /** Time allowed for each HTTP request (default 10 s). */
  timeoutMs?: number;
}

/** The signed-in GitHub user. */
export interface GitHubOAuthUser {
  id: number;
  login: string;
  /** The display name; null when the user has not set one. */
  name: string | null;
  avatarUrl: string;
}

/** An installation of the App that the user can access. */
export interface GitHubUserInstallation {
  id: number;
  account: Required<InstallationAccountRef>;
}

/** A membership the user gets from GitHub: an installation and the Assay role in its organisation. */
export interface GitHubMembership {
  installationId: number;
  account: Required<InstallationAccountRef>;
  role: GitHubDerivedRole;
}

const API_HEADERS = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };

/** Largest number of `/user/installations` pages followed (100 per page). */
const MAX_PAGES = 100;

/** Errors in the token exchange that mean Assay is misconfigured, not that the user did anything wrong. */
const CONFIGURATION_ERRORS = new Set([
  'incorrect_client_credentials',
  'redirect_uri_mismatch',
  'application_suspended',
]);

const TokenAnswer = z.union([
  z.object({ access_token: z.string().min(1), token_type: z.string().optional() }),
  z.object({
    error: z.string().min(1),
    error_description: z.string().optional(),
    error_uri: z.string().optional(),
  }),
]);

const User = z.object({
  id: z.number().int(),
  login: z.string().min(1),
  name: z.string().nullish(),
  avatar_url: z.string(),
});

const Installations = z.object({
  total_count: z.number().int(),
  installations: z.array(
    z.object({
      id: z.number().int(),
      // Enterprise installations have an account without a login; they are skipped.
      account: z
        .object({ id: z.number().int(), login: z.string().optional(), type: z.string().optional() })
        .nullable(),
    }),
  ),
});

const OrgMembership = z.object({ state: z.string(), role: z.string() });

/**
 * Where to send the browser to ask the user to authorise the App:
 * `${webUrl}/login/oauth/authorize?client_id&redirect_uri&state`. GitHub Apps
 * take no `scope`: the token gets the App's permissions, limited to what the
 * user can do. `state` must be unguessable and checked on the callback.
 */
export function authorizeUrl(input: {
  webUrl: string;
  clientId: string;
  redirectUri: string;
  state: string;
}): string {
  const url = new URL(joinUrl(input.webUrl, '/login/oauth/authorize'));
  url.searchParams.set('client_id', input.clientId);
  url.searchParams.set('redirect_uri', input.redirectUri);
  url.searchParams.set('state', input.state);
  return url.toString();
}

/**
 * Exchanges the callback's `code` for a user access token
 * (`POST ${webUrl}/login/oauth/access_token`, `Accept: application/json`).
 * `redirectUri` must be the one given to {@link authorizeUrl}.
 *
 * @throws {OAuthError} `oauth_failed` when GitHub refuses the code (bad, expired, reused).
 * @throws {GitHubApiError} `github_api_error`: network, timeout or 5xx (retryable); wrong client
 *   id/secret or redirect URI (misconfiguration); an unexpected answer.
 */
export async function exchangeCode(
  input: {
    webUrl: string;
    clientId: string;
    clientSecret: string;
    code: string;
    redirectUri: string;
  } & RequestOptions,
): Promise<{ accessToken: string }> {
  const operation = 'POST /login/oauth/access_token';
  const url = joinUrl(input.webUrl, '/login/oauth/access_token');
  const response = await send(
    operation,
    url,
    {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: input.clientId,
        client_secret: input.clientSecret,
        code: input.code,
        redirect_uri: input.redirectUri,
      }).toString(),
    },
    input.timeoutMs,
  );
  if (response.status < 200 || response.status >= 300) throw httpError(operation, url, response);
  const answer = parseBody(operation, TokenAnswer, response);
  if ('access_token' in answer) return { accessToken: answer.access_token };
  const description = answer.error_description ?? answer.error;
  if (CONFIGURATION_ERRORS.has(answer.error))
    throw new GitHubApiError(
      answer.error === 'incorrect_client_credentials' ? 'unauthorized' : 'failed',
      `GitHub ${operation} refused Assay's OAuth client (${answer.error}: ${description}). Check ASSAY_GITHUB_CLIENT_ID, ASSAY_GITHUB_CLIENT_SECRET and the App's callback URL.`,
      { status: response.status, operation },
    );
  throw new OAuthError(answer.error, `GitHub sign-in failed: ${description}`);
}

/** GET with a user token; non-2xx answers become `GitHubApiError`s unless `accept` lets them through. */
async function getWithToken(
  operation: string,
  url: string,
  accessToken: string,
  options: RequestOptions,
  accept: (status: number) => boolean = () => false,
) {
  const response = await send(
    operation,
    url,
    { method: 'GET', headers: { ...API_HEADERS, authorization: `Bearer ${accessToken}` } },
    options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  );
  if ((response.status < 200 || response.status >= 300) && !accept(response.status))
    throw httpError(operation, url, response);
  return response;
}

/**
 * The user the token belongs to (`GET ${apiUrl}/user`).
 *
 * @throws {GitHubApiError} `unauthorized` when the token is rejected; `unavailable` (retryable)
 *   on network errors and 5xx.
 */
export async function fetchUser(
  input: { apiUrl: string; accessToken: string } & RequestOptions,
): Promise<GitHubOAuthUser> {
  const operation = 'GET /user';
  const response = await getWithToken(operation, joinUrl(input.apiUrl, '/user'), input.accessToken, input);
  const user = parseBody(operation, User, response);
  return { id: user.id, login: user.login, name: user.name ?? null, avatarUrl: user.avatar_url };
}

/**
 * The App's installations the user can access (`GET ${apiUrl}/user/installations`,
 * every page, following `Link: rel="next"` on the API's own origin only so the
 * token never leaves it). Installations on enterprise accounts are skipped.
 *
 * @throws {GitHubApiError} as {@link fetchUser}; `invalid_response` for a `next` link to another
 *   origin or more than 100 pages.
 */
export async function fetchUserInstallations(
  input: { apiUrl: string; accessToken: string } & RequestOptions,
): Promise<GitHubUserInstallation[]> {
  const operation = 'GET /user/installations';
  const origin = new URL(input.apiUrl).origin;
  const out: GitHubUserInstallation[] = [];
  let url: string | undefined = joinUrl(input.apiUrl, '/user/installations?per_page=100');
  for (let page = 1; url !== undefined; page++) {
    if (page > MAX_PAGES)
      throw new GitHubApiError('invalid_response', `GitHub ${operation} has more than ${MAX_PAGES} pages.`, {
        operation,
      });
    const response = await getWithToken(operation, url, input.accessToken, input);
    const body = parseBody(operation, Installations, response);
    for (const installation of body.installations) {
      const account = installation.account;
      if (!account?.login || (account.type !== 'User' && account.type !== 'Organization')) continue;
      out.push({
        id: installation.id,
        account: { id: account.id, login: account.login, type: account.type },
      });
    }
    url = nextLink(response.headers.get('link'));
    if (url !== undefined && new URL(url).origin !== origin)
      throw new GitHubApiError(
        'invalid_response',
        `GitHub ${operation} pointed the next page to another origin (${new URL(url).origin}).`,
        { operation },
      );
  }
  return out;
}

/**
 * The user's role in organisation `org` (`GET ${apiUrl}/user/memberships/orgs/{org}`):
 * `admin` or `member` for an **active** membership; `undefined` for a pending
 * invitation, another role (billing manager), or when GitHub answers 404 or
 * 403 (not a member, or the App lacks the organisation "Members: read"
 * permission — then every organisation looks like no membership).
 *
 * @throws {GitHubApiError} `unauthorized` for a rejected token; `unavailable` (retryable) on
 *   network errors and 5xx; `rate_limited`.
 */
export async function fetchOrgMembershipRole(
  input: { apiUrl: string; accessToken: string; org: string } & RequestOptions,
): Promise<GitHubOrgRole | undefined> {
  const operation = `GET /user/memberships/orgs/${input.org}`;
  const url = joinUrl(input.apiUrl, `/user/memberships/orgs/${encodeURIComponent(input.org)}`);
  const response = await getWithToken(
    operation,
    url,
    input.accessToken,
    input,
    (status) => status === 404 || status === 403,
  );
  if (response.status === 404) return undefined;
  if (response.status === 403) {
    // A 403 that is really a rate limit must not read as "not a member".
    const error = httpError(operation, url, response);
    if (error.kind === 'rate_limited') throw error;
    return undefined;
  }
  const membership = parseBody(operation, OrgMembership, response);
  if (membership.state !== 'active') return undefined;
  return membership.role === 'admin' || membership.role === 'member' ? membership.role : undefined;
}

/**
 * Every organisation the user gets into from GitHub: their installations
 * ({@link fetchUserInstallations}), the organisation role for each
 * organisation account ({@link fetchOrgMembershipRole}, one request per
 * organisation, in turn), mapped by {@link roleFromGitHub}. Installations
 * that give no role are left out.
 */
export async function fetchGitHubMemberships(
  input: { apiUrl: string; accessToken: string; user: { id: number; login: string } } & RequestOptions,
): Promise<GitHubMembership[]> {
  const installations = await fetchUserInstallations(input);
  const out: GitHubMembership[] = [];
  for (const installation of installations) {
    const orgRole =
      installation.account.type === 'Organization'
        ? await fetchOrgMembershipRole({ ...input, org: installation.account.login })
        : undefined;
    const role = roleFromGitHub(installation.account, input.user, orgRole);
    if (role) out.push({ installationId: installation.id, account: installation.account, role });
  }
  return out;
}
