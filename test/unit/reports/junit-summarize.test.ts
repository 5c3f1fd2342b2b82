import { describe, expect, it } from 'vitest';
import { IdentityFlags } from '../../../shared/reports/junit/identity-flags.ts';
import {
  parseJUnit,
  summarizeByTid,
  TidSummarizer,
  type TidTest,
} from '../../../shared/reports/junit/index.ts';
import { hash53 } from '../../../shared/reports/junit/strings.ts';

const t = (name: string, status: TidTest['status'], tids: string[], flaky = false): TidTest => ({
  suite: 's',
  classname: 'c',
  name,
  status,
  flaky,
  tids,
});

describe('summarizeByTid', () => {
  it('rolls tests up per TID with the status precedence', () => {
    const summary = summarizeByTid([
      t('a', 'passed', ['T1', 'T2']),
      t('b', 'failed', ['T2']),
      t('c', 'skipped', ['T3']),
      t('d', 'passed', ['T3']),
      t('e', 'errored', ['T4']),
      t('f', 'failed', ['T4']),
      t('g', 'skipped', ['T5']),
      t('untagged', 'failed', []),
    ]);
    expect(Object.fromEntries([...summary].map(([tid, s]) => [tid, s.status]))).toEqual({
      T1: 'passed',
      T2: 'failed',
      T3: 'skipped',
      T4: 'errored',
      T5: 'skipped',
    });
    expect(summary.get('T2')).toEqual({
      tid: 'T2',
      status: 'failed',
      tests: 2,
      passed: 1,
      failed: 1,
      errored: 0,
      skipped: 0,
      flaky: false,
    });
  });

  it('flags a TID flaky when a test passed after a rerun', () => {
    const summary = summarizeByTid([t('a', 'passed', ['T1'], true), t('b', 'passed', ['T1'])]);
    expect(summary.get('T1')).toMatchObject({ status: 'passed', flaky: true });
  });

  it('flags a test that both passed and failed across reports (matrix jobs) as flaky', () => {
    const summarizer = new TidSummarizer();
    summarizer.add(t('same', 'passed', ['T1']));
    summarizer.add(t('other', 'failed', ['T1']));
    expect(summarizer.summaries().get('T1')).toMatchObject({ status: 'failed', flaky: false });
    summarizer.add(t('same', 'errored', ['T1']));
    expect(summarizer.summaries().get('T1')).toMatchObject({ status: 'errored', flaky: true, tests: 3 });
    // A skip on one job and a pass on another is not flaky.
    summarizer.add(t('skips', 'skipped', ['T2']));
    summarizer.add(t('skips', 'passed', ['T2']));
    expect(summarizer.summaries().get('T2')).toMatchObject({ status: 'skipped', flaky: false });
    expect(summarizer.statuses()).toEqual({ T1: 'errored', T2: 'skipped' });
  });

  it('without identity bookkeeping keeps statuses and counts but no flip-flop flag', () => {
    const summarizer = new TidSummarizer({ flakyByIdentity: false });
    summarizer.add(t('same', 'passed', ['T1']));
    summarizer.add(t('same', 'failed', ['T1']));
    summarizer.add(t('rerun', 'passed', ['T2'], true));
    expect(summarizer.summaries().get('T1')).toMatchObject({
      status: 'failed',
      flaky: false,
      tests: 2,
      passed: 1,
    });
    expect(summarizer.summaries().get('T2')).toMatchObject({ status: 'passed', flaky: true });
    expect(summarizer.statuses()).toEqual({ T1: 'failed', T2: 'passed' });
  });

  it('works as onTestCase while streaming', async () => {
    const summarizer = new TidSummarizer();
    const result = await parseJUnit(
      '<testsuite name="s"><testcase name="T1::a"/><testcase name="T1::b"><failure/></testcase><testcase name="c [T2]"/></testsuite>',
      { onTestCase: summarizer.add },
    );
    expect(result.valid).toBe(true);
    expect(summarizer.statuses()).toEqual({ T1: 'failed', T2: 'passed' });
  });
});

describe('identity tracking', () => {
  it('hash53 separates its parts', () => {
    expect(hash53('ab', 'c', '')).not.toBe(hash53('a', 'bc', ''));
    expect(hash53('s', 'c', 'n')).toBe(hash53('s', 'c', 'n'));
    expect(Number.isSafeInteger(hash53('x'.repeat(1000), 'y', 'z'))).toBe(true);
  });

  it('IdentityFlags keeps flags per key through growth', () => {
    const flags = new IdentityFlags();
    for (let i = 0; i < 5000; i++) flags.or(hash53('s', 'c', `test ${i}`), 1);
    expect(flags.size).toBe(5000);
    expect(flags.or(hash53('s', 'c', 'test 1234'), 2)).toBe(3);
    expect(flags.or(hash53('s', 'c', 'new one'), 2)).toBe(2);
    expect(flags.or(0, 1)).toBe(1);
    expect(flags.size).toBe(5002);
  });

  it('flags only the test that flipped among thousands of tagged tests', () => {
    const summarizer = new TidSummarizer();
    for (let i = 0; i < 3000; i++) summarizer.add(t(`case ${i}`, 'passed', [`T${i % 100}`]));
    summarizer.add(t('case 42', 'failed', ['T42']));
    const flaky = [...summarizer.summaries().values()].filter((s) => s.flaky).map((s) => s.tid);
    expect(flaky).toEqual(['T42']);
  });
});
