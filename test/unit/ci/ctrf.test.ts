import { describe, expect, it } from 'vitest';
import { parseCtrf } from '../../../shared/reports/ctrf/index.ts';
import type { JUnitTestCase } from '../../../shared/reports/junit/index.ts';

const report = (tests: unknown[]) =>
  JSON.stringify({ results: { tool: { name: 'playwright' }, summary: {}, tests } });

describe('parseCtrf', () => {
  it('maps statuses, suites, files, flakiness and TIDs as JUnit does', async () => {
    const seen: JUnitTestCase[] = [];
    const result = await parseCtrf(
      report([
        { name: 'T1::shows an error', status: 'passed', duration: 12.4, suite: ['signup', 'email'] },
        {
          name: 'rejects',
          status: 'failed',
          duration: 3,
          message: 'expected 1',
          trace: 'at a (x.ts:1)\nat b (y.ts:2)',
          filePath: 'src/x.test.ts',
          line: 7,
          tags: ['@T2'],
        },
        { name: 'times out', status: 'failed', rawStatus: 'timedOut', duration: 1, extra: { tid: 'T3' } },
        { name: 'retried [T4]', status: 'passed', duration: 1, retries: 2, flaky: true },
        { name: 'later', status: 'pending', duration: 0 },
        { name: 'odd', status: 'other', duration: 0 },
      ]),
      { onTestCase: (t) => void seen.push(t) },
    );
    expect(result).toMatchObject({
      valid: true,
      tests: 6,
      passed: 2,
      failed: 1,
      errored: 1,
      skipped: 2,
      flaky: 1,
    });
    expect(seen.map((t) => [t.status, t.tids])).toEqual([
      ['passed', ['T1']],
      ['failed', ['T2']],
      ['errored', ['T3']],
      ['passed', ['T4']],
      ['skipped', []],
      ['skipped', []],
    ]);
    expect(seen[0]).toMatchObject({ suite: 'signup › email', durationMs: 12 });
    expect(seen[1]).toMatchObject({
      file: 'src/x.test.ts',
      line: 7,
      message: 'expected 1\nat a (x.ts:1)\nat b (y.ts:2)',
    });
  });

  it('says what is wrong with a file that is not CTRF', async () => {
    expect(await parseCtrf('')).toMatchObject({ valid: false, reason: 'empty file' });
    expect(await parseCtrf('{nope')).toMatchObject({ valid: false });
    expect(await parseCtrf('{"results": {}}')).toMatchObject({
      valid: false,
      reason: expect.stringContaining('CTRF'),
    });
    expect(await parseCtrf(report([{ status: 'passed' }]))).toMatchObject({
      valid: false,
      reason: expect.stringContaining('results.tests[0]'),
    });
    expect(await parseCtrf(report([]), { maxBytes: 10 })).toMatchObject({ valid: false });
  });
});
