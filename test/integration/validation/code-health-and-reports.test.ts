import { DeleteObjectCommand, GetObjectTaggingCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomSha } from '../../../infra/local/github-double/index.ts';
import { countLocalMessages, sendLocalMessage } from '../../../shared/adapters/local-queue-store.ts';
import { createS3Client } from '../../../shared/adapters/object-store.ts';
import { getConfig } from '../../../shared/config.ts';
import { withSystem } from '../../../shared/db/tenant.ts';
import { RAW_REPORT_TAG } from '../../../shared/reports/retention.ts';
import { utf16 } from '../../support/encodings.ts';
import { seedApiToken } from '../../support/identity.ts';
import {
  fail,
  junit,
  pass,
  startValidationHarness,
  type ValidationHarness,
} from '../../support/validation-harness.ts';

let h: ValidationHarness;
let token: string;
let memberToken: string;

const api = async <T>(path: string): Promise<{ status: number; body: T }> => {
  const res = await fetch(`${h.runtime.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as T };
};

const codeHealthJson = (findings: { rule: string; severity: string; file?: string; line?: number }[]) =>
  JSON.stringify({ findings: findings.map((f) => ({ message: `${f.rule} here`, ...f })) });

const sarif = (level: string) =>
  JSON.stringify({
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: { driver: { name: 'ESLint', rules: [{ id: 'no-unused-vars' }] } },
        results: [
          {
            ruleId: 'no-unused-vars',
            level,
            message: { text: "'x' is assigned a value but never used." },
            locations: [
              { physicalLocation: { artifactLocation: { uri: 'src/a.ts' }, region: { startLine: 3 } } },
            ],
          },
        ],
      },
    ],
  });

interface RunView {
  runId: string;
  headSha: string;
  branch: string | null;
  pullNumber: number | null;
  reports: number;
  formats: string[];
  score: number;
  counts: Record<string, number>;
  findingsTotal: number;
  base: { branch: string; score: number | null; delta: number | null } | null;
}

beforeAll(async () => {
  h = await startValidationHarness();
  const org = await withSystem(h.runtime.db, (trx) =>
    trx.selectFrom('orgs').select('id').where('login', '=', 'acme').executeTakeFirstOrThrow(),
  );
  token = (await seedApiToken(h.runtime.db, org.id, 'viewer')).token;
  memberToken = (await seedApiToken(h.runtime.db, org.id, 'member')).token;
});

afterAll(async () => {
  await h.dispose();
});

describe('code health per run, against the base branch', () => {
  it('scores every code-health report of a run together and compares a pull request with its base branch', async () => {
    const mainSha = randomSha();
    await h.upload(
      mainSha,
      '5001',
      codeHealthJson([
        { rule: 'sql-injection', severity: 'high', file: 'src/db.ts', line: 4 },
        { rule: 'weak-hash', severity: 'high' },
      ]),
      { kind: 'code-health', ref: 'refs/heads/main' },
    );

    // A pull_request workflow builds GitHub's merge commit: its SHA is not the head.
    const head = await h.openPull({ headRef: 'feature/emails' });
    const merge = randomSha();
    const prRef = `refs/pull/${h.lastPull}/merge`;
    await h.upload(merge, '5002', codeHealthJson([{ rule: 'eval', severity: 'critical' }]), {
      kind: 'code-health',
      ref: prRef,
    });
    const sarifKey = await h.upload(merge, '5002', sarif('note'), { kind: 'code-health', ref: prRef });

    const list = await api<{ runs: RunView[]; nextCursor: string | null }>(
      '/api/v1/repos/acme/widgets/code-health',
    );
    expect(list.status).toBe(200);
    const [pr, main] = list.body.runs;
    // 100 − 10·log2(1+2) = 84.15 → 84; 100 − 25 − 1 (critical 1, low 1) = 74.
    expect(main).toMatchObject({
      runId: '5001-1',
      headSha: mainSha,
      branch: 'main',
      pullNumber: null,
      score: 84,
      reports: 1,
      base: { branch: 'main', score: null, delta: null },
    });
    expect(pr).toMatchObject({
      runId: '5002-1',
      headSha: head,
      branch: 'feature/emails',
      pullNumber: h.lastPull,
      reports: 2,
      score: 74,
      findingsTotal: 2,
      counts: expect.objectContaining({ critical: 1, low: 1 }),
      base: { branch: 'main', score: 84, delta: -10 },
    });
    expect(pr!.formats.sort()).toEqual(['code-health-json', 'sarif']);

    const detail = await api<RunView & { findings: { rule: string; severity: string; file?: string }[] }>(
      '/api/v1/repos/acme/widgets/code-health/5002-1',
    );
    expect(detail.status).toBe(200);
    expect(detail.body.findings.map((f) => [f.rule, f.severity]).sort()).toEqual([
      ['eval', 'critical'],
      ['no-unused-vars', 'low'],
    ]);
    expect((await api('/api/v1/repos/acme/widgets/code-health/9999')).status).toBe(404);
    expect((await api('/api/v1/repos/acme/widgets/code-health?branch=main')).body).toMatchObject({
      runs: [expect.objectContaining({ runId: '5001-1' })],
    });

    // The same object processed again changes nothing.
    await sendLocalMessage(
      h.runtime.db,
      'reports',
      JSON.stringify({
        Records: [
          {
            eventName: 'ObjectCreated:Put',
            s3: { bucket: { name: getConfig().ASSAY_S3_BUCKET }, object: { key: sarifKey, size: 100 } },
          },
        ],
      }),
    );
    await h.drain();
    const again = await api<{ runs: RunView[] }>('/api/v1/repos/acme/widgets/code-health');
    expect(again.body.runs[0]).toMatchObject({ reports: 2, score: 74, findingsTotal: 2 });

    // The test report of the same merge run validates the head, and the check shows the code health.
    await h.upload(merge, '5002', junit(pass('T1::shows an error') + pass('T2::accepts a valid email')), {
      ref: prRef,
    });
    const [check] = h.checkOf(head);
    expect(check).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(check!.output.summary).toContain('Code health: **74/100** (−10 against `main` at 84).');
  });
});

describe('the validation view the check links to', () => {
  it('lists every criterion with its status, the reports received and the link in the check', async () => {
    const head = await h.openPull();
    await h.upload(head, '5101', junit(pass('T1::shows an error') + fail('T2::accepts a valid email')));
    const view = await api<{
      headSha: string;
      current: boolean;
      validation: { conclusion: string; items: { tid: string; status: string; tests: number }[] };
      reports: { runId: string; kind: string; status: string }[];
      codeHealth: unknown;
    }>(`/api/v1/repos/acme/widgets/pulls/${h.lastPull}/validation`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ headSha: head, current: true, codeHealth: null });
    expect(view.body.validation.conclusion).toBe('failure');
    expect(view.body.validation.items.map((i) => [i.tid, i.status, i.tests])).toEqual([
      ['T1', 'passed', 1],
      ['T2', 'failed', 1],
    ]);
    expect(view.body.reports).toEqual([
      expect.objectContaining({ runId: '5101-1', kind: 'junit', status: 'processed' }),
    ]);

    const other = await api<{ validation: unknown; current: boolean }>(
      `/api/v1/repos/acme/widgets/pulls/${h.lastPull}/validation?sha=${randomSha()}`,
    );
    expect(other.body).toMatchObject({ validation: null, current: false });
    expect((await api('/api/v1/repos/acme/widgets/pulls/99999/validation')).status).toBe(404);

    const detailsUrl = h.checkOf(head)[0]!.detailsUrl;
    // The details link is the console's pull request page for that commit, served on the same origin.
    expect(new URL(detailsUrl!).pathname + new URL(detailsUrl!).search).toBe(
      `/repos/acme/widgets/pulls/${h.lastPull}?sha=${head}`,
    );
    const linked = await fetch(detailsUrl!);
    expect(linked.status).toBe(200);
    expect(linked.headers.get('content-type')).toContain('text/html');
  });

  it('sends 120 failed tests as annotations in requests of at most 50, and none twice when revalidated', async () => {
    const head = await h.openPull();
    const failures = Array.from({ length: 120 }, (_, i) => fail(`T1::case ${i}`, i + 1)).join('');
    await h.upload(head, '5201', junit(failures + pass('T2::accepts a valid email')));
    const [check] = h.checkOf(head);
    expect(check).toMatchObject({ conclusion: 'failure' });
    expect(check!.annotations).toHaveLength(120);
    expect(new Set(check!.annotations.map((a) => a.start_line)).size).toBe(120);

    // A second matrix report re-concludes the check: the 120 stay, one new failure is added once.
    await h.upload(head, '5202', junit(fail('T2::accepts a valid email', 999)));
    expect(h.checkOf(head)[0]!.annotations).toHaveLength(121);
  });
});

describe('raw report retention', () => {
  it('tags a handled report so the lifecycle rule may expire it, and keeps the validation once it has', async () => {
    const head = await h.openPull();
    const key = await h.upload(
      head,
      '5401',
      junit(pass('T1::shows an error') + pass('T2::accepts a valid email')),
    );
    const s3 = createS3Client(getConfig());
    const Bucket = getConfig().ASSAY_S3_BUCKET;
    const tags = await s3.send(new GetObjectTaggingCommand({ Bucket, Key: key }));
    expect(tags.TagSet).toEqual([{ Key: RAW_REPORT_TAG.key, Value: RAW_REPORT_TAG.value }]);

    await s3.send(new DeleteObjectCommand({ Bucket, Key: key }));
    const writes = h.github.writes.length;
    const revalidate = await fetch(
      `${h.runtime.url}/api/v1/repos/acme/widgets/pulls/${h.lastPull}/revalidate`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${memberToken}` },
      },
    );
    expect(revalidate.status).toBe(202);
    await h.drain();
    expect(h.checkOf(head)[0]).toMatchObject({ conclusion: 'success' });
    expect(h.github.writes.length).toBe(writes);
    // Handled, not failed: nothing waits for a retry.
    for (const queue of ['manifest', 'validation'] as const) {
      expect(await countLocalMessages(h.runtime.db, queue)).toEqual({ visible: 0, inFlight: 0, dead: 0 });
    }
  });
});

