import { GetObjectCommand } from '@aws-sdk/client-s3';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeOidcIssuer } from '../../../infra/local/fake-oidc/index.ts';
import { createS3Client } from '../../../shared/adapters/object-store.ts';
import { hashToken } from '../../../shared/auth/secrets.ts';
import { getConfig } from '../../../shared/config.ts';
import { withSystem } from '../../../shared/db/tenant.ts';
import { callApi } from '../../support/api-client.ts';
import {
  listObjectKeys,
  type SeededRepo,
  seedInstallation,
  seedRepo,
  startRuntimeWithFakeOidc,
} from '../../support/ci-repos.ts';
import { bracketed, expectOffsetWithin } from '../../support/clock.ts';
import { seedOrg, seedSession, seedUser } from '../../support/identity.ts';
import type { TestRuntime } from '../../support/test-runtime.ts';

let runtime: TestRuntime;
let oidc: FakeOidcIssuer;

const SHA = 'a'.repeat(40);
const OTHER_SHA = 'b'.repeat(40);
const JUNIT = `<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="suite" tests="1"><testcase classname="assay:T1" name="works"/></testsuite>
`;

type Repo = SeededRepo;
const ids = { org: '', otherOrg: '', installation: 7001, repoA: {} as Repo, repoB: {} as Repo };
let adminToken = '';
let memberToken = '';

async function seedPull(
  orgId: string,
  repositoryId: string,
  number: number,
  sha: string,
  state: 'open' | 'closed',
) {
  await withSystem(runtime.db, (trx) =>
    trx
      .insertInto('pull_requests')
      .values({
        org_id: orgId,
        repository_id: repositoryId,
        number,
        title: `PR ${number}`,
        state,
        head_sha: sha,
        head_ref: `feature-${number}`,
        base_ref: 'main',
        merged: false,
        draft: false,
      })
      .execute(),
  );
}

function claims(repository: string, extra: Record<string, unknown> = {}) {
  return { repository, sha: SHA, run_id: '9001', run_attempt: '1', ref: 'refs/pull/7/merge', ...extra };
}

async function upload(bearer: string | undefined, body: unknown) {
  const res = await fetch(`${runtime.url}/ci/uploads`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }),
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as any) : undefined };
}

const api = (bearer: string, method: string, path: string, body?: unknown) =>
  callApi(runtime.url, bearer, method, path, body);

beforeAll(async () => {
  ({ runtime, oidc } = await startRuntimeWithFakeOidc());
  ids.org = await seedOrg(runtime.db, 'acme');
  ids.otherOrg = await seedOrg(runtime.db, 'globex');
  await seedInstallation(runtime.db, ids.installation, ids.org);
  await seedInstallation(runtime.db, 7002, ids.otherOrg);
  await seedInstallation(runtime.db, 7003, ids.otherOrg, true);
  ids.repoA = await seedRepo(runtime.db, ids.org, ids.installation, 'acme', 'widgets');
  ids.repoB = await seedRepo(runtime.db, ids.org, ids.installation, 'acme', 'gadgets');
  await seedRepo(runtime.db, ids.org, ids.installation, 'acme', 'retired', true);
  await seedRepo(runtime.db, ids.otherOrg, 7003, 'globex', 'paused');
  await seedPull(ids.org, ids.repoA.id, 6, SHA, 'closed');
  await seedPull(ids.org, ids.repoA.id, 7, SHA, 'open');
  const admin = await seedUser(runtime.db, 'ada', { orgId: ids.org, role: 'admin' });
  const member = await seedUser(runtime.db, 'max', { orgId: ids.org, role: 'member' });
  adminToken = (await seedSession(runtime.db, admin)).token;
  memberToken = (await seedSession(runtime.db, member)).token;
});

afterAll(async () => {
  await runtime?.dispose();
  await oidc?.close();
});

