import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../../../infra/local/github-double/index.ts';
import {
  authorizeUrl,
  exchangeCode,
  fetchGitHubMemberships,
  fetchOrgMembershipRole,
  fetchUser,
  fetchUserInstallations,
  OAuthError,
  roleFromGitHub,
} from '../../../shared/auth/github-oauth.ts';
import { GitHubApiError } from '../../../shared/github/github-errors.ts';

/** The OAuth web flow client against the GitHub double, over real HTTP. */
let fake: FakeGitHub;
let clock = Date.now();
const REDIRECT = 'https://assay.test/auth/callback';

beforeAll(async () => {
  fake = await new FakeGitHub({ now: () => clock }).start();
  fake.state.addUser({ login: 'alice', id: 501, name: 'Alice Liddell' });
  fake.state.addInstallation({ id: 10, account: 'alice', accountType: 'User', repositories: ['notes'] });
  fake.state.addInstallation({ id: 11, account: 'acme', repositories: ['widgets'] });
  fake.state.addInstallation({ id: 12, account: 'globex', repositories: ['gadgets'] });
  fake.state.addInstallation({ id: 13, account: 'initech', repositories: ['tps'] });
  fake.state.addInstallation({ id: 14, account: 'hooli', repositories: ['nucleus'] });
  fake.state.addInstallation({ id: 15, account: 'bob', accountType: 'User', repositories: ['dots'] });
  fake.state.addOrgMember('acme', 'alice', 'admin');
  fake.state.addOrgMember('globex', 'alice', 'member');
  fake.state.addOrgMember('initech', 'alice', 'member', { state: 'pending' });
  // An outside collaborator: sees hooli's installation through a repository, is no org member.
  fake.state.setRole('hooli/nucleus', 'alice', 'write');
});
afterAll(() => fake.stop());
beforeEach(() => {
  clock = Date.now();
  fake.clearRecords();
  fake.signInAs('alice');
});

const web = () => ({ webUrl: fake.url, clientId: fake.oauth.clientId, redirectUri: REDIRECT });

/** Plays the browser: visits the authorise URL and returns where GitHub sent it back to. */
async function authorize(state = 'st4te'): Promise<URL> {
  const response = await fetch(authorizeUrl({ ...web(), state }), { redirect: 'manual' });
  expect(response.status).toBe(302);
  return new URL(response.headers.get('location') ?? '');
}

async function codeFor(login: string): Promise<string> {
  fake.signInAs(login);
  const code = (await authorize()).searchParams.get('code');
  expect(code).toBeTruthy();
  return code!;
}

async function tokenFor(login: string): Promise<string> {
  const code = await codeFor(login);
  return (await exchangeCode({ ...web(), clientSecret: fake.oauth.clientSecret, code })).accessToken;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (error: unknown) => error,
  );
}

describe('authorizeUrl', () => {
  it('points at /login/oauth/authorize with client_id, redirect_uri and state, and no scope', () => {
    const url = new URL(
      authorizeUrl({
        webUrl: 'https://github.example/',
        clientId: 'Iv1.abc',
        redirectUri: 'https://a.test/cb?x=1',
        state: 's&t',
      }),
    );
    expect(url.origin + url.pathname).toBe('https://github.example/login/oauth/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'Iv1.abc',
      redirect_uri: 'https://a.test/cb?x=1',
      state: 's&t',
    });
  });
});

