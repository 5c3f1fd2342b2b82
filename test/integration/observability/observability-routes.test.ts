import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomSha } from '../../../infra/local/github-double/index.ts';
import { withSystem } from '../../../shared/db/tenant.ts';
import { callApi } from '../../support/api-client.ts';
import { auditEventsOf, seedApiToken, seedOrg } from '../../support/identity.ts';
import {
  fail,
  junit,
  pass,
  startValidationHarness,
  type ValidationHarness,
} from '../../support/validation-harness.ts';

let h: ValidationHarness;
let orgId: string;
let admin: string;
let viewer: string;
let stranger: string;
let pullSha: string;
let loneSha: string;
const api = (token: string, method: string, path: string) => callApi(h.runtime.url, token, method, path);

beforeAll(async () => {
  h = await startValidationHarness();
  const org = await withSystem(h.runtime.db, (trx) =>
    trx.selectFrom('orgs').select('id').where('login', '=', 'acme').executeTakeFirstOrThrow(),
  );
  orgId = org.id;
  admin = (await seedApiToken(h.runtime.db, orgId, 'admin')).token;
  viewer = (await seedApiToken(h.runtime.db, orgId, 'viewer')).token;
  const otherOrg = await seedOrg(h.runtime.db, 'globex');
  stranger = (await seedApiToken(h.runtime.db, otherOrg, 'owner')).token;

  pullSha = await h.openPull();
  await h.upload(pullSha, '501', junit(pass('T1::shows an error') + fail('T2::accepts a valid email')));
  await h.upload(pullSha, '502', 'this is not xml');
  // A push to the default branch: a commit no pull request has.
  loneSha = randomSha();
  await h.upload(loneSha, '503', junit(pass('T1::shows an error')), { ref: 'refs/heads/main' });
}, 120_000);

afterAll(async () => {
  await h.dispose();
});

describe('repositories', () => {
  it('lists the organisation’s repositories with their counts and last validation', async () => {
    const res = await api(viewer, 'GET', '/orgs/acme/repos');
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.repositories).toHaveLength(1);
    const [repo] = res.body.repositories;
    expect(repo).toMatchObject({
      fullName: 'acme/widgets',
      counts: { openIssuesWithChecklists: 1, openPulls: 1 },
    });
    // The latest validation is the push's (after the pull request's report).
    expect(repo.lastValidation?.headSha ?? null).not.toBe(undefined);
  });

  it('pages with a cursor and refuses one it never returned', async () => {
    const first = await api(viewer, 'GET', '/orgs/acme/repos?limit=1');
    expect(first.body.repositories).toHaveLength(1);
    const bad = await api(viewer, 'GET', '/orgs/acme/repos?cursor=NOT%20A%20NAME');
    expect(bad.status).toBe(400);
  });

  it('shows one repository, 404 for an unknown one and for another organisation', async () => {
    const one = await api(viewer, 'GET', '/repos/acme/widgets');
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      fullName: 'acme/widgets',
      defaultBranch: 'main',
      private: expect.any(Boolean),
    });
    expect((await api(viewer, 'GET', '/repos/acme/nope')).status).toBe(404);
    expect((await api(stranger, 'GET', '/repos/acme/widgets')).status).toBe(404);
  });
});

