import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomSha } from '../../../infra/local/github-double/index.ts';
import { createResultSink } from '../../../shared/analytics/ingest.ts';
import { addDays, rollupAll, rollupRepository, utcDay } from '../../../shared/analytics/rollup.service.ts';
import { withSystem, withTenant } from '../../../shared/db/tenant.ts';
import { callApi } from '../../support/api-client.ts';
import { seedApiToken } from '../../support/identity.ts';
import {
  fail,
  junit,
  pass,
  startValidationHarness,
  type ValidationHarness,
} from '../../support/validation-harness.ts';

let h: ValidationHarness;
let orgId: string;
let repositoryId: string;
let viewer: string;
let admin: string;
let member: string;
const api = (path: string, token = viewer) => callApi(h.runtime.url, token, 'GET', path);
const patchSettings = (body: unknown, token = admin) =>
  callApi(h.runtime.url, token, 'PATCH', '/repos/acme/widgets/settings', body);
const summaryOf = (sha: string) => h.checkOf(sha)[0]?.output.summary ?? '';
type TestRow = { id: string; name: string; flaky: boolean; runs: number; lastStatus: string } & Record<
  string,
  unknown
>;
const testNamed = async (name: string, query = '') => {
  const res = await api(`/repos/acme/widgets/tests?q=${encodeURIComponent(name)}${query}`);
  return (res.body.tests as TestRow[]).find((t) => t.name === name);
};

beforeAll(async () => {
  h = await startValidationHarness();
  const ids = await withSystem(h.runtime.db, (trx) =>
    trx
      .selectFrom('repositories')
      .select(['id', 'org_id'])
      .where('full_name', '=', 'acme/widgets')
      .executeTakeFirstOrThrow(),
  );
  orgId = ids.org_id;
  repositoryId = ids.id;
  viewer = (await seedApiToken(h.runtime.db, orgId, 'viewer')).token;
  member = (await seedApiToken(h.runtime.db, orgId, 'member')).token;
  admin = (await seedApiToken(h.runtime.db, orgId, 'admin')).token;
});

afterAll(async () => {
  await h.dispose();
});

