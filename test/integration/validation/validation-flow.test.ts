import { randomUUID } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countLocalMessages, sendLocalMessage } from '../../../shared/adapters/local-queue-store.ts';
import { createS3Client } from '../../../shared/adapters/object-store.ts';
import { getConfig } from '../../../shared/config.ts';
import { FakeGitHub, type FakeIssue, randomSha } from '../../support/fake-github/index.ts';
import { type FakeOidcIssuer, startFakeOidcIssuer } from '../../support/fake-oidc/index.ts';
import { seedApiToken } from '../../support/identity.ts';
import { startTestRuntime, type TestRuntime } from '../../support/test-runtime.ts';
import { postWebhook, TEST_WEBHOOK_SECRET } from '../../support/webhooks.ts';

let runtime: TestRuntime;
let github: FakeGitHub;
let oidc: FakeOidcIssuer;
let issue: FakeIssue;

const repository = {
  id: 9301,
  name: 'widgets',
  full_name: 'acme/widgets',
  default_branch: 'main',
  owner: { id: 58, login: 'acme', type: 'Organization' },
};

const junit = (cases: string) =>
  `<?xml version="1.0"?>\n<testsuites><testsuite name="signup">${cases}</testsuite></testsuites>\n`;
const pass = (name: string) => `<testcase classname="signup" name="${name}" time="0.01"/>`;
const fail = (name: string) =>
  `<testcase classname="signup" name="${name}" file="src/signup/email.test.ts" line="12"><failure message="expected error">boom</failure></testcase>`;

async function drain() {
  for (;;) {
    const moved =
      (await runtime.queues.pollOnce('intake')) +
      (await runtime.queues.pollOnce('checklist')) +
      (await runtime.queues.pollOnce('manifest')) +
      (await runtime.queues.pollOnce('reports')) +
      (await runtime.queues.pollOnce('validation'));
    if (moved === 0) return;
  }
}

let lastPull = 0;

async function openPull(): Promise<string> {
  const pull = github.state.addPull('acme/widgets', {
    title: 'Email validation',
    body: `Fixes #${issue.number}`,
    headSha: randomSha(),
    files: 1,
  });
  await postWebhook(runtime.url, 'pull_request', {
    action: 'opened',
    installation: { id: 8181 },
    repository,
    pull_request: {
      number: pull.number,
      title: pull.title,
      state: 'open',
      head: { sha: pull.pull!.headSha, ref: pull.pull!.headRef },
      base: { ref: 'main' },
    },
  });
  await drain();
  lastPull = pull.number;
  return pull.pull!.headSha;
}

async function uploadReport(sha: string, runId: string, xml: string): Promise<string> {
  const jwt = await oidc.sign({ repository: 'acme/widgets', sha, run_id: runId, run_attempt: '1' });
  const res = await fetch(`${runtime.url}/ci/uploads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${jwt}` },
    body: JSON.stringify({ kind: 'junit' }),
  });
  if (res.status !== 201) throw new Error(`upload refused: ${res.status} ${await res.text()}`);
  const presigned = (await res.json()) as { url: string; headers: Record<string, string>; key: string };
  const put = await fetch(presigned.url, { method: 'PUT', headers: presigned.headers, body: xml });
  expect(put.status).toBe(200);
  await waitForReportEvent();
  await drain();
  return presigned.key;
}

