import { describe, expect, it } from 'vitest';
import {
  type JUnitTestSuite,
  parseDurationMs,
  parseJUnit,
  parseSeconds,
} from '../../../shared/reports/junit/index.ts';
import { collect } from './support.ts';

describe('JUnit `time`: decimal points, decimal commas and thousands separators', () => {
  it.each([
    // The examples.
    ['0,160', 0.16],
    ['1,5', 1.5],
    ['1.234,5', 1234.5],
    ['14,029.255', 14029.255],
    // C locale.
    ['1.5', 1.5],
    ['.5', 0.5],
    ['3', 3],
    ['1.234', 1.234],
    ['1.5E-4', 0.00015],
    ['  2.25 ', 2.25],
    // Decimal comma, more cases.
    ['12,34', 12.34],
    ['1,2345', 1.2345],
    ['0,000', 0],
    [',5', 0.5],
    ['1 234,5', 1234.5],
    ['1\u00a0234,5', 1234.5],
    ['1\u202f234,56', 1234.56],
    ["1'234.5", 1234.5],
    // Thousands separators only, in valid groups.
    ['1,234,567', 1234567],
    ['1.234.567', 1234567],
    ['1,000.5', 1000.5],
    ['2,503.1', 2503.1],
  ])('%j is %d s', (time, seconds) => {
    expect(parseSeconds(time)).toBeCloseTo(seconds, 9);
  });

  it.each([
    // One comma between valid groups: 1.234 s in one locale, 1234 s in another.
    '1,234',
    '14,029',
    '999,000',
    // Separators that do not form valid groups.
    '1,2,3',
    '12,34,567',
    '1.23.456',
    '01,234.5',
    '1,23.5',
    '1.234,5,6',
    '1 23,5',
    // Junk, negative, empty.
    '-0.1',
    '-1,5',
    'abc',
    '',
    '   ',
    'NaN',
    'Infinity',
    '1e400',
    '0x10',
    '1.5s',
  ])('%j has no duration', (time) => {
    expect(parseSeconds(time)).toBeUndefined();
    expect(parseDurationMs(time)).toBeUndefined();
  });

  it('gives testcases and testsuites their duration in milliseconds by the same rule', async () => {
    const suites: JUnitTestSuite[] = [];
    const tests: (number | undefined)[] = [];
    const xml = `<testsuites time="14,029.255">
      <testsuite name="outer" time="1.234,5">
        <testsuite name="inner" time="1,5">
          <testcase name="a" time="0,160"/>
          <testcase name="b" time="1,5"/>
          <testcase name="c" time="1.234,5"/>
          <testcase name="d" time="14,029.255"/>
          <testcase name="e" time="1,234"/>
          <testcase name="f"/>
        </testsuite>
        <testcase name="g" time="0.5"/>
      </testsuite>
      <testsuite name="ambiguous" time="1,234"><testcase name="h" time="-1"/></testsuite>
    </testsuites>`;
    const result = await parseJUnit(xml, {
      onTestCase: (t) => void tests.push(t.durationMs),
      onTestSuite: (s) => void suites.push(s),
    });
    expect(result).toMatchObject({ valid: true, tests: 8, suites: 3 });
    expect(tests).toEqual([160, 1500, 1234500, 14029255, undefined, undefined, 500, undefined]);
    expect(suites).toEqual([
      { name: 'inner', level: 2, tests: 6, durationMs: 1500 },
      { name: 'outer', level: 1, tests: 7, durationMs: 1234500 },
      { name: 'ambiguous', level: 1, tests: 1 },
    ]);
  });

  it('leaves the record without a duration for an ambiguous value, and counts the case as usual', async () => {
    const { result, tests } = await collect('<testsuite><testcase name="x" time="1,234"/></testsuite>');
    expect(result).toMatchObject({ valid: true, tests: 1, passed: 1 });
    expect(tests[0]?.durationMs).toBeUndefined();
  });
});