describe('the whole web flow against the double', () => {
  it('authorize → exchange → user → installations → membership roles', async () => {
    const back = await authorize('opaque-state');
    expect(back.origin + back.pathname).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('opaque-state');
    const code = back.searchParams.get('code')!;
    expect(fake.authorizations).toEqual([
      {
        clientId: fake.oauth.clientId,
        redirectUri: REDIRECT,
        state: 'opaque-state',
        login: 'alice',
        outcome: 'approved',
      },
    ]);

    const { accessToken } = await exchangeCode({ ...web(), clientSecret: fake.oauth.clientSecret, code });
    expect(accessToken).toMatch(/^ghu_[A-Za-z0-9]{36}$/);
    const api = { apiUrl: fake.url, accessToken };

    expect(await fetchUser(api)).toEqual({
      id: 501,
      login: 'alice',
      name: 'Alice Liddell',
      avatarUrl: 'https://avatars.githubusercontent.com/u/501?v=4',
    });

    const installations = await fetchUserInstallations(api);
    expect(installations.map((i) => [i.id, i.account.login, i.account.type])).toEqual([
      [10, 'alice', 'User'],
      [11, 'acme', 'Organization'],
      [12, 'globex', 'Organization'],
      [14, 'hooli', 'Organization'],
    ]);
    // The personal account's id is the user's id, so the rule can compare ids.
    expect(installations[0]!.account.id).toBe(501);

    expect(await fetchOrgMembershipRole({ ...api, org: 'acme' })).toBe('admin');
    expect(await fetchOrgMembershipRole({ ...api, org: 'globex' })).toBe('member');
    expect(await fetchOrgMembershipRole({ ...api, org: 'initech' })).toBeUndefined(); // pending
    expect(await fetchOrgMembershipRole({ ...api, org: 'hooli' })).toBeUndefined(); // 404
    expect(await fetchOrgMembershipRole({ ...api, org: 'no-such-org' })).toBeUndefined();

    const memberships = await fetchGitHubMemberships({ ...api, user: { id: 501, login: 'alice' } });
    expect(memberships.map((m) => [m.installationId, m.account.login, m.role])).toEqual([
      [10, 'alice', 'owner'],
      [11, 'acme', 'owner'],
      [12, 'globex', 'member'],
    ]);

    // Nothing the double recorded holds the secret, the code or the token.
    const recorded = JSON.stringify(fake.requests);
    for (const secret of [fake.oauth.clientSecret, code, accessToken]) expect(recorded).not.toContain(secret);
  });

  it('gives another user only what is theirs', async () => {
    fake.state.addUser({ login: 'carol' });
    fake.state.addOrgMember('acme', 'carol', 'member');
    const accessToken = await tokenFor('carol');
    const user = await fetchUser({ apiUrl: fake.url, accessToken });
    expect(user).toMatchObject({ login: 'carol', name: 'carol' });
    const memberships = await fetchGitHubMemberships({ apiUrl: fake.url, accessToken, user });
    expect(memberships.map((m) => [m.account.login, m.role])).toEqual([['acme', 'member']]);
  });
});

describe('the code exchange', () => {
  it('refuses a reused code with OAuthError (oauth_failed, bad_verification_code)', async () => {
    const code = await codeFor('alice');
    await exchangeCode({ ...web(), clientSecret: fake.oauth.clientSecret, code });
    const error = await rejection(exchangeCode({ ...web(), clientSecret: fake.oauth.clientSecret, code }));
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ code: 'oauth_failed', oauthError: 'bad_verification_code' });
    expect((error as Error).message).not.toContain(code);
  });

  it('refuses an unknown code', async () => {
    await expect(
      exchangeCode({ ...web(), clientSecret: fake.oauth.clientSecret, code: 'not-a-code' }),
    ).rejects.toMatchObject({
      name: 'OAuthError',
      code: 'oauth_failed',
      oauthError: 'bad_verification_code',
    });
  });

  it('refuses a code older than 10 minutes', async () => {
    const code = await codeFor('alice');
    clock += 601_000;
    await expect(
      exchangeCode({ ...web(), clientSecret: fake.oauth.clientSecret, code }),
    ).rejects.toBeInstanceOf(OAuthError);
  });

  it('treats a wrong client secret as misconfiguration (github_api_error), leaving the code usable', async () => {
    const code = await codeFor('alice');
    const error = await rejection(exchangeCode({ ...web(), clientSecret: 'wrong', code }));
    expect(error).toBeInstanceOf(GitHubApiError);
    expect(error).not.toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ code: 'github_api_error', kind: 'unauthorized', retryable: false });
    expect((error as Error).message).toContain('incorrect_client_credentials');
    expect((error as Error).message).not.toContain('wrong');
    const ok = await exchangeCode({ ...web(), clientSecret: fake.oauth.clientSecret, code });
    expect(ok.accessToken).toMatch(/^ghu_/);
  });

  it('treats a wrong client id the same way', async () => {
    const code = await codeFor('alice');
    await expect(
      exchangeCode({ ...web(), clientId: 'Iv1.other', clientSecret: fake.oauth.clientSecret, code }),
    ).rejects.toMatchObject({ code: 'github_api_error', kind: 'unauthorized' });
  });

  it('reports a redirect_uri that differs from the authorise request', async () => {
    const code = await codeFor('alice');
    await expect(
      exchangeCode({
        ...web(),
        redirectUri: 'https://elsewhere.test/cb',
        clientSecret: fake.oauth.clientSecret,
        code,
      }),
    ).rejects.toMatchObject({
      code: 'github_api_error',
      message: expect.stringContaining('redirect_uri_mismatch'),
    });
  });

  it('turns a 5xx into a retryable github_api_error', async () => {
    const code = await codeFor('alice');
    fake.failNext(1, 502, { path: '/login/oauth/access_token' });
    const error = await rejection(exchangeCode({ ...web(), clientSecret: fake.oauth.clientSecret, code }));
    expect(error).toBeInstanceOf(GitHubApiError);
    expect(error).toMatchObject({
      code: 'github_api_error',
      kind: 'unavailable',
      retryable: true,
      status: 502,
    });
  });

  it('turns a network failure into a retryable github_api_error', async () => {
    const gone = await new FakeGitHub().start();
    const url = gone.url;
    await gone.stop();
    const error = await rejection(
      exchangeCode({ webUrl: url, clientId: 'x', clientSecret: 'y', code: 'z', redirectUri: REDIRECT }),
    );
    expect(error).toMatchObject({ code: 'github_api_error', kind: 'unavailable', retryable: true });
  });
});

