import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeGitHub, generateAppKeyPair } from '../../../infra/local/github-double/index.ts';
import { resetConfig } from '../../../shared/config.ts';
import {
  createGitHubClient,
  type GitHubClientOptions,
  getGitHubClient,
  loadGitHubClientOptions,
  resetGitHubClient,
} from '../../../shared/github/github-client.ts';
import type { CheckRunAnnotation, RepoRef } from '../../../shared/github/github-client.types.ts';
import { GitHubApiError, GitHubNotConfiguredError } from '../../../shared/github/github-errors.ts';

let fake: FakeGitHub;
const acme: RepoRef = { installationId: 11, owner: 'acme', repo: 'widgets' };
const other: RepoRef = { installationId: 22, owner: 'globex', repo: 'secret' };

/** A client against the double with tiny retry delays and no write spacing. */
function client(overrides: Partial<GitHubClientOptions> = {}) {
  return createGitHubClient({
    ...fake.credentials,
    baseUrl: fake.url,
    retry: { retries: 2, minDelayMs: 5 },
    spaceWrites: false,
    ...overrides,
  });
}

async function rejection(promise: Promise<unknown>): Promise<GitHubApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GitHubApiError);
  return error as GitHubApiError;
}

const requestsTo = (method: string, path: string | RegExp) =>
  fake.requests.filter(
    (r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)),
  );

beforeAll(async () => {
  fake = await new FakeGitHub().start();
  fake.state.addInstallation({ id: 11, account: 'acme', repositories: ['widgets'] });
  fake.state.addInstallation({ id: 22, account: 'globex', repositories: ['secret'] });
});
afterAll(() => fake.stop());
afterEach(() => fake.clearRecords());

