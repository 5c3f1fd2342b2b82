import { randomUUID } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countLocalMessages, sendLocalMessage } from '../../../shared/adapters/local-queue-store.ts';
import { createS3Client } from '../../../shared/adapters/object-store.ts';
import { getConfig } from '../../../shared/config.ts';
import { withSystem } from '../../../shared/db/tenant.ts';
import { seedApiToken } from '../../support/identity.ts';
import {
  fail,
  junit,
  pass,
  repository,
  startValidationHarness,
  type ValidationHarness,
} from '../../support/validation-harness.ts';
import { postWebhook } from '../../support/webhooks.ts';

let h: ValidationHarness;
const openPull = () => h.openPull();
const uploadReport = (sha: string, runId: string, xml: string) => h.upload(sha, runId, xml);
const checkOf = (sha: string) => h.checkOf(sha);
const drain = () => h.drain();

beforeAll(async () => {
  h = await startValidationHarness();
});

afterAll(async () => {
  await h.dispose();
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
    const validation = await withSystem(h.runtime.db, (trx) =>
      trx
        .selectFrom('validations')
        .select(['items', 'conclusion'])
        .where('head_sha', '=', sha)
        .executeTakeFirstOrThrow(),
    );
    expect((validation.items as { tid: number; status: string }[]).map((i) => [i.tid, i.status])).toEqual([
      [1, 'passed'],
      [2, 'missing'],
    ]);
  });

  it('merges two matrix reports of one SHA and flags a test that both passed and failed as flaky', async () => {
    const sha = await openPull();
    await uploadReport(sha, '1004', junit(pass('T1::shows an error') + fail('T2::accepts a valid email')));
    await uploadReport(sha, '1005', junit(pass('T1::shows an error') + pass('T2::accepts a valid email')));
    const validation = await withSystem(h.runtime.db, (trx) =>
      trx
        .selectFrom('validations')
        .select(['items', 'reports'])
        .where('head_sha', '=', sha)
        .executeTakeFirstOrThrow(),
    );
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
    const writes = h.github.writes.length;
    const record = {
      eventName: 'ObjectCreated:Put',
      s3: { bucket: { name: getConfig().ASSAY_S3_BUCKET }, object: { key, size: 10 } },
    };
    await sendLocalMessage(h.runtime.db, 'reports', JSON.stringify({ Records: [record] }));
    await drain();
    expect(h.github.writes.length).toBe(writes);

    const s3 = createS3Client(getConfig());
    const rogue = `orgs/acme/repos/widgets/runs/${randomUUID()}/junit/rogue.xml`;
    await s3.send(
      new PutObjectCommand({ Bucket: getConfig().ASSAY_S3_BUCKET, Key: rogue, Body: junit(pass('T1::x')) }),
    );
    await h.waitForReportEvent();
    await drain();
    await expect(
      s3.send(new GetObjectCommand({ Bucket: getConfig().ASSAY_S3_BUCKET, Key: rogue })),
    ).rejects.toThrow();
  });

  it('marks an invalid report invalid with its reason, and a workflow run without a report says so', async () => {
    const sha = await openPull();
    const key = await uploadReport(sha, '1007', '<testsuites><testsuite><testcase name="T1::x"');
    const upload = await withSystem(h.runtime.db, (trx) =>
      trx
        .selectFrom('ci_uploads')
        .select(['status', 'error'])
        .where('object_key', '=', key)
        .executeTakeFirstOrThrow(),
    );
    expect(upload.status).toBe('invalid');
    expect(upload.error).toBeTruthy();

    const quiet = await openPull();
    await postWebhook(h.runtime.url, 'workflow_run', {
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
    const before = h.github.state.commentsOn('acme/widgets', h.issue.number)[0]!.body;
    expect(before).toContain('- [ ] **T1**');
    await postWebhook(h.runtime.url, 'pull_request', {
      action: 'closed',
      installation: { id: 8181 },
      repository,
      pull_request: {
        number: h.lastPull,
        title: 'Email validation',
        state: 'closed',
        merged: true,
        merged_at: new Date().toISOString(),
        head: { sha, ref: 'feature' },
        base: { ref: 'main' },
      },
    });
    await drain();
    const after = h.github.state.commentsOn('acme/widgets', h.issue.number);
    expect(after).toHaveLength(1);
    expect(after[0]!.body).toContain('- [x] **T1**');
    expect(after[0]!.body).toContain('- [x] **T2**');
  });

  it('flags a pull request for merge only when green, lets an admin override with a reason, audits both, and revalidates on request', async () => {
    const org = await withSystem(h.runtime.db, (trx) =>
      trx.selectFrom('orgs').select('id').where('login', '=', 'acme').executeTakeFirstOrThrow(),
    );
    const member = (await seedApiToken(h.runtime.db, org.id, 'member')).token;
    const admin = (await seedApiToken(h.runtime.db, org.id, 'admin')).token;
    const flag = (pull: number, token: string, body: unknown) =>
      fetch(`${h.runtime.url}/api/v1/repos/acme/widgets/pulls/${pull}/flag-for-merge`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    const green = await openPull();
    await uploadReport(green, '1009', junit(pass('T1::a') + pass('T2::b')));
    const ok = await flag(h.lastPull, member, {});
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      flagged: true,
      headSha: green,
      conclusion: 'success',
      override: false,
    });

    const red = await openPull();
    await uploadReport(red, '1010', junit(pass('T1::a') + fail('T2::b')));
    const refused = await flag(h.lastPull, member, {});
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('validation_not_green');
    expect((await flag(h.lastPull, member, { override: true, reason: 'hotfix' })).status).toBe(403);
    expect((await flag(h.lastPull, admin, { override: true })).status).toBe(400);
    const overridden = await flag(h.lastPull, admin, { override: true, reason: 'hotfix for an outage' });
    expect(overridden.status).toBe(200);
    expect(((await overridden.json()) as { override: boolean }).override).toBe(true);
    const audit = await withSystem(h.runtime.db, (trx) =>
      trx
        .selectFrom('audit_events')
        .select(['action', 'details'])
        .where('action', 'like', 'pull.%')
        .execute(),
    );
    expect(audit.map((a) => a.action).sort()).toEqual([
      'pull.flagged_for_merge',
      'pull.flagged_for_merge_override',
    ]);

    const revalidate = await fetch(
      `${h.runtime.url}/api/v1/repos/acme/widgets/pulls/${h.lastPull}/revalidate`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${member}` },
      },
    );
    expect(revalidate.status).toBe(202);
    expect((await countLocalMessages(h.runtime.db, 'manifest')).visible).toBe(1);
    await drain();
    expect(checkOf(red)).toHaveLength(1);
    expect(checkOf(red)[0]).toMatchObject({ conclusion: 'failure' });
  });
});

describe('a completed check run is final (GitHub keeps its state), so a new result is a new check run', () => {
  const pullEvent = (action: string, number: number) => h.pullEvent(action, number);

  it('a pull request that first linked no issue does not keep its neutral check once it links one', async () => {
    const pull = h.github.state.addPull('acme/widgets', {
      title: 'Tidy up',
      body: 'No issue yet',
      headRef: 'tidy-up',
      files: 1,
    });
    const sha = pull.pull!.headSha;
    await pullEvent('opened', pull.number);
    await drain();
    expect(checkOf(sha)).toHaveLength(1);
    expect(checkOf(sha)[0]).toMatchObject({ status: 'completed', conclusion: 'neutral' });

    pull.body = `Fixes #${h.issue.number}`;
    await pullEvent('edited', pull.number);
    await drain();
    // GitHub shows the newest check run of the name: now in progress, waiting for the report.
    expect(checkOf(sha)).toHaveLength(2);
    expect(checkOf(sha)[0]).toMatchObject({ status: 'in_progress', conclusion: null });
    expect(checkOf(sha)[1]).toMatchObject({ status: 'completed', conclusion: 'neutral' });

    await uploadReport(sha, '1101', junit(pass('T1::shows an error') + fail('T2::accepts a valid email')));
    expect(checkOf(sha)).toHaveLength(2);
    expect(checkOf(sha)[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
    const org = await withSystem(h.runtime.db, (trx) =>
      trx.selectFrom('orgs').select('id').where('login', '=', 'acme').executeTakeFirstOrThrow(),
    );
    const viewer = (await seedApiToken(h.runtime.db, org.id, 'viewer')).token;
    const api = await fetch(`${h.runtime.url}/api/v1/repos/acme/widgets/pulls/${pull.number}`, {
      headers: { authorization: `Bearer ${viewer}` },
    });
    expect(
      ((await api.json()) as { validation: { conclusion: string; checkRunId: number } }).validation,
    ).toEqual(expect.objectContaining({ conclusion: 'failure', checkRunId: checkOf(sha)[0]!.id }));
  });

  it('a check concluded early is not stuck: the next report of the SHA concludes a new check run', async () => {
    const sha = await openPull();
    await uploadReport(sha, '1102', junit(pass('T1::shows an error')));
    expect(checkOf(sha)).toHaveLength(1);
    expect(checkOf(sha)[0]).toMatchObject({ status: 'completed', conclusion: 'action_required' });
    const patchesBefore = h.github.writes.filter(
      (w) => w.method === 'PATCH' && w.path.includes('/check-runs/'),
    );

    await uploadReport(sha, '1103', junit(pass('T2::accepts a valid email')));
    expect(checkOf(sha)).toHaveLength(2);
    expect(checkOf(sha)[0]).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(checkOf(sha)[1]).toMatchObject({ status: 'completed', conclusion: 'action_required' });
    // Nothing tried to move the completed check back (GitHub would answer 200 and keep it).
    const patches = h.github.writes.filter((w) => w.method === 'PATCH' && w.path.includes('/check-runs/'));
    expect(patches.slice(patchesBefore.length)).toEqual([]);

    // The same result again (a redelivered workflow run, a re-run) adds no check run.
    await postWebhook(h.runtime.url, 'check_suite', {
      action: 'rerequested',
      installation: { id: 8181 },
      repository,
      check_suite: { head_sha: sha, pull_requests: [{ number: h.lastPull }] },
    });
    await drain();
    expect(checkOf(sha)).toHaveLength(2);
  });
});

describe('which workflow runs mean "no report came"', () => {
  const workflowRun = (
    sha: string,
    run: { id: number; name: string; path?: string; action: string; status?: string; conclusion?: string },
  ) =>
    postWebhook(h.runtime.url, 'workflow_run', {
      action: run.action,
      installation: { id: 8181 },
      repository,
      workflow_run: {
        id: run.id,
        name: run.name,
        path: run.path ?? `.github/workflows/${run.name}.yml`,
        head_sha: sha,
        status: run.status ?? run.action,
        conclusion: run.conclusion ?? null,
        pull_requests: [],
      },
    });

  it('a finished lint run does not conclude the check while the test run is still going', async () => {
    const sha = await openPull();
    await workflowRun(sha, { id: 501, name: 'test', action: 'requested', status: 'queued' });
    await workflowRun(sha, { id: 502, name: 'lint', action: 'completed', conclusion: 'success' });
    await drain();
    expect(checkOf(sha)).toHaveLength(1);
    expect(checkOf(sha)[0]).toMatchObject({
      status: 'in_progress',
      output: { title: 'Waiting for test report' },
    });
    expect(checkOf(sha)[0]!.output.summary).toContain('Runs seen: test (queued), lint (success).');

    // The test run finishes without uploading: now every run seen has completed.
    await workflowRun(sha, { id: 501, name: 'test', action: 'completed', conclusion: 'failure' });
    // An in_progress delivery arriving late does not reopen the completed run.
    await workflowRun(sha, { id: 501, name: 'test', action: 'in_progress', status: 'in_progress' });
    await drain();
    expect(checkOf(sha)[0]).toMatchObject({
      status: 'completed',
      conclusion: 'action_required',
      output: { title: 'No test report arrived' },
    });
    expect(checkOf(sha)[0]!.output.summary).toContain(
      'finished without uploading a test report. Runs seen: test (failure), lint (success).',
    );
  });

  it('with test workflows named in the repository setting, only those decide', async () => {
    const org = await withSystem(h.runtime.db, (trx) =>
      trx.selectFrom('orgs').select('id').where('login', '=', 'acme').executeTakeFirstOrThrow(),
    );
    const settings = (token: string, testWorkflows: string[]) =>
      fetch(`${h.runtime.url}/api/v1/repos/acme/widgets/settings`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ testWorkflows }),
      });
    const member = (await seedApiToken(h.runtime.db, org.id, 'member')).token;
    const admin = (await seedApiToken(h.runtime.db, org.id, 'admin')).token;
    expect((await settings(member, ['x'])).status).toBe(403);
    const saved = await settings(admin, [
      ' .github/workflows/ci-tests.yml ',
      '.github/workflows/ci-tests.yml',
    ]);
    expect(saved.status).toBe(200);
    // The gate settings (issue 19) are part of the same settings, unchanged by a PUT that leaves them out.
    const gateDefaults = {
      gate: 'all',
      quarantineFlaky: false,
      quarantine: [],
      failureComment: true,
      forkTrust: 'trusted_sha',
    };
    expect(await saved.json()).toEqual({
      testWorkflows: ['.github/workflows/ci-tests.yml'],
      ...gateDefaults,
    });
    const read = await fetch(`${h.runtime.url}/api/v1/repos/acme/widgets/settings`, {
      headers: { authorization: `Bearer ${member}` },
    });
    expect(await read.json()).toEqual({ testWorkflows: ['.github/workflows/ci-tests.yml'], ...gateDefaults });
    const sha = await openPull();
    await workflowRun(sha, { id: 601, name: 'lint', action: 'completed', conclusion: 'success' });
    await drain();
    expect(checkOf(sha)[0]).toMatchObject({ status: 'in_progress' });
    await workflowRun(sha, {
      id: 602,
      name: 'CI Tests',
      path: '.github/workflows/ci-tests.yml@refs/heads/main',
      action: 'completed',
      conclusion: 'success',
    });
    await drain();
    expect(checkOf(sha)[0]).toMatchObject({ status: 'completed', conclusion: 'action_required' });
    expect(checkOf(sha)[0]!.output.summary).toContain('Every test workflow run of');
    expect(checkOf(sha)[0]!.output.summary).toContain('CI Tests (success, test workflow)');
    expect((await settings(admin, [])).status).toBe(200);
    const audit = await withSystem(h.runtime.db, (trx) =>
      trx
        .selectFrom('audit_events')
        .select('action')
        .where('action', '=', 'repository.settings_updated')
        .execute(),
    );
    expect(audit).toHaveLength(2);
  });
});

