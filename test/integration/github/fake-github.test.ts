import { createPrivateKey } from 'node:crypto';
import { importPKCS8, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../../../infra/local/github-double/index.ts';
import { bracketed, expectOffsetWithin } from '../../support/clock.ts';

/** The double itself, spoken to with plain fetch: it must behave like GitHub where Assay depends on it. */
let fake: FakeGitHub;

async function jwt(claims: { iat?: number; exp?: number; iss?: string | number }, privateKey?: string) {
  const pem = createPrivateKey(privateKey ?? fake.keys.privateKey)
    .export({ type: 'pkcs8', format: 'pem' })
    .toString();
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setIssuer(String(claims.iss ?? fake.app.id))
    .setIssuedAt(claims.iat ?? now - 30)
    .setExpirationTime(claims.exp ?? now + 540)
    .sign(await importPKCS8(pem, 'RS256'));
}

async function call(method: string, path: string, authorization?: string, body?: unknown) {
  const response = await fetch(`${fake.url}${path}`, {
    method,
    headers: {
      ...(authorization ? { authorization } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    json: (await response.json()) as Record<string, unknown>,
  };
}

async function mint(installationId = 1): Promise<string> {
  const response = await call(
    'POST',
    `/app/installations/${installationId}/access_tokens`,
    `Bearer ${await jwt({})}`,
  );
  expect(response.status).toBe(201);
  return response.json.token as string;
}

beforeAll(async () => {
  fake = await new FakeGitHub().start();
  fake.state.addInstallation({ id: 1, account: 'acme', repositories: ['widgets'] });
  fake.state.addInstallation({ id: 2, account: 'globex', repositories: ['secret'] });
  fake.state.addIssue('acme/widgets', { number: 1 });
  fake.state.addIssue('globex/secret', { number: 1 });
});
afterAll(() => fake.stop());

describe('fake GitHub: App JWT', () => {
  it('mints ghs_ tokens valid for an hour for a valid JWT', async () => {
    const before = fake.tokenMints;
    const authorization = `Bearer ${await jwt({})}`;
    const { result: response, ...clock } = await bracketed(() =>
      call('POST', '/app/installations/1/access_tokens', authorization),
    );
    expect(response.status).toBe(201);
    expect(response.json.token).toMatch(/^ghs_[A-Za-z0-9]{36}$/);
    // An hour after the mint, written in whole seconds as GitHub does.
    expectOffsetWithin(String(response.json.expires_at), clock, 3600_000, 1000);
    expect(fake.tokenMints).toBe(before + 1);
    expect((await call('GET', '/app', `Bearer ${await jwt({})}`)).json).toMatchObject({
      id: 1001,
      slug: 'assay-test',
    });
    expect((await call('GET', '/app/installations/2', `Bearer ${await jwt({})}`)).json).toMatchObject({
      id: 2,
      account: { login: 'globex' },
    });
  });

  it('answers 401 with GitHub’s { message, documentation_url } for every bad JWT', async () => {
    const now = Math.floor(Date.now() / 1000);
    const other = (await import('../../../infra/local/github-double/index.ts')).generateAppKeyPair();
    const cases: [string | undefined, RegExp][] = [
      [undefined, /Requires authentication/],
      ['Bearer not.a.jwt', /could not be decoded/],
      [`token ${await jwt({})}`, /could not be decoded/],
      [`Bearer ${await jwt({}, other.privateKey)}`, /could not be decoded/],
      [`Bearer ${await jwt({ iat: now - 700, exp: now - 100 })}`, /'exp'.*future time/],
      [`Bearer ${await jwt({ iat: now, exp: now + 660 })}`, /too far in the future/],
      [`Bearer ${await jwt({ iat: now + 300, exp: now + 600 })}`, /'iat'/],
      [`Bearer ${await jwt({ iss: 999 })}`, /'iss'/],
    ];
    const before = fake.tokenMints;
    for (const [authorization, message] of cases) {
      const response = await call('POST', '/app/installations/1/access_tokens', authorization);
      expect(response.status, String(message)).toBe(401);
      expect(response.json.message).toMatch(message);
      expect(response.json.documentation_url).toMatch(/^https:\/\/docs\.github\.com\//);
    }
    expect(fake.tokenMints).toBe(before);
  });

  it('mints only for installations it knows, and not for suspended ones', async () => {
    expect(
      (await call('POST', '/app/installations/77/access_tokens', `Bearer ${await jwt({})}`)).status,
    ).toBe(404);
    const suspended = fake.state.addInstallation({ account: 'hooli', repositories: ['nucleus'] });
    suspended.suspended = true;
    const response = await call(
      'POST',
      `/app/installations/${suspended.id}/access_tokens`,
      `Bearer ${await jwt({})}`,
    );
    expect(response.status).toBe(403);
    expect(response.json.message).toMatch(/suspended/);
  });
});

describe('fake GitHub: installation tokens', () => {
  it('requires a live token of the repository’s installation on every repository endpoint', async () => {
    const token = await mint(1);
    expect((await call('GET', '/repos/acme/widgets/issues/1')).status).toBe(401);
    expect((await call('GET', '/repos/acme/widgets/issues/1', 'token ghs_nope')).json.message).toBe(
      'Bad credentials',
    );
    expect((await call('GET', '/repos/acme/widgets/issues/1', `token ${token}`)).status).toBe(200);
    expect((await call('GET', '/repos/ACME/Widgets/issues/1', `Bearer ${token}`)).status).toBe(200);
    // Another installation's repository: 404, as GitHub hides what a token cannot see.
    expect((await call('GET', '/repos/globex/secret/issues/1', `token ${token}`)).status).toBe(404);
    // An App JWT is not an installation token.
    expect((await call('GET', '/repos/acme/widgets/issues/1', `Bearer ${await jwt({})}`)).status).toBe(401);
    const expired = fake.state.mintToken(1, -1);
    expect((await call('GET', '/repos/acme/widgets/issues/1', `token ${expired.token}`)).status).toBe(401);
    expect((await call('GET', '/repos/acme/widgets/nothing-here', `token ${token}`)).status).toBe(404);
  });

  it('paginates like GitHub: per_page capped at 100, Link with next/last and prev/first', async () => {
    const token = await mint(1);
    const pr = fake.state.addPull('acme/widgets', { files: 250 });
    const path = `/repos/acme/widgets/pulls/${pr.number}/files`;
    const first = await call('GET', `${path}?per_page=500`, `token ${token}`);
    expect(first.json).toHaveLength(100);
    expect(first.headers.get('link')).toBe(
      `<${fake.url}${path}?per_page=100&page=2>; rel="next", <${fake.url}${path}?per_page=100&page=3>; rel="last"`,
    );
    const last = await call('GET', `${path}?per_page=100&page=3`, `token ${token}`);
    expect(last.json).toHaveLength(50);
    expect(last.headers.get('link')).toBe(
      `<${fake.url}${path}?per_page=100&page=2>; rel="prev", <${fake.url}${path}?per_page=100&page=1>; rel="first"`,
    );
    expect((await call('GET', path, `token ${token}`)).json).toHaveLength(30);
  });

  it('answers 400 for a body that is not JSON and 422 for a missing field', async () => {
    const token = await mint(1);
    expect(
      (await call('POST', '/repos/acme/widgets/issues/1/comments', `token ${token}`, '{oops')).status,
    ).toBe(400);
    const missing = await call('POST', '/repos/acme/widgets/issues/1/comments', `token ${token}`, {});
    expect(missing.status).toBe(422);
    expect(missing.json.message).toBe('Validation Failed');
  });

  it('can fail a write after performing it (the answer is lost, the comment exists)', async () => {
    const token = await mint(1);
    fake.failNext(1, 502, { method: 'POST', afterHandling: true });
    const writes = fake.writes.length;
    const response = await call('POST', '/repos/acme/widgets/issues/1/comments', `token ${token}`, {
      body: 'x',
    });
    expect(response.status).toBe(502);
    expect(fake.writes.length).toBe(writes + 1);
    expect(fake.state.commentsOn('acme/widgets', 1).at(-1)?.body).toBe('x');
  });
});

describe('fake GitHub: refuses what GitHub refuses', () => {
  const checkRun = (token: string, body: Record<string, unknown>) =>
    call('POST', '/repos/acme/widgets/check-runs', `token ${token}`, {
      name: 'Assay',
      head_sha: 'a'.repeat(40),
      ...body,
    });
  const annotation = (start_line: number, end_line: number) => ({
    path: 'src/a.ts',
    start_line,
    end_line,
    annotation_level: 'failure',
    message: 'boom',
  });

  it('refuses a summary or text over 65,535 bytes, counted in UTF-8 (not characters)', async () => {
    const token = await mint(1);
    // 30,000 characters of a three-byte letter: 90,000 bytes.
    const wide = '✅'.repeat(30_000);
    const refused = await checkRun(token, { output: { title: 't', summary: wide } });
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.json.errors)).toMatch(/65535 bytes/);
    expect((await checkRun(token, { output: { title: 't', summary: 's', text: wide } })).status).toBe(422);
    const fits = '✅'.repeat(21_845);
    expect((await checkRun(token, { output: { title: 't', summary: fits } })).status).toBe(201);
  });

  it('refuses a comment over 65,536 characters', async () => {
    const token = await mint(1);
    const path = '/repos/acme/widgets/issues/1/comments';
    expect((await call('POST', path, `token ${token}`, { body: 'x'.repeat(65_537) })).status).toBe(422);
    expect((await call('POST', path, `token ${token}`, { body: 'x'.repeat(65_536) })).status).toBe(201);
  });

  it('refuses more than 50 annotations and lines below 1 or ending before they start', async () => {
    const token = await mint(1);
    const output = (annotations: unknown[]) => ({ output: { title: 't', summary: 's', annotations } });
    expect((await checkRun(token, output(Array.from({ length: 51 }, () => annotation(1, 1))))).status).toBe(
      422,
    );
    expect((await checkRun(token, output([annotation(0, 0)]))).status).toBe(422);
    expect((await checkRun(token, output([annotation(5, 4)]))).status).toBe(422);
    expect((await checkRun(token, output(Array.from({ length: 50 }, () => annotation(3, 3))))).status).toBe(
      201,
    );
  });

  it('answers 200 to changing a completed check run and keeps its status and conclusion', async () => {
    const token = await mint(1);
    const created = await checkRun(token, {
      status: 'completed',
      conclusion: 'neutral',
      output: { title: 'No linked issue', summary: 's' },
    });
    const id = created.json.id as number;
    const patched = await call('PATCH', `/repos/acme/widgets/check-runs/${id}`, `token ${token}`, {
      status: 'in_progress',
      output: { title: 'Waiting', summary: 'again' },
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ status: 'completed', conclusion: 'neutral' });
    const concluded = await call('PATCH', `/repos/acme/widgets/check-runs/${id}`, `token ${token}`, {
      conclusion: 'success',
    });
    expect(concluded.status).toBe(200);
    expect(fake.state.checkRuns.get(id)).toMatchObject({ status: 'completed', conclusion: 'neutral' });
  });

  it('refuses tokens of an uninstalled (401) or suspended (403) installation', async () => {
    const installation = fake.state.addInstallation({ account: 'initech', repositories: ['tps'] });
    fake.state.addIssue('initech/tps', { number: 1 });
    const token = await mint(installation.id);
    expect((await call('GET', '/repos/initech/tps/issues/1', `token ${token}`)).status).toBe(200);
    fake.state.suspend(installation.id);
    const suspended = await call('GET', '/repos/initech/tps/issues/1', `token ${token}`);
    expect(suspended.status).toBe(403);
    expect(suspended.json.message).toMatch(/suspended/);
    fake.state.suspend(installation.id, false);
    expect((await call('GET', '/repos/initech/tps/issues/1', `token ${token}`)).status).toBe(200);
    fake.state.uninstall(installation.id);
    const gone = await call('GET', '/repos/initech/tps/issues/1', `token ${token}`);
    expect(gone.status).toBe(401);
    expect(gone.json.message).toBe('Bad credentials');
    expect(
      (await call('POST', `/app/installations/${installation.id}/access_tokens`, `Bearer ${await jwt({})}`))
        .status,
    ).toBe(404);
  });
});