describe('POST /ci/uploads with a GitHub Actions OIDC token', () => {
  it('issues a scoped presigned PUT that a plain fetch can use, tied to the open PR of the head SHA', async () => {
    const jwt = await oidc.sign(claims('acme/widgets', { repository_id: String(ids.repoA.githubId) }));
    const { result: res, ...clock } = await bracketed(() => upload(jwt, { kind: 'junit' }));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//),
      method: 'PUT',
      headers: { 'content-type': 'application/xml', 'if-none-match': '*' },
      expiresAt: expect.any(String),
      runId: '9001-1',
      key: expect.stringMatching(/^orgs\/acme\/repos\/widgets\/runs\/9001-1\/junit\/[0-9a-f-]{36}\.xml$/),
      pullNumber: 7,
    });
    // Fifteen minutes after the request was handled, whenever that was between the two readings.
    expectOffsetWithin(res.body.expiresAt, clock, 15 * 60_000);
    expect(new URL(res.body.url).searchParams.get('X-Amz-Expires')).toBe('900');
    expect(new URL(res.body.url).searchParams.get('X-Amz-SignedHeaders')).toContain('content-type');

    const put = await fetch(res.body.url, { method: 'PUT', headers: res.body.headers, body: JUNIT });
    expect(put.status).toBe(200);
    expect(await listObjectKeys('orgs/acme/repos/widgets/runs/9001-1/')).toEqual([res.body.key]);
    const config = getConfig();
    const object = await createS3Client(config).send(
      new GetObjectCommand({ Bucket: config.ASSAY_S3_BUCKET, Key: res.body.key }),
    );
    expect(await object.Body?.transformToString()).toBe(JUNIT);

    const run = await withSystem(runtime.db, (trx) =>
      trx
        .selectFrom('ci_runs')
        .selectAll()
        .where('repository_id', '=', ids.repoA.id)
        .where('run_id', '=', '9001-1')
        .executeTakeFirstOrThrow(),
    );
    expect(run).toMatchObject({ org_id: ids.org, head_sha: SHA, pull_number: 7, auth_kind: 'oidc' });
    const issued = await withSystem(runtime.db, (trx) =>
      trx
        .selectFrom('ci_uploads')
        .selectAll()
        .where('object_key', '=', res.body.key)
        .executeTakeFirstOrThrow(),
    );
    expect(issued).toMatchObject({
      org_id: ids.org,
      ci_run_id: run.id,
      kind: 'junit',
      status: 'issued',
      content_type: 'application/xml',
    });
    expect(issued.expires_at.toISOString()).toBe(res.body.expiresAt);
  });

  it('lets the claims win over the body, and reuses the run for a second kind', async () => {
    const jwt = await oidc.sign(claims('acme/widgets', { run_id: 9002, run_attempt: 2 }));
    const res = await upload(jwt, { kind: 'code-health', sha: OTHER_SHA, runId: 'chosen-by-body' });
    expect(res.status).toBe(201);
    expect(res.body.runId).toBe('9002-2');
    expect(res.body.headers).toEqual({ 'content-type': 'application/json', 'if-none-match': '*' });
    expect(res.body.key).toMatch(
      /^orgs\/acme\/repos\/widgets\/runs\/9002-2\/code-health\/[0-9a-f-]{36}\.json$/,
    );
    const again = await upload(jwt, { kind: 'junit' });
    expect(again.status).toBe(201);
    const runs = await withSystem(runtime.db, (trx) =>
      trx
        .selectFrom('ci_runs')
        .selectAll()
        .where('repository_id', '=', ids.repoA.id)
        .where('run_id', 'in', ['9002-2', 'chosen-by-body'])
        .execute(),
    );
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ run_id: '9002-2', head_sha: SHA, pull_number: 7 });
    const uploads = await withSystem(runtime.db, (trx) =>
      trx
        .selectFrom('ci_uploads')
        .select('kind')
        .where('ci_run_id', '=', runs[0]!.id)
        .orderBy('created_at')
        .execute(),
    );
    expect(uploads.map((u) => u.kind).sort()).toEqual(['code-health', 'junit']);
  });

  it('records no PR when no open pull request has the head SHA', async () => {
    const jwt = await oidc.sign(claims('acme/gadgets', { sha: OTHER_SHA, run_id: '555' }));
    const res = await upload(jwt, { kind: 'junit' });
    expect(res.status).toBe(201);
    expect(res.body.pullNumber).toBeNull();
    const run = await withSystem(runtime.db, (trx) =>
      trx
        .selectFrom('ci_runs')
        .selectAll()
        .where('repository_id', '=', ids.repoB.id)
        .executeTakeFirstOrThrow(),
    );
    expect(run).toMatchObject({ run_id: '555-1', head_sha: OTHER_SHA, pull_number: null });
  });

  it.each([
    ['wrong audience', { audience: 'not-assay' }],
    ['wrong issuer', { issuer: 'https://token.actions.githubusercontent.com' }],
    ['expired', { expiresIn: -120 }],
    ['bad signature', { foreignKey: true }],
    ['no signature at all (alg: none)', { unsigned: true }],
  ])('answers 401 for a token with the %s', async (_, options) => {
    const jwt = await oidc.sign(claims('acme/widgets'), options);
    const res = await upload(jwt, { kind: 'junit' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_oidc_token');
  });

  it('answers 401 without credentials, for garbage, and for a token missing the scoping claims', async () => {
    expect((await upload(undefined, { kind: 'junit' })).status).toBe(401);
    expect((await upload('not-a-jwt', { kind: 'junit' })).status).toBe(401);
    const noSha = await oidc.sign({ repository: 'acme/widgets', run_id: '1' });
    expect((await upload(noSha, { kind: 'junit' })).status).toBe(401);
  });

  it('answers 403 for a repository that is not installed (unknown, removed, suspended, or another repo under the name)', async () => {
    for (const repository of ['acme/unknown', 'acme/retired', 'globex/paused']) {
      const res = await upload(await oidc.sign(claims(repository)), { kind: 'junit' });
      expect({ repository, status: res.status }).toEqual({ repository, status: 403 });
      expect(res.body.error.code).toBe('repository_not_installed');
    }
    const impostor = await oidc.sign(claims('acme/widgets', { repository_id: '123456789' }));
    expect((await upload(impostor, { kind: 'junit' })).status).toBe(403);
    expect(
      await withSystem(runtime.db, (trx) =>
        trx.selectFrom('ci_runs').select('id').where('run_id', '=', 'x').execute(),
      ),
    ).toEqual([]);
  });

  it('refuses an unknown kind or a body that names a repository (400)', async () => {
    const jwt = await oidc.sign(claims('acme/widgets'));
    expect((await upload(jwt, { kind: 'coverage' })).status).toBe(400);
    const named = await upload(jwt, { kind: 'junit', repository: 'acme/gadgets' });
    expect(named.status).toBe(400);
  });
});

