import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { mergeJUnitResults, readJUnitResults } from '../../../shared/validation/junit-results.ts';

const report = (cases: string) =>
  `<?xml version="1.0"?><testsuites><testsuite name="s">${cases}</testsuite></testsuites>`;
const read = async (xml: string) => (await readJUnitResults(Readable.from([xml]))).stored;

describe('retries inside one report (issue 28)', () => {
  it('takes the last attempt of a repeated testcase as its status, as Surefire does with <flakyFailure>', async () => {
    const attempt = (body: string) =>
      `<testcase classname="c" name="T3::sends mail" file="tests/test_mail.py" line="4">${body}</testcase>`;
    const repeated = await read(
      report(attempt('<failure message="1"/>') + attempt('<error message="2"/>') + attempt('')),
    );
    const surefire = await read(
      report(
        '<testcase classname="c" name="T3::sends mail" file="tests/test_mail.py"><flakyFailure message="1"/><flakyError message="2"/></testcase>',
      ),
    );
    expect(repeated.tests).toEqual([expect.objectContaining({ status: 'passed', flaky: true })]);
    expect(repeated.annotations).toEqual([]);
    const summary = (stored: typeof repeated) => mergeJUnitResults([stored]).summaries.get('T3');
    expect(summary(repeated)).toEqual(summary(surefire));
    expect(summary(repeated)).toMatchObject({ status: 'passed', tests: 1, passed: 1, flaky: true });
  });

  it('fails a test whose last attempt failed, flaky when an earlier one passed, with one annotation', async () => {
    const attempt = (body: string) =>
      `<testcase classname="c" name="T4::x" file="src/x.test.ts" line="9">${body}</testcase>`;
    const stored = await read(report(attempt('') + attempt('<failure message="late"/>')));
    expect(mergeJUnitResults([stored]).summaries.get('T4')).toMatchObject({
      status: 'failed',
      tests: 1,
      failed: 1,
      flaky: true,
    });
    const twice = await read(report(attempt('<failure message="a"/>') + attempt('<failure message="b"/>')));
    expect(twice.annotations).toEqual([expect.objectContaining({ message: 'b', path: 'src/x.test.ts' })]);
    expect(mergeJUnitResults([twice]).summaries.get('T4')).toMatchObject({ tests: 1, flaky: false });
  });

  it('keeps the same name in two files apart, in one report and across reports', async () => {
    const inFile = (file: string, body = '') =>
      `<testcase classname="" name="T5::renders" file="${file}">${body}</testcase>`;
    const one = await read(report(inFile('src/a.test.ts') + inFile('src/b.test.ts', '<failure/>')));
    expect(mergeJUnitResults([one]).summaries.get('T5')).toMatchObject({
      status: 'failed',
      tests: 2,
      flaky: false,
    });
    const other = await read(report(inFile('src/a.test.ts') + inFile('src/b.test.ts', '<failure/>')));
    expect(mergeJUnitResults([one, other]).summaries.get('T5')).toMatchObject({ tests: 4, flaky: false });
    // The same test (same file) passing in one report and failing in another is flaky.
    const flipped = await read(report(inFile('src/a.test.ts', '<failure/>')));
    expect(mergeJUnitResults([one, flipped]).summaries.get('T5')).toMatchObject({ flaky: true });
  });
});