describe('test history and flaky detection', () => {
  it('keeps every result of every report, and an untagged failing test now blocks the check (`all` mode)', async () => {
    const sha = await h.openPull();
    await h.upload(
      sha,
      '2001',
      junit(pass('T1::shows an error') + pass('T2::accepts a valid email') + fail('legacy import')),
    );
    const check = h.checkOf(sha)[0]!;
    // Before issue 19 an untagged failure did not affect the conclusion: both criteria pass, yet it fails.
    expect(check).toMatchObject({ conclusion: 'failure' });
    expect(check.output.title).toBe('Failing tests block the check');
    expect(summaryOf(sha)).toContain('Gate: **all failing tests** block (`all`)');
    expect(summaryOf(sha)).toMatch(/\*\*Blocking tests\*\* \(1\)[\s\S]*`signup › legacy import` \| failed/);

    const list = await api('/repos/acme/widgets/tests');
    expect(list.status).toBe(200);
    expect(list.body.windowDays).toBe(14);
    expect((list.body.tests as TestRow[]).map((t) => t.name)).toEqual([
      'legacy import',
      'T1::shows an error',
      'T2::accepts a valid email',
    ]);
    expect(await testNamed('legacy import')).toMatchObject({
      suite: 'signup',
      classname: 'signup',
      tids: [],
      runs: 1,
      passed: 0,
      failed: 1,
      failureRate: 1,
      flaky: false,
      lastStatus: 'failed',
      medianDurationMs: null,
    });
    expect(await testNamed('T1::shows an error')).toMatchObject({
      tids: ['T1'],
      runs: 1,
      medianDurationMs: 10,
    });
  });

  it('flags a test that passed and failed on one SHA (a matrix job) as flaky, with its history newest first', async () => {
    const sha = await h.openPull();
    const before = new Date();
    await h.upload(sha, '2101', junit(pass('T1::shows an error') + pass('T2::accepts a valid email')));
    await h.upload(sha, '2102', junit(pass('T1::shows an error') + fail('T2::accepts a valid email')));
    const t2 = await testNamed('T2::accepts a valid email');
    expect(t2).toMatchObject({ runs: 3, passed: 2, failed: 1, flaky: true, lastStatus: 'failed' });
    // Two commits ran it, one of them flaky.
    expect(t2!.flakyRate).toBe(0.5);
    const flaky = await api('/repos/acme/widgets/tests?flaky');
    expect((flaky.body.tests as TestRow[]).map((t) => t.name)).toEqual(['T2::accepts a valid email']);
    const failing = await api('/repos/acme/widgets/tests?failing=true');
    expect((failing.body.tests as TestRow[]).map((t) => t.name).sort()).toEqual([
      'T2::accepts a valid email',
      'legacy import',
    ]);

    const history = await api(`/repos/acme/widgets/tests/${t2!.id}/history?limit=2`);
    expect(history.status).toBe(200);
    expect(history.body.test).toMatchObject({ id: t2!.id, flaky: true });
    expect(history.body.results).toEqual([
      expect.objectContaining({
        status: 'failed',
        sha,
        runId: '2102-1',
        pullNumber: h.lastPull,
        branch: `feature-${h.lastPull}`,
      }),
      expect.objectContaining({ status: 'passed', sha, runId: '2101-1' }),
    ]);
    expect(new Date(history.body.results[0].recordedAt).getTime()).toBeGreaterThanOrEqual(
      before.getTime() - 1000,
    );
    const rest = await api(
      `/repos/acme/widgets/tests/${t2!.id}/history?limit=2&cursor=${history.body.nextCursor}`,
    );
    expect(rest.body.results).toEqual([expect.objectContaining({ status: 'passed', runId: '2001-1' })]);
    expect(rest.body.nextCursor).toBeNull();
    const flakyRows = await withTenant(h.runtime.db, orgId, (trx) =>
      trx
        .selectFrom('test_flaky_shas')
        .select(['head_sha', 'reason'])
        .where('test_case_id', '=', t2!.id)
        .execute(),
    );
    expect(flakyRows).toEqual([{ head_sha: sha, reason: 'passed_and_failed' }]);
  });

  it('a test that passed only on a retry is flaky on its commit', async () => {
    const sha = await h.openPull();
    await h.upload(
      sha,
      '2201',
      junit(
        `${pass('T1::a') + pass('T2::b')}<testcase classname="signup" name="retried once"><flakyFailure message="x"/></testcase>`,
      ),
    );
    expect(await testNamed('retried once')).toMatchObject({
      flaky: true,
      lastStatus: 'passed',
      flakyRate: 1,
    });
    expect(h.checkOf(sha)[0]).toMatchObject({ conclusion: 'success' });
  });

  it('stores a 10 KB name truncated with a hash identity, and two such names stay two tests', async () => {
    const sha = await h.openPull();
    const long = 'n'.repeat(10 * 1024);
    await h.upload(
      sha,
      '2301',
      junit(pass('T1::a') + pass('T2::b') + pass(`${long} one`) + pass(`${long} two`)),
    );
    const res = await api('/repos/acme/widgets/tests?q=nnnnnnnnnn');
    const tests = res.body.tests as TestRow[];
    expect(tests).toHaveLength(2);
    for (const t of tests) expect(t).toMatchObject({ truncated: true, runs: 1 });
    expect(tests[0]!.name).toHaveLength(1000);
  });

  it('stores a report of thousands of results in batches, and nothing of a report that turns out invalid', async () => {
    const sha = await h.openPull();
    const many = Array.from({ length: 2_500 }, (_, i) => pass(`bulk ${String(i).padStart(4, '0')}`)).join('');
    await h.upload(sha, '2401', junit(pass('T1::a') + pass('T2::b') + many));
    const stored = await withTenant(h.runtime.db, orgId, (trx) =>
      trx
        .selectFrom('test_results as r')
        .innerJoin('ci_uploads as u', 'u.id', 'r.upload_id')
        .innerJoin('ci_runs as c', 'c.id', 'u.ci_run_id')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('c.run_id', '=', '2401-1')
        .executeTakeFirstOrThrow(),
    );
    expect(stored.n).toBe(2_502);
    // Cut off after 1,500 more cases: invalid, and none of its results remain or count.
    const truncated = junit(
      Array.from({ length: 1_500 }, (_, i) => pass(`bulk ${String(i).padStart(4, '0')}`)).join(''),
    ).slice(0, -40);
    await h.upload(sha, '2402', truncated);
    const after = await withTenant(h.runtime.db, orgId, async (trx) => ({
      results: await trx
        .selectFrom('test_results as r')
        .innerJoin('ci_uploads as u', 'u.id', 'r.upload_id')
        .innerJoin('ci_runs as c', 'c.id', 'u.ci_run_id')
        .select(['u.status', sql<number>`count(*)::int`.as('n')])
        .where('c.run_id', '=', '2402-1')
        .groupBy('u.status')
        .execute(),
      status: await trx
        .selectFrom('ci_uploads as u')
        .innerJoin('ci_runs as c', 'c.id', 'u.ci_run_id')
        .select('u.status')
        .where('c.run_id', '=', '2402-1')
        .executeTakeFirstOrThrow(),
    }));
    expect(after.status.status).toBe('invalid');
    expect(after.results).toEqual([]);
    expect(await testNamed('bulk 0001')).toMatchObject({ runs: 1 });
  });

  it('a retried ingest (the consumer crashed after writing batches) inserts nothing twice', async () => {
    const upload = await withTenant(h.runtime.db, orgId, (trx) =>
      trx
        .selectFrom('ci_uploads as u')
        .innerJoin('ci_runs as c', 'c.id', 'u.ci_run_id')
        .select('u.id')
        .where('c.run_id', '=', '2001-1')
        .executeTakeFirstOrThrow(),
    );
    const count = () =>
      withTenant(h.runtime.db, orgId, (trx) =>
        trx
          .selectFrom('test_results')
          .select(sql<number>`count(*)::int`.as('n'))
          .where('upload_id', '=', upload.id)
          .executeTakeFirstOrThrow(),
      );
    const before = await count();
    const sink = createResultSink(h.runtime.db, { orgId, repositoryId, uploadId: upload.id }, 2);
    for (const name of ['T1::shows an error', 'T2::accepts a valid email', 'legacy import'])
      await sink.add({
        suite: 'signup',
        classname: 'signup',
        name,
        status: 'passed',
        flaky: false,
        tids: [],
      });
    await sink.flush();
    expect(await count()).toEqual(before);
    expect(before.n).toBe(3);
  });

  it('answers 404 for an unknown repository or test and 400 for a cursor it did not give', async () => {
    expect((await api('/repos/acme/nope/tests')).status).toBe(404);
    expect((await api('/repos/acme/widgets/tests/00000000-0000-4000-8000-000000000000/history')).status).toBe(
      404,
    );
    expect((await api('/repos/acme/widgets/tests?cursor=bogus')).status).toBe(400);
    expect((await api('/repos/acme/widgets/tests?flaky=maybe')).status).toBe(400);
  });
});

