import { describe, expect, it } from 'vitest';
import { statusFromAttribute, worseStatus } from '../../../shared/reports/junit/index.ts';
import { byName, collect, counts } from './support.ts';

const suite = (cases: string, attrs = '') => `<testsuite name="s"${attrs}>${cases}</testsuite>`;

describe('one status per testcase', () => {
  it('applies error > failure > skipped > passed whatever the child order', async () => {
    const { result, tests } = await collect(
      suite(`
        <testcase name="all"><skipped/><failure message="f"/><error message="e"/></testcase>
        <testcase name="fail-skip"><skipped message="s"/><failure message="f"/></testcase>
        <testcase name="skip"><skipped/></testcase>
        <testcase name="pass"/>
        <testcase name="err-first"><error message="e"/><failure message="f"/></testcase>`),
    );
    expect(byName(tests, 'all')).toMatchObject({ status: 'errored', message: 'e' });
    expect(byName(tests, 'fail-skip')).toMatchObject({ status: 'failed', message: 'f' });
    expect(byName(tests, 'skip').status).toBe('skipped');
    expect(byName(tests, 'pass').status).toBe('passed');
    expect(byName(tests, 'err-first').status).toBe('errored');
    expect(result.passed + result.failed + result.errored + result.skipped).toBe(result.tests);
  });

  it('ignores declared tests=/failures=/errors=/skipped= counts', async () => {
    const { result } = await collect(
      `<testsuites tests="100" failures="50"><testsuite name="a" tests="7" failures="3" errors="2" skipped="9" skip="4">
        <testcase name="x"/><testcase name="y"><failure/></testcase></testsuite></testsuites>`,
    );
    expect(counts(result)).toEqual({
      valid: true,
      suites: 1,
      tests: 2,
      passed: 1,
      failed: 1,
      errored: 0,
      skipped: 0,
      flaky: 0,
    });
  });

  it('marks reruns that end in a pass as flaky, and reruns that end in a failure as not', async () => {
    const { result, tests } = await collect(
      suite(`
        <testcase name="ff"><flakyFailure message="first"/><flakyFailure message="second"/></testcase>
        <testcase name="fe"><flakyError message="reset"/></testcase>
        <testcase name="rf"><rerunFailure message="once"/></testcase>
        <testcase name="re"><rerunError/></testcase>
        <testcase name="hard"><failure message="final"/><rerunFailure message="again"/></testcase>
        <testcase name="err"><rerunFailure/><error message="final error"/></testcase>
        <testcase name="skip"><flakyFailure/><skipped/></testcase>`),
    );
    for (const name of ['ff', 'fe', 'rf', 're'])
      expect(byName(tests, name)).toMatchObject({ status: 'passed', flaky: true });
    expect(byName(tests, 'ff').message).toBe('first');
    expect(byName(tests, 'hard')).toMatchObject({ status: 'failed', flaky: false, message: 'final' });
    expect(byName(tests, 'err')).toMatchObject({ status: 'errored', flaky: false });
    expect(byName(tests, 'skip')).toMatchObject({ status: 'skipped', flaky: false });
    expect(result).toMatchObject({ tests: 7, passed: 4, flaky: 4, failed: 1, errored: 1, skipped: 1 });
  });

  it('reads status=/result= attributes, combined with children by precedence', async () => {
    const { tests } = await collect(
      suite(`
        <testcase name="notrun" status="notrun" result="suppressed"/>
        <testcase name="disabled" status="disabled"/>
        <testcase name="result-skipped" status="run" result="skipped"/>
        <testcase name="ran" status="run" result="completed"/>
        <testcase name="passed-word" status="passed"/>
        <testcase name="status-failed" status="failed"/>
        <testcase name="status-error" status="ERROR"/>
        <testcase name="notrun-but-failed" status="notrun"><failure message="x"/></testcase>`),
    );
    expect(byName(tests, 'notrun').status).toBe('skipped');
    expect(byName(tests, 'disabled').status).toBe('skipped');
    expect(byName(tests, 'result-skipped').status).toBe('skipped');
    expect(byName(tests, 'ran').status).toBe('passed');
    expect(byName(tests, 'passed-word').status).toBe('passed');
    expect(byName(tests, 'status-failed').status).toBe('failed');
    expect(byName(tests, 'status-error').status).toBe('errored');
    expect(byName(tests, 'notrun-but-failed').status).toBe('failed');
  });

  it('counts only direct children of <testcase>', async () => {
    const { tests } = await collect(
      suite(
        `<testcase name="x"><system-out><failure>not an element of the case</failure></system-out></testcase>`,
      ),
    );
    expect(byName(tests, 'x').status).toBe('passed');
  });

  it('does not turn suite-level <error>/<failure> into testcases but counts them apart', async () => {
    const { result } = await collect(
      `<testsuites><testsuite name="a"><error message="class failed to load"/></testsuite>
       <testsuite name="b"><testcase name="ok"/><failure message="afterAll"/></testsuite></testsuites>`,
    );
    expect(result).toMatchObject({ valid: true, suites: 2, tests: 1, passed: 1, suiteErrors: 2 });
  });

  it('counts every <testsuite>, nested included, and names the innermost one', async () => {
    const { result, tests } = await collect(
      `<testsuites><testsuite name="outer"><testcase name="a"/><testsuite name="inner"><testcase name="b"/></testsuite><testcase name="c"/></testsuite></testsuites>`,
    );
    expect(result).toMatchObject({ suites: 2, tests: 3 });
    expect(tests.map((t) => [t.name, t.suite])).toEqual([
      ['a', 'outer'],
      ['b', 'inner'],
      ['c', 'outer'],
    ]);
  });

  it('counts repeated names separately (retries are not merged)', async () => {
    const { result } = await collect(suite('<testcase name="x"><failure/></testcase><testcase name="x"/>'));
    expect(result).toMatchObject({ tests: 2, passed: 1, failed: 1 });
  });

  it('reads durations in seconds, thousands separators included, and drops negative or junk ones', async () => {
    const { tests } = await collect(
      suite(`<testcase name="a" time="1.5"/><testcase name="b" time="2,503.1"/><testcase name="c" time="-0.1"/>
             <testcase name="d" time="abc"/><testcase name="e"/><testcase name="f" time="0.0000015"/>`),
    );
    expect(tests.map((t) => t.durationMs)).toEqual([1500, 2503100, undefined, undefined, undefined, 0.002]);
  });

  it('takes the message attribute, else the text (CDATA included), trimmed and truncated', async () => {
    const long = 'x'.repeat(5000);
    const { tests } = await collect(
      suite(`<testcase name="attr"><failure message="  short  ">long body</failure></testcase>
             <testcase name="empty-attr"><failure message="">body &amp; more <![CDATA[<raw>]]></failure></testcase>
             <testcase name="long"><error><![CDATA[${long}]]></error></testcase>
             <testcase name="none"><skipped/></testcase>`),
      { maxMessageLength: 100 },
    );
    expect(byName(tests, 'attr').message).toBe('short');
    expect(byName(tests, 'empty-attr').message).toBe('body & more <raw>');
    expect(byName(tests, 'long').message).toHaveLength(100);
    expect(byName(tests, 'long').message?.endsWith('…')).toBe(true);
    expect(byName(tests, 'none').message).toBeUndefined();
  });

  it('keeps only sane file/line values', async () => {
    const { tests } = await collect(
      suite(
        '<testcase name="a" file="a.ts" line="3"/><testcase name="b" file="" line="0"/><testcase name="c" line="x"/>',
      ),
    );
    expect(tests.map((t) => [t.file, t.line])).toEqual([
      ['a.ts', 3],
      [undefined, undefined],
      [undefined, undefined],
    ]);
  });
});

describe('status helpers', () => {
  it('worseStatus follows the precedence', () => {
    expect(worseStatus('passed', 'skipped')).toBe('skipped');
    expect(worseStatus('failed', 'skipped')).toBe('failed');
    expect(worseStatus('failed', 'errored')).toBe('errored');
    expect(worseStatus('passed', 'passed')).toBe('passed');
  });

  it('statusFromAttribute maps known words and ignores "ran" words', () => {
    expect(statusFromAttribute('NotRun')).toBe('skipped');
    expect(statusFromAttribute('run')).toBeUndefined();
    expect(statusFromAttribute('completed')).toBeUndefined();
    expect(statusFromAttribute(undefined)).toBeUndefined();
  });
});
