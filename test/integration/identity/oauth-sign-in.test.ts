import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../../../infra/local/github-double/index.ts';
import { withSystem } from '../../../shared/db/tenant.ts';
import { seedOrg, TEST_SESSION_SECRET } from '../../support/identity.ts';
import { startTestRuntime, type TestRuntime } from '../../support/test-runtime.ts';

let runtime: TestRuntime;
let github: FakeGitHub;

const cookieValue = (res: Response, name: string) => {
  const found = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  return found ? found.split(';')[0]!.slice(name.length + 1) : undefined;
};

async function startSignIn(): Promise<{ stateCookie: string; authorizeUrl: URL }> {
  const start = await fetch(`${runtime.url}/auth/github?returnTo=/dashboard`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const authorizeUrl = new URL(start.headers.get('location')!);
  return { stateCookie: cookieValue(start, 'assay_oauth_state')!, authorizeUrl };
}

beforeAll(async () => {
  github = await new FakeGitHub().start();
  github.state.addInstallation({ id: 5151, account: 'acme', repositories: ['widgets'] });
  github.state.addUser({ login: 'mona' });
  github.state.addOrgMember('acme', 'mona', 'admin');
  github.signInAs('mona');
  process.env.ASSAY_SESSION_KEY = TEST_SESSION_SECRET;
  process.env.ASSAY_GITHUB_WEB_URL = github.url;
  process.env.ASSAY_GITHUB_API_URL = github.url;
  process.env.ASSAY_GITHUB_CLIENT_ID = github.oauth.clientId;
  process.env.ASSAY_GITHUB_CLIENT_SECRET = github.oauth.clientSecret;
  runtime = await startTestRuntime();
  const orgId = await seedOrg(runtime.db, 'acme');
  await withSystem(runtime.db, (trx) =>
    trx.insertInto('installations').values({ id: 5151, org_id: orgId }).execute(),
  );
});

afterAll(async () => {
  await runtime.dispose();
  await github.stop();
});

describe('sign in with GitHub', () => {
  it('runs the web flow end to end and syncs memberships from the visible installations', async () => {
    const { stateCookie, authorizeUrl } = await startSignIn();
    expect(authorizeUrl.origin).toBe(github.url);
    expect(authorizeUrl.pathname).toBe('/login/oauth/authorize');
    expect(authorizeUrl.searchParams.get('client_id')).toBe(github.oauth.clientId);
    expect(authorizeUrl.searchParams.get('redirect_uri')).toBe(`${runtime.url}/auth/callback`);

    const authorized = await fetch(authorizeUrl, { redirect: 'manual' });
    expect(authorized.status).toBe(302);
    const callback = await fetch(authorized.headers.get('location')!, {
      redirect: 'manual',
      headers: { cookie: `assay_oauth_state=${stateCookie}` },
    });
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe(`${runtime.url}/dashboard`);
    const session = cookieValue(callback, 'assay_session');
    expect(session).toBeTruthy();
    expect(cookieValue(callback, 'assay_refresh')).toBeTruthy();

    const me = await fetch(`${runtime.url}/api/v1/me`, { headers: { cookie: `assay_session=${session}` } });
    expect(me.status).toBe(200);
    const body = (await me.json()) as { user: { login: string }; orgs: { login: string; role: string }[] };
    expect(body.user.login).toBe('mona');
    expect(body.orgs).toEqual([expect.objectContaining({ login: 'acme', role: 'owner' })]);
    const audit = await withSystem(runtime.db, (trx) =>
      trx.selectFrom('audit_events').select(['action', 'actor_login']).execute(),
    );
    expect(audit).toContainEqual({ action: 'member.joined', actor_login: 'mona' });
  });

  it('answers a wrong or missing state with 400 and opens no session', async () => {
    const { stateCookie, authorizeUrl } = await startSignIn();
    const authorized = await fetch(authorizeUrl, { redirect: 'manual' });
    const location = new URL(authorized.headers.get('location')!);
    const sessionsBefore = (await runtime.db.selectFrom('sessions').select('id').execute()).length;

    location.searchParams.set('state', 'forged-state-value-000000');
    const forged = await fetch(location, {
      redirect: 'manual',
      headers: { cookie: `assay_oauth_state=${stateCookie}` },
    });
    expect(forged.status).toBe(400);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('invalid_state');

    const noCookie = await fetch(authorized.headers.get('location')!, { redirect: 'manual' });
    expect(noCookie.status).toBe(400);
    expect((await runtime.db.selectFrom('sessions').select('id').execute()).length).toBe(sessionsBefore);
  });

  it('answers a code GitHub refuses with 400', async () => {
    const { stateCookie, authorizeUrl } = await startSignIn();
    const state = authorizeUrl.searchParams.get('state')!;
    const res = await fetch(`${runtime.url}/auth/callback?code=not-a-real-code&state=${state}`, {
      redirect: 'manual',
      headers: { cookie: `assay_oauth_state=${stateCookie}` },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('oauth_failed');
  });
});