describe('the authorise page of the double', () => {
  it('answers 404 for an unknown client id', async () => {
    const response = await fetch(authorizeUrl({ ...web(), clientId: 'Iv1.nope', state: 's' }), {
      redirect: 'manual',
    });
    expect(response.status).toBe(404);
  });

  it('shows the sign-in page when nobody is signed in', async () => {
    fake.signInAs(undefined);
    const response = await fetch(authorizeUrl({ ...web(), state: 's' }), { redirect: 'manual' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(fake.authorizations.at(-1)?.outcome).toBe('sign-in');
  });

  it('signs a browser in through its sign-in form (a cookie), then approves for that login', async () => {
    fake.signInAs(undefined);
    const page = await fetch(authorizeUrl({ ...web(), state: 'form' }), { redirect: 'manual' });
    const html = await page.text();
    expect(html).toContain('<form method="post" action="/session">');
    const returnTo = /name="return_to" value="([^"]+)"/.exec(html)?.[1]?.replaceAll('&#38;', '&');
    expect(returnTo).toMatch(/^\/login\/oauth\/authorize\?/);
    const signIn = await fetch(`${fake.url}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ login: 'carol', return_to: returnTo! }).toString(),
      redirect: 'manual',
    });
    expect(signIn.status).toBe(302);
    const cookie = signIn.headers.get('set-cookie')?.split(';')[0] ?? '';
    expect(cookie).toBe('dotcom_user=carol');
    const back = await fetch(new URL(signIn.headers.get('location')!, fake.url), {
      headers: { cookie },
      redirect: 'manual',
    });
    expect(back.status).toBe(302);
    const target = new URL(back.headers.get('location') ?? '');
    expect(target.searchParams.get('state')).toBe('form');
    const { accessToken } = await exchangeCode({
      ...web(),
      clientSecret: fake.oauth.clientSecret,
      code: target.searchParams.get('code')!,
    });
    expect((await fetchUser({ apiUrl: fake.url, accessToken })).login).toBe('carol');
  });

  it('refuses a sign-in that would send the browser anywhere but the authorise page', async () => {
    const answer = await fetch(`${fake.url}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ login: 'carol', return_to: 'https://evil.example/' }).toString(),
      redirect: 'manual',
    });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('location')).toBeNull();
  });

  it('redirects with error=access_denied and the state when the user declines', async () => {
    fake.denyNextAuthorization();
    const back = await authorize('keep-me');
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe('keep-me');
    expect(back.searchParams.has('code')).toBe(false);
    expect((await authorize()).searchParams.has('code')).toBe(true);
  });

  it('answers form-encoded without Accept: application/json, as GitHub does', async () => {
    const code = await codeFor('alice');
    const response = await fetch(`${fake.url}/login/oauth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: fake.oauth.clientId,
        client_secret: fake.oauth.clientSecret,
        code,
      }).toString(),
    });
    const answer = new URLSearchParams(await response.text());
    expect(answer.get('access_token')).toMatch(/^ghu_/);
    expect(answer.get('token_type')).toBe('bearer');
  });
});

describe('user-token endpoints', () => {
  it('rejects an unknown token and an expired one as unauthorized', async () => {
    await expect(fetchUser({ apiUrl: fake.url, accessToken: 'ghu_nope' })).rejects.toMatchObject({
      code: 'github_api_error',
      kind: 'unauthorized',
      status: 401,
    });
    const accessToken = await tokenFor('alice');
    clock += 8 * 3600 * 1000 + 1;
    await expect(fetchUser({ apiUrl: fake.url, accessToken })).rejects.toMatchObject({
      kind: 'unauthorized',
    });
  });

  it('answers an installation token 403 (and reads it as no membership)', async () => {
    const installationToken = fake.state.mintToken(11, 3600).token;
    await expect(fetchUser({ apiUrl: fake.url, accessToken: installationToken })).rejects.toMatchObject({
      kind: 'forbidden',
      status: 403,
    });
    expect(
      await fetchOrgMembershipRole({ apiUrl: fake.url, accessToken: installationToken, org: 'acme' }),
    ).toBeUndefined();
  });

  it('does not read a rate-limited 403 as "not a member"', async () => {
    const accessToken = await tokenFor('alice');
    fake.rateLimitNext({ path: '/user/memberships/', retryAfterSeconds: 7 });
    await expect(
      fetchOrgMembershipRole({ apiUrl: fake.url, accessToken, org: 'acme' }),
    ).rejects.toMatchObject({
      kind: 'rate_limited',
      retryAfterSeconds: 7,
    });
  });

  it('follows every page of /user/installations', async () => {
    fake.state.addUser({ login: 'dave' });
    for (let i = 0; i < 230; i++) {
      const org = `org-${String(i).padStart(3, '0')}`;
      fake.state.addInstallation({ id: 1000 + i, account: org });
      fake.state.addOrgMember(org, 'dave', i % 2 === 0 ? 'admin' : 'member');
    }
    const accessToken = await tokenFor('dave');
    fake.clearRecords();
    const installations = await fetchUserInstallations({ apiUrl: fake.url, accessToken });
    expect(installations).toHaveLength(230);
    expect(new Set(installations.map((i) => i.id)).size).toBe(230);
    const pages = fake.requests.filter((r) => r.path === '/user/installations');
    expect(pages.map((r) => new URLSearchParams(r.search).get('page') ?? '1')).toEqual(['1', '2', '3']);
  });
});

describe('guarding against a misbehaving server', () => {
  let server: Server;
  let base = '';
  let answer: { status: number; body: unknown; headers?: Record<string, string> } = { status: 200, body: {} };
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('rejects a body that does not fit, naming fields but not values', async () => {
    answer = { status: 200, body: { id: 'secret-looking-value', login: 'x', avatar_url: 'a' } };
    const error = await rejection(fetchUser({ apiUrl: base, accessToken: 'ghu_x' }));
    expect(error).toMatchObject({ code: 'github_api_error', kind: 'invalid_response' });
    expect((error as Error).message).toContain('id');
    expect((error as Error).message).not.toContain('secret-looking-value');
  });

  it('rejects a token answer with neither access_token nor error', async () => {
    answer = { status: 200, body: { token_type: 'bearer' } };
    await expect(
      exchangeCode({ webUrl: base, clientId: 'a', clientSecret: 'b', code: 'c', redirectUri: REDIRECT }),
    ).rejects.toMatchObject({ kind: 'invalid_response' });
  });

  it('never follows a next link to another origin with the token', async () => {
    answer = {
      status: 200,
      body: {
        total_count: 2,
        installations: [{ id: 1, account: { id: 2, login: 'o', type: 'Organization' } }],
      },
      headers: { link: '<https://evil.test/user/installations?page=2>; rel="next"' },
    };
    await expect(fetchUserInstallations({ apiUrl: base, accessToken: 'ghu_x' })).rejects.toMatchObject({
      kind: 'invalid_response',
      message: expect.stringContaining('another origin'),
    });
  });

  it('skips installations on enterprise accounts', async () => {
    answer = {
      status: 200,
      body: {
        total_count: 2,
        installations: [
          { id: 1, account: { id: 9, slug: 'bigcorp', name: 'BigCorp' } },
          { id: 2, account: { id: 3, login: 'o', type: 'Organization' } },
          { id: 3, account: null },
        ],
      },
    };
    expect(await fetchUserInstallations({ apiUrl: base, accessToken: 'ghu_x' })).toEqual([
      { id: 2, account: { id: 3, login: 'o', type: 'Organization' } },
    ]);
  });
});

describe('roleFromGitHub', () => {
  const alice = { id: 501, login: 'Alice' };
  it.each([
    [
      'own personal account (same id)',
      { id: 501, login: 'alice', type: 'User' as const },
      undefined,
      'owner',
    ],
    [
      'own personal account (login, case-insensitive)',
      { login: 'ALICE', type: 'User' as const },
      undefined,
      'owner',
    ],
    [
      'own personal account, org role ignored',
      { id: 501, login: 'alice', type: 'User' as const },
      'member',
      'owner',
    ],
    ["someone else's personal account", { id: 7, login: 'bob', type: 'User' as const }, undefined, undefined],
    ['renamed login, different id', { id: 7, login: 'alice', type: 'User' as const }, undefined, undefined],
    ['org admin', { id: 2, login: 'acme', type: 'Organization' as const }, 'admin', 'owner'],
    ['org member', { id: 2, login: 'acme', type: 'Organization' as const }, 'member', 'member'],
    ['no org membership', { id: 2, login: 'acme', type: 'Organization' as const }, undefined, undefined],
    ['org named like the user', { login: 'alice', type: 'Organization' as const }, undefined, undefined],
  ] as const)('%s', (_name, account, orgRole, expected) => {
    expect(roleFromGitHub(account, alice, orgRole)).toBe(expected);
  });
});