async function waitForReportEvent() {
  const deadline = Date.now() + 10_000;
  while ((await countLocalMessages(runtime.db, 'reports')).visible === 0) {
    if (Date.now() > deadline) throw new Error('no object-created event');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const checkOf = (sha: string) => github.state.checkRunsOf('acme/widgets').filter((c) => c.headSha === sha);

beforeAll(async () => {
  github = await new FakeGitHub().start();
  github.state.addInstallation({ id: 8181, account: 'acme', repositories: ['widgets'] });
  oidc = await startFakeOidcIssuer();
  process.env.ASSAY_GITHUB_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET;
  process.env.ASSAY_GITHUB_API_URL = github.url;
  process.env.ASSAY_GITHUB_APP_ID = github.credentials.appId;
  process.env.ASSAY_GITHUB_PRIVATE_KEY = github.credentials.privateKey;
  process.env.ASSAY_GITHUB_OIDC_ISSUER = oidc.issuer;
  process.env.ASSAY_GITHUB_OIDC_JWKS_URL = oidc.jwksUrl;
  runtime = await startTestRuntime({ autoStart: false });
  issue = github.state.addIssue('acme/widgets', {
    title: 'Validate emails',
    body: '## Acceptance criteria\n- User sees an error when the email is invalid\n- Valid emails are accepted\n',
  });
  await postWebhook(runtime.url, 'issues', {
    action: 'opened',
    installation: { id: 8181 },
    repository,
    issue: { number: issue.number, title: issue.title, state: 'open' },
  });
  await drain();
});

afterAll(async () => {
  await runtime.dispose();
  await github.stop();
  await oidc.close();
});

describe('CI reports to a concluded check', () => {
  it('concludes success when every criterion has only passing tests', async () => {
    const sha = await openPull();
    expect(checkOf(sha)[0]).toMatchObject({ status: 'in_progress' });
    await uploadReport(sha, '1001', junit(pass('T1::shows an error') + pass('T2::accepts a valid email')));
    const [check] = checkOf(sha);
    expect(check).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(check!.output.summary).toContain('**T1**');
    expect(checkOf(sha)).toHaveLength(1);
  });

  it('concludes failure with the failed test as an annotation', async () => {
    const sha = await openPull();
    await uploadReport(sha, '1002', junit(pass('T1::shows an error') + fail('T2::accepts a valid email')));
    const [check] = checkOf(sha);
    expect(check).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(check!.annotations).toEqual([
      expect.objectContaining({
        path: 'src/signup/email.test.ts',
        start_line: 12,
        annotation_level: 'failure',
      }),
    ]);
  });

  it('asks for action when a criterion has no test', async () => {
    const sha = await openPull();
    await uploadReport(sha, '1003', junit(pass('T1::shows an error')));
    expect(checkOf(sha)[0]).toMatchObject({ conclusion: 'action_required' });
    const validation = await runtime.db
      .selectFrom('validations')
      .select(['items', 'conclusion'])
      .where('head_sha', '=', sha)
      .executeTakeFirstOrThrow();
    expect((validation.items as { tid: number; status: string }[]).map((i) => [i.tid, i.status])).toEqual([
      [1, 'passed'],
      [2, 'missing'],
    ]);
  });

  it('merges two matrix reports of one SHA and flags a test that both passed and failed as flaky', async () => {
    const sha = await openPull();
    await uploadReport(sha, '1004', junit(pass('T1::shows an error') + fail('T2::accepts a valid email')));
    await uploadReport(sha, '1005', junit(pass('T1::shows an error') + pass('T2::accepts a valid email')));
    const validation = await runtime.db
      .selectFrom('validations')
      .select(['items', 'reports'])
      .where('head_sha', '=', sha)
      .executeTakeFirstOrThrow();
    expect(validation.reports).toBe(2);
    const t2 = (validation.items as { tid: number; status: string; flaky: boolean }[]).find(
      (i) => i.tid === 2,
    );
    expect(t2).toMatchObject({ status: 'failed', flaky: true });
    expect(checkOf(sha)[0]).toMatchObject({ conclusion: 'failure' });
  });

  it('changes nothing when the same object is processed again, and discards objects under keys never issued', async () => {
    const sha = await openPull();
    const key = await uploadReport(sha, '1006', junit(pass('T1::a') + pass('T2::b')));
    const writes = github.writes.length;
    const record = {
      eventName: 'ObjectCreated:Put',
      s3: { bucket: { name: getConfig().ASSAY_S3_BUCKET }, object: { key, size: 10 } },
    };
    await sendLocalMessage(runtime.db, 'reports', JSON.stringify({ Records: [record] }));
    await drain();
    expect(github.writes.length).toBe(writes);

    const s3 = createS3Client(getConfig());
    const rogue = `orgs/acme/repos/widgets/runs/${randomUUID()}/junit/rogue.xml`;
    await s3.send(
      new PutObjectCommand({ Bucket: getConfig().ASSAY_S3_BUCKET, Key: rogue, Body: junit(pass('T1::x')) }),
    );
    await waitForReportEvent();
    await drain();
    await expect(
      s3.send(new GetObjectCommand({ Bucket: getConfig().ASSAY_S3_BUCKET, Key: rogue })),
    ).rejects.toThrow();
  });

  it('marks an invalid report invalid with its reason, and a workflow run without a report says so', async () => {
    const sha = await openPull();
    const key = await uploadReport(sha, '1007', '<testsuites><testsuite><testcase name="T1::x"');
    const upload = await runtime.db
      .selectFrom('ci_uploads')
      .select(['status', 'error'])
      .where('object_key', '=', key)
      .executeTakeFirstOrThrow();
    expect(upload.status).toBe('invalid');
    expect(upload.error).toBeTruthy();

    const quiet = await openPull();
    await postWebhook(runtime.url, 'workflow_run', {
      action: 'completed',
      installation: { id: 8181 },
      repository,
      workflow_run: { id: 77, head_sha: quiet, pull_requests: [] },
    });
    await drain();
    expect(checkOf(quiet)[0]).toMatchObject({
      status: 'completed',
      conclusion: 'action_required',
      output: { title: 'No test report arrived' },
    });
  });

  it('ticks the proven boxes in the issue checklist when the pull request merges', async () => {
    const sha = await openPull();
    await uploadReport(sha, '1008', junit(pass('T1::shows an error') + pass('T2::accepts a valid email')));
    const before = github.state.commentsOn('acme/widgets', issue.number)[0]!.body;
    expect(before).toContain('- [ ] **T1**');
    await postWebhook(runtime.url, 'pull_request', {
      action: 'closed',
      installation: { id: 8181 },
      repository,
      pull_request: {
        number: lastPull,
        title: 'Email validation',
        state: 'closed',
        merged: true,
        merged_at: new Date().toISOString(),
        head: { sha, ref: 'feature' },
        base: { ref: 'main' },
      },
    });
    await drain();
    const after = github.state.commentsOn('acme/widgets', issue.number);
    expect(after).toHaveLength(1);
    expect(after[0]!.body).toContain('- [x] **T1**');
    expect(after[0]!.body).toContain('- [x] **T2**');
  });

  it('flags a pull request for merge only when green, lets an admin override with a reason, audits both, and revalidates on request', async () => {
    const org = await runtime.db
      .selectFrom('orgs')
      .select('id')
      .where('login', '=', 'acme')
      .executeTakeFirstOrThrow();
    const member = (await seedApiToken(runtime.db, org.id, 'member')).token;
    const admin = (await seedApiToken(runtime.db, org.id, 'admin')).token;
    const flag = (pull: number, token: string, body: unknown) =>
      fetch(`${runtime.url}/api/v1/repos/acme/widgets/pulls/${pull}/flag-for-merge`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    const green = await openPull();
    await uploadReport(green, '1009', junit(pass('T1::a') + pass('T2::b')));
    const ok = await flag(lastPull, member, {});
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      flagged: true,
      headSha: green,
      conclusion: 'success',
      override: false,
    });

    const red = await openPull();
    await uploadReport(red, '1010', junit(pass('T1::a') + fail('T2::b')));
    const refused = await flag(lastPull, member, {});
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('validation_not_green');
    expect((await flag(lastPull, member, { override: true, reason: 'hotfix' })).status).toBe(403);
    expect((await flag(lastPull, admin, { override: true })).status).toBe(400);
    const overridden = await flag(lastPull, admin, { override: true, reason: 'hotfix for an outage' });
    expect(overridden.status).toBe(200);
    expect(((await overridden.json()) as { override: boolean }).override).toBe(true);
    const audit = await runtime.db
      .selectFrom('audit_events')
      .select(['action', 'details'])
      .where('action', 'like', 'pull.%')
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual([
      'pull.flagged_for_merge',
      'pull.flagged_for_merge_override',
    ]);

    const revalidate = await fetch(`${runtime.url}/api/v1/repos/acme/widgets/pulls/${lastPull}/revalidate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${member}` },
    });
    expect(revalidate.status).toBe(202);
    expect((await countLocalMessages(runtime.db, 'manifest')).visible).toBe(1);
    await drain();
    expect(checkOf(red)).toHaveLength(1);
    expect(checkOf(red)[0]).toMatchObject({ conclusion: 'failure' });
  });
});