describe('GitHub client endpoints (against the double, over HTTP)', () => {
  it('reads an issue and a pull request seen as an issue', async () => {
    const issue = fake.state.addIssue('acme/widgets', {
      title: 'Login fails',
      body: 'Steps: …',
      user: 'alice',
    });
    const pr = fake.state.addPull('acme/widgets', { title: 'Fix login' });
    const gh = client();
    expect(await gh.getIssue(acme, issue.number)).toEqual({
      number: issue.number,
      title: 'Login fails',
      body: 'Steps: …',
      state: 'open',
      htmlUrl: `https://github.com/acme/widgets/issues/${issue.number}`,
      user: 'alice',
      isPullRequest: false,
      updatedAt: issue.updatedAt,
    });
    expect((await gh.getIssue(acme, pr.number)).isPullRequest).toBe(true);
    expect(requestsTo('GET', `/repos/acme/widgets/issues/${issue.number}`)).toHaveLength(1);
  });

  it('fails with a not_found GitHubApiError for a missing issue, and for a repository outside the installation', async () => {
    const gh = client();
    const missing = await rejection(gh.getIssue(acme, 9999));
    expect(missing.kind).toBe('not_found');
    expect(missing.status).toBe(404);
    expect(missing.message).toContain('GET /repos/acme/widgets/issues/9999');
    fake.state.addIssue('globex/secret', { number: 1 });
    // The token of installation 11 cannot see globex/secret: GitHub says 404, not 403.
    const hidden = await rejection(gh.getIssue({ ...other, installationId: 11 }, 1));
    expect(hidden.kind).toBe('not_found');
    expect((await gh.getIssue(other, 1)).number).toBe(1);
  });

  it('lists comments across pages, creates and updates one', async () => {
    const issue = fake.state.addIssue('acme/widgets');
    for (let i = 0; i < 150; i++)
      fake.state.addComment('acme/widgets', issue.number, { body: `c${i}`, user: 'bob' });
    const gh = client();
    const comments = await gh.listIssueComments(acme, issue.number);
    expect(comments).toHaveLength(150);
    expect(comments[0]).toMatchObject({ body: 'c0', user: 'bob', userType: 'User' });
    expect(comments[149]?.body).toBe('c149');
    expect(
      requestsTo('GET', `/repos/acme/widgets/issues/${issue.number}/comments`).map((r) => r.search),
    ).toEqual(['?per_page=100', '?per_page=100&page=2']);

    const created = await gh.createIssueComment(acme, issue.number, 'first');
    expect(created).toMatchObject({ body: 'first', user: 'assay-test[bot]', userType: 'Bot' });
    const updated = await gh.updateIssueComment(acme, created.id, 'second');
    expect(updated).toMatchObject({ id: created.id, body: 'second' });
    expect(fake.state.comments.get(created.id)?.body).toBe('second');
    expect(fake.writes).toEqual([
      {
        method: 'POST',
        path: `/repos/acme/widgets/issues/${issue.number}/comments`,
        body: { body: 'first' },
      },
      {
        method: 'PATCH',
        path: `/repos/acme/widgets/issues/comments/${created.id}`,
        body: { body: 'second' },
      },
    ]);
  });

  it('reads a pull request', async () => {
    const pr = fake.state.addPull('acme/widgets', {
      title: 'Add cart',
      body: null,
      headSha: 'a'.repeat(40),
      headRef: 'feature/cart',
      baseRef: 'main',
      draft: true,
      user: 'carol',
    });
    expect(await client().getPull(acme, pr.number)).toEqual({
      number: pr.number,
      title: 'Add cart',
      body: null,
      state: 'open',
      merged: false,
      draft: true,
      user: 'carol',
      headSha: 'a'.repeat(40),
      headRef: 'feature/cart',
      baseRef: 'main',
      htmlUrl: `https://github.com/acme/widgets/pull/${pr.number}`,
      authorAssociation: 'MEMBER',
      headRepository: 'acme/widgets',
    });
    expect((await rejection(client().getPull(acme, fake.state.addIssue('acme/widgets').number))).kind).toBe(
      'not_found',
    );
  });

  it('follows pagination across 3,000 files in 30 pages of 100, and stops at GitHub’s 3,000', async () => {
    const pr = fake.state.addPull('acme/widgets', { files: 3000 });
    const files = await client().listPullFiles(acme, pr.number);
    expect(files).toHaveLength(3000);
    expect(files[0]).toMatchObject({
      filename: 'src/file-0001.ts',
      status: 'modified',
      additions: 1,
      changes: 2,
    });
    expect(files[0]?.patch).toContain('@@');
    expect(files[2999]?.filename).toBe('src/file-3000.ts');
    expect(new Set(files.map((f) => f.filename)).size).toBe(3000);
    const pages = requestsTo('GET', `/repos/acme/widgets/pulls/${pr.number}/files`);
    expect(pages).toHaveLength(30);
    expect(pages.every((r) => r.search.includes('per_page=100'))).toBe(true);

    const huge = fake.state.addPull('acme/widgets', { files: 3100 });
    expect(await client().listPullFiles(acme, huge.number)).toHaveLength(3000);
  });

  it('maps renamed and binary files', async () => {
    const pr = fake.state.addPull('acme/widgets', {
      files: [
        {
          filename: 'b.ts',
          previous_filename: 'a.ts',
          status: 'renamed',
          additions: 0,
          deletions: 0,
          changes: 0,
        },
        { filename: 'logo.png', status: 'added', additions: 0, deletions: 0, changes: 0 },
      ],
    });
    expect(await client().listPullFiles(acme, pr.number)).toEqual([
      {
        filename: 'b.ts',
        previousFilename: 'a.ts',
        status: 'renamed',
        additions: 0,
        deletions: 0,
        changes: 0,
      },
      { filename: 'logo.png', status: 'added', additions: 0, deletions: 0, changes: 0 },
    ]);
  });

  it('creates and updates a check run, sending annotations 50 at a time', async () => {
    const sha = 'b'.repeat(40);
    const annotations: CheckRunAnnotation[] = Array.from({ length: 120 }, (_, i) => ({
      path: 'src/a.ts',
      start_line: i + 1,
      end_line: i + 1,
      annotation_level: 'warning',
      message: `m${i}`,
    }));
    const gh = client();
    const { id } = await gh.createCheckRun(acme, {
      name: 'Assay',
      headSha: sha,
      status: 'in_progress',
      externalId: 'run-1',
      detailsUrl: 'https://assay.test/runs/1',
      output: { title: 'Checking', summary: '120 findings', annotations },
    });
    const run = fake.state.checkRuns.get(id);
    expect(run).toMatchObject({ name: 'Assay', headSha: sha, status: 'in_progress', externalId: 'run-1' });
    expect(run?.annotations).toHaveLength(120);
    expect(fake.writes.map((w) => w.method)).toEqual(['POST', 'PATCH', 'PATCH']);
    expect(fake.writes[0]?.body).toMatchObject({
      name: 'Assay',
      head_sha: sha,
      details_url: 'https://assay.test/runs/1',
    });

    expect(
      await gh.updateCheckRun(acme, id, {
        conclusion: 'success',
        output: { title: 'Done', summary: 'All good', text: 'details' },
      }),
    ).toEqual({ id });
    expect(fake.state.checkRuns.get(id)).toMatchObject({
      status: 'completed',
      conclusion: 'success',
      output: { title: 'Done', summary: 'All good', text: 'details' },
    });
    expect(fake.writes.at(-1)).toEqual({
      method: 'PATCH',
      path: `/repos/acme/widgets/check-runs/${id}`,
      body: { conclusion: 'success', output: { title: 'Done', summary: 'All good', text: 'details' } },
    });
    const invalid = await rejection(
      gh.createCheckRun(acme, { name: 'Assay', headSha: sha, status: 'completed' }),
    );
    expect(invalid.kind).toBe('validation');
  });

  it('reads collaborator permissions, keeping maintain and triage', async () => {
    fake.state.setRole('acme/widgets', 'Maya', 'maintain');
    fake.state.setRole('acme/widgets', 'tri', 'triage');
    fake.state.setRole('acme/widgets', 'wes', 'write');
    const gh = client();
    expect(await gh.getCollaboratorPermission(acme, 'maya')).toBe('maintain');
    expect(await gh.getCollaboratorPermission(acme, 'tri')).toBe('triage');
    expect(await gh.getCollaboratorPermission(acme, 'wes')).toBe('write');
    expect(await gh.getCollaboratorPermission(acme, 'stranger')).toBe('none');
  });
});