describe('ci-runs', () => {
  it('lists every upload with its status, reason and counts, newest first', async () => {
    const res = await api(viewer, 'GET', '/repos/acme/widgets/ci-runs');
    expect(res.status).toBe(200);
    const uploads = res.body.uploads as Array<Record<string, unknown>>;
    expect(uploads.map((u) => u.runId)).toEqual(['503-1', '502-1', '501-1']);
    expect(uploads[1]).toMatchObject({
      status: 'invalid',
      kind: 'junit',
      reason: expect.stringContaining('not XML'),
    });
    expect(uploads[2]).toMatchObject({ status: 'processed', headSha: pullSha, reason: null });
    expect(uploads[2]?.counts).toMatchObject({ tests: 2, failed: 1 });
  });

  it('filters by sha and by pull request, and pages', async () => {
    const bySha = await api(viewer, 'GET', `/repos/acme/widgets/ci-runs?sha=${loneSha}`);
    expect(bySha.body.uploads.map((u: { runId: string }) => u.runId)).toEqual(['503-1']);
    const byPull = await api(viewer, 'GET', `/repos/acme/widgets/ci-runs?pull=${h.lastPull}`);
    expect(byPull.body.uploads.map((u: { runId: string }) => u.runId)).toEqual(['502-1', '501-1']);
    const first = await api(viewer, 'GET', '/repos/acme/widgets/ci-runs?limit=2');
    expect(first.body.uploads).toHaveLength(2);
    const second = await api(
      viewer,
      'GET',
      `/repos/acme/widgets/ci-runs?limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.uploads.map((u: { runId: string }) => u.runId)).toEqual(['501-1']);
    expect(second.body.nextCursor).toBeNull();
  });
});

describe('commit validation', () => {
  it('shows a pull request head’s validation with its reports and pull request', async () => {
    const res = await api(viewer, 'GET', `/repos/acme/widgets/commits/${pullSha}/validation`);
    expect(res.status).toBe(200);
    expect(res.body.validation.conclusion).toBe('failure');
    expect(res.body.validation.items.map((i: { tid: string; status: string }) => [i.tid, i.status])).toEqual([
      ['T1', 'passed'],
      ['T2', 'failed'],
    ]);
    expect(res.body.reports.map((r: { status: string }) => r.status)).toEqual(['processed', 'invalid']);
    expect(res.body.pulls).toEqual([{ number: h.lastPull, state: 'open' }]);
  });

  it('shows a commit without a pull request, and an unknown commit as nothing received', async () => {
    const lone = await api(viewer, 'GET', `/repos/acme/widgets/commits/${loneSha.toUpperCase()}/validation`);
    expect(lone.status).toBe(200);
    expect(lone.body.headSha).toBe(loneSha);
    expect(lone.body.pulls).toEqual([]);
    expect(lone.body.reports).toEqual([expect.objectContaining({ runId: '503-1', status: 'processed' })]);
    const unknown = await api(viewer, 'GET', `/repos/acme/widgets/commits/${randomSha()}/validation`);
    expect(unknown.body).toMatchObject({ validation: null, reports: [], codeHealth: null, pulls: [] });
    expect((await api(viewer, 'GET', '/repos/acme/widgets/commits/xyz/validation')).status).toBe(400);
  });
});

describe('webhook deliveries', () => {
  it('are for admins: a viewer gets 403, another organisation 404', async () => {
    expect((await api(viewer, 'GET', '/orgs/acme/webhook-deliveries')).status).toBe(403);
    expect((await api(stranger, 'GET', '/orgs/acme/webhook-deliveries')).status).toBe(404);
  });

  it('lists deliveries newest first with status, filters and a cursor', async () => {
    const res = await api(admin, 'GET', '/orgs/acme/webhook-deliveries');
    expect(res.status).toBe(200);
    const deliveries = res.body.deliveries as Array<Record<string, unknown>>;
    expect(deliveries.map((d) => d.event)).toEqual(['pull_request', 'issues']);
    expect(deliveries[0]).toMatchObject({ action: 'opened', status: 'processed', reason: null });
    expect(deliveries[0]?.processedAt).toEqual(expect.any(String));
    const issues = await api(admin, 'GET', '/orgs/acme/webhook-deliveries?event=issues');
    expect(issues.body.deliveries.map((d: { event: string }) => d.event)).toEqual(['issues']);
    const ignored = await api(admin, 'GET', '/orgs/acme/webhook-deliveries?status=ignored');
    expect(ignored.body.deliveries).toEqual([]);
    const first = await api(admin, 'GET', '/orgs/acme/webhook-deliveries?limit=1');
    const second = await api(
      admin,
      'GET',
      `/orgs/acme/webhook-deliveries?limit=1&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.deliveries.map((d: { event: string }) => d.event)).toEqual(['issues']);
  });

  it('redelivers one (audited), which is processed again', async () => {
    const [latest] = (await api(admin, 'GET', '/orgs/acme/webhook-deliveries?event=issues')).body.deliveries;
    const res = await api(admin, 'POST', `/orgs/acme/webhook-deliveries/${latest.id}/redeliver`);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ id: latest.id, status: 'received', processedAt: null });
    await h.drain();
    const after = (await api(admin, 'GET', '/orgs/acme/webhook-deliveries?event=issues')).body.deliveries[0];
    expect(after).toMatchObject({ id: latest.id, status: 'processed' });
    expect(after.attempts).toBe(latest.attempts + 1);
    const audit = await auditEventsOf(h.runtime.db, orgId, 'webhook.redelivered');
    expect(audit).toEqual([expect.objectContaining({ target_id: latest.id })]);
    expect(
      (await api(admin, 'POST', '/orgs/acme/webhook-deliveries/no-such-delivery/redeliver')).status,
    ).toBe(404);
    expect((await api(viewer, 'POST', `/orgs/acme/webhook-deliveries/${latest.id}/redeliver`)).status).toBe(
      403,
    );
  });
});