describe('hostile reports through the consumer', () => {
  it('marks a billion-laughs file and an external-entity file invalid, without memory growth, and still validates', async () => {
    const head = await h.openPull();
    const laughs = [
      '<?xml version="1.0"?>',
      '<!DOCTYPE lolz [',
      ' <!ENTITY lol "lol">',
      ...Array.from(
        { length: 9 },
        (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`,
      ),
      ']>',
      '<testsuites><testsuite name="x"><testcase name="T1::&lol9;"/></testsuite></testsuites>',
    ].join('\n');
    const external = [
      '<?xml version="1.0"?>',
      '<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>',
      '<testsuites><testsuite name="x"><testcase name="T1::read"><system-out>&xxe;</system-out></testcase></testsuite></testsuites>',
    ].join('\n');
    global.gc?.();
    const before = process.memoryUsage().rss;
    await h.upload(head, '5301', laughs);
    await h.upload(head, '5302', external);
    const growth = process.memoryUsage().rss - before;
    // A billion laughs expands to 3 GB; refusing the DOCTYPE keeps the process where it was.
    expect(growth).toBeLessThan(64 * 1024 * 1024);

    const view = await api<{ reports: { runId: string; status: string; error: string | null }[] }>(
      `/api/v1/repos/acme/widgets/pulls/${h.lastPull}/validation`,
    );
    expect(view.body.reports.map((r) => [r.runId, r.status])).toEqual([
      ['5301-1', 'invalid'],
      ['5302-1', 'invalid'],
    ]);
    for (const report of view.body.reports) expect(report.error).toMatch(/entit|DOCTYPE|DTD/i);
    expect(JSON.stringify(view.body)).not.toContain('root:');

    // Nothing else is affected: a good report for the same commit still concludes the check.
    await h.upload(head, '5303', junit(pass('T1::shows an error') + pass('T2::accepts a valid email')));
    expect(h.checkOf(head)[0]).toMatchObject({ conclusion: 'success' });
  });
});

describe('report encodings and SARIF baselines through the consumer', () => {
  it('reads UTF-16 JUnit and SARIF uploads (with and without BOM) and leaves fixed SARIF results out of the score', async () => {
    const head = await h.openPull();
    const report = junit(pass('T1::shows an error') + pass('T2::accepts a valid email')).replace(
      /^<\?xml[^>]*\?>/,
      '<?xml version="1.0" encoding="UTF-16"?>',
    );
    await h.upload(head, '5501', utf16(report, 'be', false));
    expect(h.checkOf(head)[0]).toMatchObject({ conclusion: 'success' });

    const baseline = JSON.stringify({
      version: '2.1.0',
      runs: [
        {
          tool: { driver: { name: 'CodeQL', rules: [{ id: 'js/xss' }] } },
          results: [
            { ruleId: 'js/xss', level: 'error', message: { text: 'new one' }, baselineState: 'new' },
            { ruleId: 'js/xss', level: 'error', message: { text: 'fixed' }, baselineState: 'absent' },
            {
              ruleId: 'js/xss',
              ruleIndex: 0,
              level: 'warning',
              message: { text: 'old one' },
              baselineState: 'unchanged',
              properties: { 'security-severity': 'n/a' },
            },
          ],
        },
      ],
    }).replace('"ruleIndex":0', '"ruleIndex":18446744073709551615');
    await h.upload(head, '5502', utf16(baseline, 'le', true), { kind: 'code-health' });
    const detail = await api<
      RunView & { findings: { message: string; severity: string; baselineState?: string }[] }
    >('/api/v1/repos/acme/widgets/code-health/5502-1');
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      findingsTotal: 2,
      counts: expect.objectContaining({ high: 1, medium: 1 }),
    });
    expect(detail.body.findings.map((f) => [f.message, f.severity, f.baselineState])).toEqual([
      ['new one', 'high', 'new'],
      ['old one', 'medium', 'unchanged'],
    ]);
    const uploads = await withSystem(h.runtime.db, (trx) =>
      trx
        .selectFrom('ci_uploads')
        .innerJoin('ci_runs', 'ci_runs.id', 'ci_uploads.ci_run_id')
        .select(['ci_uploads.status', 'ci_uploads.counts'])
        .where('ci_runs.run_id', 'in', ['5501-1', '5502-1'])
        .orderBy('ci_runs.run_id')
        .execute(),
    );
    expect(uploads.map((u) => u.status)).toEqual(['processed', 'processed']);
    expect(uploads[1]?.counts).toMatchObject({ findings: 2, newFindings: 1 });
  });
});