describe('test identity with files, and retries inside one report (issue 28)', () => {
  const inFile = (file: string, name: string, body = '') =>
    `<testcase classname="signup" name="${name}" file="${file}" time="0.02">${body}</testcase>`;
  const both = pass('T1::shows an error') + pass('T2::accepts a valid email');

  it('keeps the same name in two files apart: two tests, neither flaky, the failing one blocks', async () => {
    const sha = await h.openPull();
    const report = junit(
      both +
        inFile('src/header/a.test.tsx', 'renders the title') +
        inFile('/home/runner/work/widgets/widgets/src/header/b.test.tsx', 'renders the title', '<failure/>'),
    );
    await h.upload(sha, '2601', report);
    await h.upload(sha, '2602', report);
    const res = await api('/repos/acme/widgets/tests?q=renders%20the%20title');
    const tests = (res.body.tests as TestRow[]).sort((a, b) => String(a.file).localeCompare(String(b.file)));
    expect(tests.map((t) => [t.file, t.runs, t.lastStatus, t.flaky])).toEqual([
      ['src/header/a.test.tsx', 2, 'passed', false],
      ['src/header/b.test.tsx', 2, 'failed', false],
    ]);
    expect(h.checkOf(sha)[0]).toMatchObject({ conclusion: 'failure' });
    expect(summaryOf(sha)).toMatch(/\*\*Blocking tests\*\* \(1\)/);
  });

  it('a criterion tagged on the same name in two files is failed, not flaky, when one of them fails', async () => {
    const sha = await h.openPull();
    await h.upload(
      sha,
      '2611',
      junit(
        pass('T1::shows an error') +
          inFile('src/a.test.ts', 'T2::same name, two files') +
          inFile('src/b.test.ts', 'T2::same name, two files', '<failure/>'),
      ),
    );
    const check = h.checkOf(sha)[0]!;
    expect(check.conclusion).toBe('failure');
    expect(check.output.summary).toMatch(/\*\*T2\*\* .*❌ failed \| 1\/2 passed \|/);
    expect(check.output.summary).not.toMatch(/\*\*T2\*\*.*flaky/);
  });

  it("keeps a test's history when its reports start giving its file", async () => {
    const sha = await h.openPull();
    await h.upload(sha, '2621', junit(both + pass('history carried over')));
    const before = await testNamed('history carried over');
    expect(before).toMatchObject({ file: null, runs: 1 });
    await h.upload(sha, '2622', junit(both + inFile('src/history.test.ts', 'history carried over')));
    // A report without the file again (another job's reporter): the only test of that name.
    await h.upload(sha, '2623', junit(both + pass('history carried over')));
    const after = await testNamed('history carried over');
    expect(after).toMatchObject({ id: before!.id, file: 'src/history.test.ts', runs: 3 });
  });

  it('a retry written as repeated testcases (failure, error, pass) is passed and flaky, like <flakyFailure>', async () => {
    const sha = await h.openPull();
    const attempt = (body: string) =>
      `<testcase classname="tests.test_mail" name="T2::retried in one report" file="tests/test_mail.py" time="0.5">${body}</testcase>`;
    await h.upload(
      sha,
      '2631',
      junit(
        pass('T1::shows an error') +
          attempt('<failure message="first attempt"/>') +
          pass('between the attempts') +
          attempt('<error message="second attempt"/>') +
          attempt(''),
      ),
    );
    const check = h.checkOf(sha)[0]!;
    expect(check.conclusion).toBe('success');
    expect(check.output.title).toBe('Every criterion is proven');
    expect(check.output.summary).toMatch(/\*\*T2\*\* .*✅ passed \| 1\/1 passed \(flaky\)/);
    // The failed attempt is not annotated: the test passed in the end.
    expect(check.annotations).toEqual([]);
    const test = await testNamed('T2::retried in one report');
    expect(test).toMatchObject({ runs: 1, passed: 1, failed: 0, flaky: true, lastStatus: 'passed' });
    const history = await api(`/repos/acme/widgets/tests/${test!.id}/history`);
    expect(
      (history.body.results as { status: string; retried: boolean; superseded: boolean }[]).map((r) => [
        r.status,
        r.retried,
        r.superseded,
      ]),
    ).toEqual([
      ['passed', true, false],
      ['errored', false, true],
      ['failed', false, true],
    ]);
    const flaky = await withTenant(h.runtime.db, orgId, (trx) =>
      trx.selectFrom('test_flaky_shas').select('reason').where('test_case_id', '=', test!.id).execute(),
    );
    expect(flaky).toEqual([{ reason: 'retried' }]);
  });

  it('a test that passed, then failed on its retry, fails (its last status) and is flaky', async () => {
    const sha = await h.openPull();
    const attempt = (body: string) =>
      `<testcase classname="signup" name="T2::passes then fails" file="tests/test_mail.py">${body}</testcase>`;
    await h.upload(sha, '2641', junit(pass('T1::shows an error') + attempt('') + attempt('<failure/>')));
    const check = h.checkOf(sha)[0]!;
    expect(check.conclusion).toBe('failure');
    expect(check.output.summary).toMatch(/\*\*T2\*\* .*❌ failed \| 0\/1 passed \(flaky\)/);
    expect(await testNamed('T2::passes then fails')).toMatchObject({
      runs: 1,
      failed: 1,
      flaky: true,
      lastStatus: 'failed',
    });
  });
});