describe("GitHub's size limits, enforced on every write", () => {
  const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

  it('cuts a 95 KB multi-byte summary and text to 65,535 bytes instead of being refused', async () => {
    const gh = client();
    // Under 60,000 characters (what used to be the cut) but 95 KB in UTF-8.
    const summary = '| ✅ passed | Größe der Übersicht |\n'.repeat(2_000);
    expect(summary.length).toBeLessThan(80_000);
    expect(bytes(summary)).toBeGreaterThan(65_535);
    const created = await gh.createCheckRun(acme, {
      name: 'Assay',
      headSha: 'b'.repeat(40),
      status: 'in_progress',
      output: { title: 'Waiting', summary, text: summary },
    });
    const run = fake.state.checkRuns.get(created.id)!;
    expect(bytes(run.output.summary!)).toBeLessThanOrEqual(65_535);
    expect(bytes(run.output.text!)).toBeLessThanOrEqual(65_535);
    expect(run.output.summary).toMatch(/cut here to fit GitHub's limit of 65535 bytes\.$/);
    expect(run.output.summary!.startsWith('| ✅ passed | Größe')).toBe(true);
  });

  it('cuts a 75,530-character comment to 65,536 characters, on create and on update', async () => {
    const gh = client();
    const issue = fake.state.addIssue('acme/widgets', {});
    const long = `<!-- assay:manifest -->\n${'Linked issues: #1234 (3 criteria), '.repeat(2_158)}`;
    expect(long.length).toBeGreaterThan(75_000);
    const created = await gh.createIssueComment(acme, issue.number, long);
    expect(created.body.length).toBeLessThanOrEqual(65_536);
    expect(created.body.startsWith('<!-- assay:manifest -->')).toBe(true);
    const updated = await gh.updateIssueComment(acme, created.id, `${long}!`);
    expect(updated.body.length).toBeLessThanOrEqual(65_536);
  });

  it('fixes annotation lines GitHub refuses and sends 50 per request', async () => {
    const gh = client();
    const annotations: CheckRunAnnotation[] = Array.from({ length: 120 }, (_, i) => ({
      path: `src/f${i}.ts`,
      start_line: i % 3 === 0 ? 0 : 10,
      end_line: i % 3 === 1 ? 4 : 10,
      annotation_level: 'failure',
      message: 'boom',
      title: 't'.repeat(300),
    }));
    const created = await gh.createCheckRun(acme, {
      name: 'Assay',
      headSha: 'c'.repeat(40),
      status: 'completed',
      conclusion: 'failure',
      output: { title: 'Some criteria fail', summary: 's', annotations },
    });
    const run = fake.state.checkRuns.get(created.id)!;
    expect(run.annotations).toHaveLength(120);
    for (const a of run.annotations) {
      expect(a.start_line).toBeGreaterThanOrEqual(1);
      expect(a.end_line).toBeGreaterThanOrEqual(a.start_line);
      expect(a.title!.length).toBeLessThanOrEqual(255);
    }
    expect(requestsTo('PATCH', `/repos/acme/widgets/check-runs/${created.id}`)).toHaveLength(2);
  });

  it('logs a 422 with its message and still leaves the pull request its check and its comment', async () => {
    const warnings: string[] = [];
    const gh = client({ log: { warn: (m) => warnings.push(m) } });
    fake.failNext(1, 422, { method: 'POST', path: '/repos/acme/widgets/check-runs' });
    const created = await gh.createCheckRun(acme, {
      name: 'Assay',
      headSha: 'd'.repeat(40),
      status: 'in_progress',
      output: { title: 'Waiting for test report', summary: 'the full summary' },
    });
    const run = fake.state.checkRuns.get(created.id)!;
    expect(run.output.title).toBe('Waiting for test report');
    expect(run.output.summary).toMatch(/GitHub refused this check's full output/);
    expect(warnings.join('\n')).toMatch(/POST \/repos\/acme\/widgets\/check-runs \(422\)/);

    const issue = fake.state.addIssue('acme/widgets', {});
    fake.failNext(1, 422, { method: 'POST', path: `/repos/acme/widgets/issues/${issue.number}/comments` });
    const comment = await gh.createIssueComment(acme, issue.number, '<!-- assay:checklist -->\nthe list');
    expect(comment.body.split('\n')[0]).toBe('<!-- assay:checklist -->');
    expect(comment.body).toMatch(/GitHub refused it/);
    expect(warnings).toHaveLength(2);
  });
});

describe('installation tokens', () => {
  it('mints one token for many calls, including concurrent ones, and sends it on every call', async () => {
    const issue = fake.state.addIssue('acme/widgets');
    const mintsBefore = fake.tokenMints;
    const gh = client();
    await Promise.all(Array.from({ length: 10 }, () => gh.getIssue(acme, issue.number)));
    for (let i = 0; i < 5; i++) await gh.getIssue(acme, issue.number);
    expect(fake.tokenMints - mintsBefore).toBe(1);
    expect(requestsTo('POST', '/app/installations/11/access_tokens')).toHaveLength(1);
    expect(requestsTo('GET', `/repos/acme/widgets/issues/${issue.number}`)).toHaveLength(15);
    // A second installation gets its own token.
    fake.state.addIssue('globex/secret', { number: 50 });
    await gh.getIssue(other, 50);
    expect(requestsTo('POST', '/app/installations/22/access_tokens')).toHaveLength(1);
  });

  it('reuses a token within the hour and refreshes it shortly before expires_at', async () => {
    const issue = fake.state.addIssue('acme/widgets');
    let now = Date.now();
    const gh = client({ now: () => now, tokenRefreshMarginMs: 5 * 60_000 });
    await gh.getIssue(acme, issue.number);
    now += 30 * 60_000; // 30 min later: still cached.
    await gh.getIssue(acme, issue.number);
    expect(requestsTo('POST', '/app/installations/11/access_tokens')).toHaveLength(1);
    now += 26 * 60_000; // 56 min after minting: within 5 min of expiry → refreshed.
    await gh.getIssue(acme, issue.number);
    expect(requestsTo('POST', '/app/installations/11/access_tokens')).toHaveLength(2);
    // (The double's clock did not move, so its new token expires an hour from real time;
    // back at real time the client keeps using it.)
    now = Date.now();
    await gh.getIssue(acme, issue.number);
    expect(requestsTo('POST', '/app/installations/11/access_tokens')).toHaveLength(2);
  });

  it('honours a short expires_at from GitHub instead of assuming an hour', async () => {
    const issue = fake.state.addIssue('acme/widgets');
    fake.setTokenTtl(4 * 60); // shorter than the 5-minute refresh margin
    try {
      const gh = client();
      await gh.getIssue(acme, issue.number);
      await gh.getIssue(acme, issue.number);
      expect(requestsTo('POST', '/app/installations/11/access_tokens')).toHaveLength(2);
    } finally {
      fake.setTokenTtl(3600);
    }
  });

  it('surfaces a clear error when the App JWT is signed with the wrong key', async () => {
    const wrong = generateAppKeyPair();
    const gh = client({ privateKey: wrong.privateKey });
    const error = await rejection(gh.getIssue(acme, 1));
    expect(error.kind).toBe('unauthorized');
    expect(error.status).toBe(401);
    expect(error.message).toContain('rejected the App');
    expect(error.message).toContain('installation 11');
    expect(error.message).toContain('A JSON web token could not be decoded');
    expect(error.message).toContain('ASSAY_GITHUB_PRIVATE_KEY');
    expect(requestsTo('POST', '/app/installations/11/access_tokens').map((r) => r.status)).toEqual([401]);
    expect(requestsTo('GET', /^\/repos\//)).toHaveLength(0);
  });

  it('rejects a JWT for another App id, and an unknown installation', async () => {
    expect((await rejection(client({ appId: '999' }).getIssue(acme, 1))).kind).toBe('unauthorized');
    const unknown = await rejection(client().getIssue({ ...acme, installationId: 404404 }, 1));
    expect(unknown.kind).toBe('not_found');
    expect(unknown.message).toContain('installation 404404');
  });

  it('accepts a PKCS#8 key as well as GitHub’s PKCS#1, and \\n-escaped PEMs from the environment', async () => {
    const pkcs8 = await new FakeGitHub({ keyFormat: 'pkcs8' }).start();
    try {
      pkcs8.state.addInstallation({ id: 5, account: 'initech', repositories: ['tps'] });
      pkcs8.state.addIssue('initech/tps', { number: 1 });
      expect(pkcs8.credentials.privateKey).toContain('BEGIN PRIVATE KEY');
      const gh = createGitHubClient({ ...pkcs8.credentials, baseUrl: pkcs8.url, spaceWrites: false });
      expect((await gh.getIssue({ installationId: 5, owner: 'initech', repo: 'tps' }, 1)).number).toBe(1);
    } finally {
      await pkcs8.stop();
    }
    expect(fake.credentials.privateKey).toContain('BEGIN RSA PRIVATE KEY');
    const escaped = client({ privateKey: fake.credentials.privateKey.replace(/\n/g, '\\n') });
    const issue = fake.state.addIssue('acme/widgets');
    expect((await escaped.getIssue(acme, issue.number)).number).toBe(issue.number);
  });
});

describe('retries and rate limits', () => {
  it('retries a 502 and succeeds', async () => {
    const issue = fake.state.addIssue('acme/widgets');
    const gh = client();
    await gh.getIssue(acme, issue.number); // warm the token
    fake.clearRecords();
    fake.failNext(1, 502);
    expect((await gh.getIssue(acme, issue.number)).number).toBe(issue.number);
    expect(requestsTo('GET', `/repos/acme/widgets/issues/${issue.number}`).map((r) => r.status)).toEqual([
      502, 200,
    ]);
  });

  it('retries a 502 on the token mint too', async () => {
    const issue = fake.state.addIssue('acme/widgets');
    fake.failNext(1, 502, { path: '/app/installations/' });
    expect((await client().getIssue(acme, issue.number)).number).toBe(issue.number);
    expect(requestsTo('POST', '/app/installations/11/access_tokens').map((r) => r.status)).toEqual([
      502, 201,
    ]);
  });

  it('gives up after its retries with an unavailable error', async () => {
    const issue = fake.state.addIssue('acme/widgets');
    const gh = client();
    await gh.getIssue(acme, issue.number);
    fake.clearRecords();
    fake.failNext(3, 503);
    const error = await rejection(gh.getIssue(acme, issue.number));
    expect(error.kind).toBe('unavailable');
    expect(error.status).toBe(503);
    expect(error.retryable).toBe(true);
    expect(requestsTo('GET', `/repos/acme/widgets/issues/${issue.number}`)).toHaveLength(3); // 1 + 2 retries
  });

  it('does not retry a 4xx', async () => {
    const gh = client();
    await rejection(gh.getIssue(acme, 424242));
    expect(requestsTo('GET', '/repos/acme/widgets/issues/424242')).toHaveLength(1);
  });

  it('waits out a secondary rate limit (retry-after 1) and succeeds', async () => {
    const issue = fake.state.addIssue('acme/widgets');
    const gh = client();
    await gh.getIssue(acme, issue.number);
    fake.clearRecords();
    fake.rateLimitNext({ retryAfterSeconds: 1 });
    const started = performance.now();
    const comment = await gh.createIssueComment(acme, issue.number, 'after the limit');
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(comment.body).toBe('after the limit');
    expect(
      requestsTo('POST', `/repos/acme/widgets/issues/${issue.number}/comments`).map((r) => r.status),
    ).toEqual([403, 201]);
    expect(fake.writes).toHaveLength(1);
  });

  it('fails clearly when a secondary rate limit asks for a wait longer than it will take', async () => {
    const issue = fake.state.addIssue('acme/widgets');
    const gh = client({ rateLimit: { maxWaitSeconds: 5 } });
    await gh.getIssue(acme, issue.number);
    fake.rateLimitNext({ retryAfterSeconds: 120, status: 429 });
    const error = await rejection(gh.getIssue(acme, issue.number));
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAfterSeconds).toBe(120);
    expect(error.message).toContain('secondary rate limit');
  });

  it('retries the primary rate limit once when the reset is near, and fails clearly when it is not', async () => {
    const issue = fake.state.addIssue('acme/widgets');
    const gh = client();
    await gh.getIssue(acme, issue.number);
    fake.clearRecords();
    fake.primaryRateLimitNext({ resetInSeconds: 0 });
    expect((await gh.getIssue(acme, issue.number)).number).toBe(issue.number);
    expect(requestsTo('GET', `/repos/acme/widgets/issues/${issue.number}`).map((r) => r.status)).toEqual([
      403, 200,
    ]);

    fake.clearRecords();
    fake.primaryRateLimitNext({ resetInSeconds: 3600 });
    const error = await rejection(gh.getIssue(acme, issue.number));
    // It gave up at once: one refused request, no retry after the far-away reset.
    expect(requestsTo('GET', `/repos/acme/widgets/issues/${issue.number}`).map((r) => r.status)).toEqual([
      403,
    ]);
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAfterSeconds).toBeGreaterThan(3500);
    expect(error.message).toContain('API rate limit exceeded');
  });
});

describe('write spacing (the production default)', () => {
  it('leaves at least a second between two writes of one client, and none between reads', async () => {
    const gh = client({ spaceWrites: true });
    const issue = fake.state.addIssue('acme/widgets');
    const sha = 'c'.repeat(40);
    await gh.getIssue(acme, issue.number);
    await gh.getIssue(acme, issue.number);
    const started = performance.now();
    const { id } = await gh.createCheckRun(acme, { name: 'Assay', headSha: sha });
    await gh.updateCheckRun(acme, id, { status: 'in_progress' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(fake.writes.map((w) => w.method)).toEqual(['POST', 'PATCH']);
  });
});

describe('configuration', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    resetConfig();
    resetGitHubClient();
  });

  it('rejects a key that is not a PEM RSA private key at creation', () => {
    expect(() => createGitHubClient({ appId: '1', privateKey: 'not a key' })).toThrow(
      GitHubNotConfiguredError,
    );
    expect(() => createGitHubClient({ appId: '', privateKey: fake.credentials.privateKey })).toThrow(
      /App id/,
    );
  });

  it('names the missing settings, locally and on AWS', async () => {
    vi.stubEnv('ASSAY_GITHUB_APP_ID', '');
    vi.stubEnv('ASSAY_GITHUB_PRIVATE_KEY', '');
    resetConfig();
    await expect(loadGitHubClientOptions()).rejects.toThrow(
      'GitHub App is not configured: set ASSAY_GITHUB_APP_ID and ASSAY_GITHUB_PRIVATE_KEY',
    );
    vi.stubEnv('ASSAY_RUNTIME', 'aws');
    vi.stubEnv('ASSAY_DB_HOST', 'db.internal');
    vi.stubEnv('ASSAY_DB_SECRET_ARN', 'arn:aws:secretsmanager:us-east-1:1:secret:db');
    vi.stubEnv('ASSAY_S3_BUCKET', 'assay-test');
    vi.stubEnv('ASSAY_GITHUB_APP_ID', '7');
    vi.stubEnv('ASSAY_SECRET_ARN_GITHUB_APP', '');
    resetConfig();
    await expect(loadGitHubClientOptions()).rejects.toThrow(
      'GitHub App is not configured: set ASSAY_SECRET_ARN_GITHUB_APP',
    );
  });

  it('getGitHubClient fails at first use, not at creation, when the App is not configured', async () => {
    vi.stubEnv('ASSAY_GITHUB_APP_ID', '');
    vi.stubEnv('ASSAY_GITHUB_PRIVATE_KEY', '');
    resetConfig();
    const gh = getGitHubClient();
    const error = await gh.getIssue(acme, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubNotConfiguredError);
    expect((error as GitHubNotConfiguredError).code).toBe('not_configured');
  });

  it('getGitHubClient works from the environment (\\n-escaped key, API URL of the double)', async () => {
    vi.stubEnv('ASSAY_GITHUB_APP_ID', fake.credentials.appId);
    vi.stubEnv('ASSAY_GITHUB_PRIVATE_KEY', fake.credentials.privateKey.replace(/\n/g, '\\n'));
    vi.stubEnv('ASSAY_GITHUB_API_URL', fake.url);
    resetConfig();
    const issue = fake.state.addIssue('acme/widgets', { title: 'from env' });
    expect((await getGitHubClient().getIssue(acme, issue.number)).title).toBe('from env');
  });
});