describe('repository upload tokens', () => {
  async function createToken(repo: string, bearer = adminToken, body: unknown = { name: 'jenkins' }) {
    return api(bearer, 'POST', `/repos/acme/${repo}/upload-tokens`, body);
  }

  it('is shown once, stored hashed, audited, and only admins may create it', async () => {
    const res = await createToken('widgets', adminToken, { name: 'jenkins', expiresInDays: 30 });
    expect(res.status).toBe(201);
    const token: string = res.body.token;
    expect(token).toMatch(/^assay_upl_[A-Za-z0-9_-]{43}$/);
    expect(res.body).toEqual({
      id: expect.any(String),
      name: 'jenkins',
      repository: 'acme/widgets',
      prefix: token.slice(0, 14),
      expiresAt: expect.any(String),
      lastUsedAt: null,
      revokedAt: null,
      createdAt: expect.any(String),
      token,
    });
    const days = (Date.parse(res.body.expiresAt) - Date.parse(res.body.createdAt)) / 86_400_000;
    expect(Math.round(days)).toBe(30);
    const row = await withSystem(runtime.db, (trx) =>
      trx.selectFrom('upload_tokens').selectAll().where('id', '=', res.body.id).executeTakeFirstOrThrow(),
    );
    expect(row.token_hash).toBe(hashToken(token));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.repository_id).toBe(ids.repoA.id);
    const audit = await withSystem(runtime.db, (trx) =>
      trx
        .selectFrom('audit_events')
        .selectAll()
        .where('action', '=', 'upload_token.created')
        .where('target_id', '=', res.body.id)
        .executeTakeFirstOrThrow(),
    );
    expect(audit.actor_login).toBe('ada');
    expect(JSON.stringify(audit.details)).not.toContain(token);

    expect((await createToken('widgets', memberToken)).status).toBe(403);
    expect((await createToken('no-such-repo')).status).toBe(404);
  });

  it('gets URLs for its own repository with the SHA from the body, tied to the open PR', async () => {
    const { token } = (await createToken('widgets')).body;
    const res = await upload(token, { kind: 'junit', sha: SHA, runId: 'jenkins-42' });
    expect(res.status).toBe(201);
    expect(res.body.key).toMatch(/^orgs\/acme\/repos\/widgets\/runs\/jenkins-42\/junit\/[0-9a-f-]{36}\.xml$/);
    expect(res.body.pullNumber).toBe(7);
    const put = await fetch(res.body.url, { method: 'PUT', headers: res.body.headers, body: JUNIT });
    expect(put.status).toBe(200);
    expect(await listObjectKeys('orgs/acme/repos/widgets/runs/jenkins-42/')).toEqual([res.body.key]);
    const run = await withSystem(runtime.db, (trx) =>
      trx.selectFrom('ci_runs').selectAll().where('run_id', '=', 'jenkins-42').executeTakeFirstOrThrow(),
    );
    expect(run).toMatchObject({ repository_id: ids.repoA.id, auth_kind: 'upload_token', pull_number: 7 });

    const generated = await upload(token, { kind: 'code-health', sha: OTHER_SHA });
    expect(generated.status).toBe(201);
    expect(generated.body.runId).toMatch(/^[0-9a-f-]{36}$/);
    expect(generated.body.pullNumber).toBeNull();
  });

  it('needs the SHA, and a run id cannot be re-pointed at another commit', async () => {
    const { token } = (await createToken('widgets')).body;
    const missing = await upload(token, { kind: 'junit' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toEqual([{ path: 'body.sha', message: expect.any(String) }]);
    expect((await upload(token, { kind: 'junit', sha: SHA, runId: 'fixed' })).status).toBe(201);
    const moved = await upload(token, { kind: 'junit', sha: OTHER_SHA, runId: 'fixed' });
    expect(moved.status).toBe(409);
    expect(moved.body.error.code).toBe('run_sha_mismatch');
  });

  it('for repository A never yields a URL for repository B', async () => {
    const { token } = (await createToken('widgets')).body;
    for (const field of ['repository', 'repo', 'owner']) {
      const res = await upload(token, { kind: 'junit', sha: SHA, [field]: 'acme/gadgets' });
      expect({ field, status: res.status }).toEqual({ field, status: 400 });
    }
    // A run id that looks like another repository's path stays a run id under repository A.
    expect((await upload(token, { kind: 'junit', sha: SHA, runId: '../../gadgets' })).status).toBe(400);
    const res = await upload(token, { kind: 'junit', sha: SHA, runId: 'gadgets' });
    expect(res.status).toBe(201);
    expect(res.body.key.startsWith('orgs/acme/repos/widgets/runs/gadgets/')).toBe(true);
    const runsOfB = await withSystem(runtime.db, (trx) =>
      trx.selectFrom('ci_runs').select('run_id').where('repository_id', '=', ids.repoB.id).execute(),
    );
    expect(runsOfB.map((r) => r.run_id)).toEqual(['555-1']);
    // And a token of repository B cannot be revoked through repository A's path.
    const tokenB = (await createToken('gadgets')).body;
    expect((await api(adminToken, 'DELETE', `/repos/acme/widgets/upload-tokens/${tokenB.id}`)).status).toBe(
      404,
    );
    expect((await upload(tokenB.token, { kind: 'junit', sha: SHA })).body.key).toMatch(
      /^orgs\/acme\/repos\/gadgets\//,
    );
  });

  it('stops working once revoked (audited) or expired (401)', async () => {
    const created = (await createToken('widgets')).body;
    expect((await upload(created.token, { kind: 'junit', sha: SHA })).status).toBe(201);
    expect((await api(memberToken, 'DELETE', `/repos/acme/widgets/upload-tokens/${created.id}`)).status).toBe(
      403,
    );
    expect((await api(adminToken, 'DELETE', `/repos/acme/widgets/upload-tokens/${created.id}`)).status).toBe(
      204,
    );
    expect((await api(adminToken, 'DELETE', `/repos/acme/widgets/upload-tokens/${created.id}`)).status).toBe(
      204,
    );
    const revoked = await upload(created.token, { kind: 'junit', sha: SHA });
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.code).toBe('invalid_token');
    const audits = await withSystem(runtime.db, (trx) =>
      trx
        .selectFrom('audit_events')
        .select('action')
        .where('target_id', '=', created.id)
        .orderBy('id')
        .execute(),
    );
    expect(audits.map((a) => a.action)).toEqual(['upload_token.created', 'upload_token.revoked']);

    const expiring = (await createToken('widgets')).body;
    await withSystem(runtime.db, (trx) =>
      trx
        .updateTable('upload_tokens')
        .set({ expires_at: sql<Date>`now() - interval '1 second'` })
        .where('id', '=', expiring.id)
        .execute(),
    );
    expect((await upload(expiring.token, { kind: 'junit', sha: SHA })).status).toBe(401);
    expect((await upload('assay_upl_made-up-token', { kind: 'junit', sha: SHA })).status).toBe(401);
  });

  it('answers 403 once its repository left the installation', async () => {
    const extra = await seedRepo(runtime.db, ids.org, ids.installation, 'acme', 'leaving');
    const { token } = (await createToken('leaving')).body;
    expect((await upload(token, { kind: 'junit', sha: SHA })).status).toBe(201);
    await withSystem(runtime.db, (trx) =>
      trx.updateTable('repositories').set({ removed_at: new Date() }).where('id', '=', extra.id).execute(),
    );
    expect((await upload(token, { kind: 'junit', sha: SHA })).status).toBe(403);
  });
});