describe('tests as people sort them (issue 31)', () => {
  const all = async (query: string, limit: number) => {
    const seen: TestRow[] = [];
    let cursor: string | null = null;
    do {
      const res = await api(
        `/repos/acme/widgets/tests?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      seen.push(...(res.body.tests as TestRow[]));
      cursor = res.body.nextCursor;
    } while (cursor !== null);
    return seen;
  };

  it.each([
    ['failureRate', 'failureRate'],
    ['flakyRate', 'flakyRate'],
    ['medianDuration', 'medianDurationMs'],
    ['lastFailure', 'lastFailedAt'],
  ])('sorts by %s, worst first, and pages through every test once', async (sort, field) => {
    // `q=t`: the named tests, not the 2,500 bulk ones.
    const whole = await all(`sort=${sort}&q=t`, 200);
    const paged = await all(`sort=${sort}&q=t`, 3);
    expect(paged.map((t) => t.id)).toEqual(whole.map((t) => t.id));
    expect(new Set(paged.map((t) => t.id)).size).toBe(paged.length);
    const values = paged.map((t) => t[field] as number | string | null);
    const present = values.filter((v) => v !== null);
    // Descending, tests without a value last.
    expect(values.slice(0, present.length)).toEqual(present);
    expect([...present].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0))).toEqual(present);
    expect(present.length).toBeGreaterThan(0);
    const ascending = await all(`sort=${sort}&order=asc&q=t`, 4);
    expect(ascending.map((t) => t.id).sort()).toEqual(paged.map((t) => t.id).sort());
  });

  it('filters by path prefix, and refuses a cursor of another order', async () => {
    const header = await all('path=src/header/', 1);
    expect(header.map((t) => [t.name, t.file]).sort()).toEqual([
      ['renders the title', 'src/header/a.test.tsx'],
      ['renders the title', 'src/header/b.test.tsx'],
    ]);
    expect(await all('path=src/header/a', 5)).toHaveLength(1);
    expect(await all('path=src%2Fheader%2F_', 5)).toHaveLength(0);
    const first = await api('/repos/acme/widgets/tests?sort=failureRate&limit=1');
    expect(
      (await api(`/repos/acme/widgets/tests?sort=flakyRate&cursor=${first.body.nextCursor}`)).status,
    ).toBe(400);
    expect((await api('/repos/acme/widgets/tests?sort=slowness')).status).toBe(400);
  });
});

describe('the regression-only gate', () => {
  const baseSha = randomSha();

  it('is an admin setting, returned with the repository', async () => {
    expect((await patchSettings({ gate: 'regressions' }, member)).status).toBe(403);
    expect((await patchSettings({})).status).toBe(400);
    expect((await patchSettings({ gate: 'sometimes' })).status).toBe(400);
    const saved = await patchSettings({ gate: 'regressions' });
    expect(saved).toMatchObject({
      status: 200,
      body: { gate: 'regressions', quarantineFlaky: false, testWorkflows: [] },
    });
    expect((await api('/repos/acme/widgets')).body).toMatchObject({
      gate: 'regressions',
      quarantineFlaky: false,
    });
    const audit = await withTenant(h.runtime.db, orgId, (trx) =>
      trx
        .selectFrom('audit_events')
        .select('details')
        .where('action', '=', 'repository.settings_updated')
        .orderBy('created_at', 'desc')
        .executeTakeFirstOrThrow(),
    );
    expect(audit.details).toEqual({ gate: 'regressions', previous: { gate: 'all' } });
  });

  it('blocks a test that did not fail on the base, and lists tests failing there as known failures', async () => {
    // The base branch ran at the merge base: `legacy import` already failing there.
    await h.upload(
      baseSha,
      '3001',
      junit(
        pass('T1::shows an error') +
          pass('T2::accepts a valid email') +
          fail('legacy import') +
          pass('checkout total'),
      ),
      { ref: 'refs/heads/main' },
    );
    const sha = await h.openPull({ baseSha });
    await h.upload(
      sha,
      '3002',
      junit(
        pass('T1::shows an error') +
          pass('T2::accepts a valid email') +
          fail('legacy import') +
          fail('checkout total'),
      ),
    );
    expect(h.checkOf(sha)[0]).toMatchObject({ conclusion: 'failure' });
    const summary = summaryOf(sha);
    expect(summary).toContain('Gate: **regressions only** (`regressions`)');
    expect(summary).toContain(`Base: \`${baseSha.slice(0, 7)}\` on \`main\` (the merge base)`);
    expect(summary).toMatch(/\*\*Blocking tests\*\* \(1\)[\s\S]*checkout total` \| failed \| ✅ passed/);
    expect(summary).toMatch(/\*\*Known failures[^*]*\*\* \(1\)[\s\S]*legacy import` \| failed \| ❌ failed/);
  });

  it('passes a pull request whose only failure is a known one', async () => {
    const sha = await h.openPull({ baseSha });
    await h.upload(
      sha,
      '3101',
      junit(pass('T1::shows an error') + pass('T2::accepts a valid email') + fail('legacy import')),
    );
    expect(h.checkOf(sha)[0]).toMatchObject({ conclusion: 'success' });
    expect(summaryOf(sha)).toContain('0 blocking test(s), 1 known failure(s), 0 quarantined');
  });

  it('a criterion failing only through a known failure is not proven: action required', async () => {
    await h.upload(baseSha, '3201', junit(fail('T2::accepts a valid email')), { ref: 'refs/heads/main' });
    const sha = await h.openPull({ baseSha });
    await h.upload(sha, '3202', junit(pass('T1::shows an error') + fail('T2::accepts a valid email')));
    expect(h.checkOf(sha)[0]).toMatchObject({ conclusion: 'action_required' });
  });

  it('a test quarantined by its owner never blocks until its expiry, then is back in the gate', async () => {
    const entry = {
      name: 'checkout total',
      owner: '@acme/checkout',
      reason: 'Payment sandbox is down',
      expires: '2999-12-31',
    };
    expect((await patchSettings({ quarantine: [entry] }, member)).status).toBe(403);
    expect((await patchSettings({ quarantine: [{ ...entry, expires: '2027-02-30' }] })).status).toBe(400);
    expect((await patchSettings({ quarantine: [{ ...entry, owner: '' }] })).status).toBe(400);
    const saved = await patchSettings({ quarantine: [entry] });
    expect(saved.body.quarantine).toEqual([entry]);
    const audit = await withTenant(h.runtime.db, orgId, (trx) =>
      trx
        .selectFrom('audit_events')
        .select('details')
        .where('action', '=', 'repository.settings_updated')
        .orderBy('created_at', 'desc')
        .executeTakeFirstOrThrow(),
    );
    expect(audit.details).toEqual({ quarantine: [entry], previous: { quarantine: [] } });
    const sha = await h.openPull({ baseSha });
    const report = junit(
      pass('T1::shows an error') + pass('T2::accepts a valid email') + fail('checkout total'),
    );
    await h.upload(sha, '3291', report);
    expect(h.checkOf(sha)[0]).toMatchObject({ conclusion: 'success' });
    expect(summaryOf(sha)).toMatch(
      /\*\*Quarantined tests — not blocking\*\* \(1\)[\s\S]*checkout total` \| failed \| @acme\/checkout \| 2999-12-31 \| Payment sandbox is down \|/,
    );
    // Expired yesterday: the same failure blocks again.
    await patchSettings({ quarantine: [{ ...entry, expires: '2020-01-01' }] });
    const again = await h.openPull({ baseSha });
    await h.upload(again, '3292', report);
    expect(h.checkOf(again)[0]).toMatchObject({ conclusion: 'failure' });
    expect(summaryOf(again)).toMatch(/\*\*Blocking tests\*\* \(1\)[\s\S]*checkout total/);
    await patchSettings({ quarantine: [] });
  });

  it('with quarantineFlaky, a test flaky on the head does not block (listed)', async () => {
    expect((await patchSettings({ quarantineFlaky: true })).body).toMatchObject({
      gate: 'regressions',
      quarantineFlaky: true,
    });
    const sha = await h.openPull({ baseSha });
    await h.upload(
      sha,
      '3301',
      junit(pass('T1::shows an error') + pass('T2::accepts a valid email') + fail('checkout total')),
    );
    await h.upload(sha, '3302', junit(pass('checkout total')));
    expect(h.checkOf(sha)[0]).toMatchObject({ conclusion: 'success' });
    expect(summaryOf(sha)).toMatch(/\*\*Quarantined flaky tests[^*]*\*\* \(1\)[\s\S]*checkout total/);
    await patchSettings({ gate: 'all', quarantineFlaky: false });
  });
});

describe('one branch', () => {
  it('counts, and takes the last status on, only the branch asked for', async () => {
    // On main: run 3001 (T1, T2, checkout total pass; legacy import fails), then 3201 (T2 fails).
    const main = await api('/repos/acme/widgets/tests?branch=main');
    expect((main.body.tests as TestRow[]).map((t) => [t.name, t.runs, t.lastStatus])).toEqual([
      ['checkout total', 1, 'passed'],
      ['legacy import', 1, 'failed'],
      ['T1::shows an error', 1, 'passed'],
      ['T2::accepts a valid email', 2, 'failed'],
    ]);
    const failing = await api('/repos/acme/widgets/tests?branch=main&failing');
    expect((failing.body.tests as TestRow[]).map((t) => t.name)).toEqual([
      'legacy import',
      'T2::accepts a valid email',
    ]);
    expect((await api('/repos/acme/widgets/tests?branch=no-such-branch')).body.tests).toEqual([]);
  });
});

describe('metrics from the daily rollup', () => {
  it('reflects processed reports straight away, without waiting for the schedule', async () => {
    const reports = await withTenant(h.runtime.db, orgId, (trx) =>
      trx
        .selectFrom('ci_uploads')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('kind', '=', 'junit')
        .where('status', '=', 'processed')
        .executeTakeFirstOrThrow(),
    );
    // The schedule never ran in this runtime: every figure comes from the rollup done at ingest.
    const metrics = await api('/repos/acme/widgets/metrics');
    expect(metrics.body.tests.runs).toBe(reports.n);
    expect(metrics.body.tests.results).toBeGreaterThan(2_500);
    expect(metrics.body.trend).toEqual([
      expect.objectContaining({ day: utcDay(new Date()), runs: reports.n }),
    ]);
    expect(metrics.body.rolledUpAt).not.toBeNull();
    expect((await api('/orgs/acme/metrics')).body.tests.runs).toBe(reports.n);
  });

  it('rolls up idempotently and serves repository and organisation metrics', async () => {
    await rollupAll(h.runtime.db);
    const first = await api('/repos/acme/widgets/metrics');
    await rollupAll(h.runtime.db);
    const metrics = await api('/repos/acme/widgets/metrics');
    expect(metrics.status).toBe(200);
    expect({ ...metrics.body, rolledUpAt: null }).toEqual({ ...first.body, rolledUpAt: null });
    const counts = await withTenant(h.runtime.db, orgId, (trx) =>
      trx
        .selectFrom('ci_uploads')
        .select([sql<number>`count(*)::int`.as('reports')])
        .where('kind', '=', 'junit')
        .where('status', '=', 'processed')
        .executeTakeFirstOrThrow(),
    );
    const results = await withTenant(h.runtime.db, orgId, (trx) =>
      trx
        .selectFrom('test_results')
        .select(sql<number>`count(*)::int`.as('n'))
        // Earlier attempts of a test retried within its report are not results of their own.
        .where('superseded', '=', false)
        .executeTakeFirstOrThrow(),
    );
    const today = utcDay(new Date());
    expect(metrics.body).toMatchObject({
      from: addDays(today, -29),
      to: today,
      branch: null,
      criteria: { active: 2 },
      tests: { runs: counts.reports, results: results.n, medianDurationMs: 10 },
      trend: [expect.objectContaining({ day: today, runs: counts.reports })],
    });
    expect(metrics.body.flaky.tests).toBeGreaterThanOrEqual(3);
    expect(metrics.body.pullRequests.validated).toBeGreaterThan(0);
    expect(metrics.body.tests.passRate).toBeGreaterThan(0);
    expect(metrics.body.tests.passRate).toBeLessThan(1);
    // T1 passes and T2 fails at the latest results on main.
    expect(metrics.body.criteria).toMatchObject({ proven: 1, failing: 1, missing: 0, coverage: 0.5 });

    const main = await api('/repos/acme/widgets/metrics?branch=main');
    expect(main.body.tests.runs).toBe(2);
    const org = await api('/orgs/acme/metrics');
    expect(org.status).toBe(200);
    expect(org.body.tests).toEqual(metrics.body.tests);
    expect(org.body.criteria).toEqual(metrics.body.criteria);
  });

  it('fills the days a missed schedule left out', async () => {
    const today = utcDay(new Date());
    await withTenant(h.runtime.db, orgId, async (trx) => {
      await trx.deleteFrom('analytics_daily').where('repository_id', '=', repositoryId).execute();
      await trx
        .insertInto('analytics_daily')
        .values({
          org_id: orgId,
          repository_id: repositoryId,
          branch: '*',
          day: addDays(today, -3),
          reports: 0,
          results: 0,
          passed: 0,
          failed: 0,
          errored: 0,
          skipped: 0,
          median_duration_ms: null,
          flaky_tests: 0,
          criteria_active: 0,
          criteria_proven: 0,
        })
        .execute();
    });
    expect(await rollupRepository(h.runtime.db, { orgId, repositoryId }, today)).toBe(4);
    const res = await api(`/repos/acme/widgets/metrics?from=${addDays(today, -3)}&to=${today}`);
    expect((res.body.trend as { day: string }[]).map((d) => d.day)).toEqual([
      addDays(today, -3),
      addDays(today, -2),
      addDays(today, -1),
      today,
    ]);
  });

  it('refuses a range backwards or over a year, and an unknown repository', async () => {
    expect((await api('/repos/acme/widgets/metrics?from=2026-03-02&to=2026-03-01')).status).toBe(400);
    expect((await api('/repos/acme/widgets/metrics?from=2025-01-01&to=2026-03-01')).status).toBe(400);
    expect((await api('/repos/acme/widgets/metrics?from=2026-02-30')).status).toBe(400);
    expect((await api('/orgs/acme/metrics?from=2025-01-01&to=2026-03-01')).status).toBe(400);
    expect((await api('/repos/acme/nope/metrics')).status).toBe(404);
    expect((await api('/repos/acme/widgets/metrics?from=2026-01-01&to=2026-12-31')).status).toBe(200);
  });
});