describe('annotation paths', () => {
  it('maps absolute and file:// JUnit paths to the repository, and lists what cannot be mapped in the summary', async () => {
    const sha = await openPull();
    const failing = (name: string, file: string, line: number) =>
      `<testcase classname="signup" name="${name}" file="${file}" line="${line}"><failure message="expected error">boom</failure></testcase>`;
    await uploadReport(
      sha,
      '1201',
      junit(
        failing('T1::shows an error', '/home/runner/work/widgets/widgets/src/signup/email.test.ts', 7) +
          failing('T2::accepts a valid email', 'D:\\a\\widgets\\widgets\\src\\signup\\valid.test.ts', 0) +
          failing('T2::also accepts', '/usr/lib/node_modules/jest/setup.js', 3),
      ),
    );
    const [check] = checkOf(sha);
    expect(check).toMatchObject({ conclusion: 'failure' });
    expect(check!.annotations.map((a) => [a.path, a.start_line, a.end_line])).toEqual([
      ['src/signup/email.test.ts', 7, 7],
      ['src/signup/valid.test.ts', 1, 1],
    ]);
    expect(check!.output.summary).toContain('Failed tests whose file is not a path in this repository');
    expect(check!.output.summary).toContain(
      '`/usr/lib/node_modules/jest/setup.js:3` signup › T2::also accepts',
    );
  });
});
