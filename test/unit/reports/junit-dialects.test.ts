import { createReadStream } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { byName, collect, counts, fixturePath } from './support.ts';

const parseFixture = (name: string) => collect(createReadStream(fixturePath(`junit/${name}`)));

describe('parseJUnit dialects', () => {
  it('pytest: failure, setup error, skip, xfail, record_property tid, parametrize [T12]', async () => {
    const { result, tests } = await parseFixture('pytest.xml');
    expect(counts(result)).toEqual({
      valid: true,
      suites: 1,
      tests: 9,
      passed: 4,
      failed: 1,
      errored: 2,
      skipped: 2,
      flaky: 0,
    });
    const failed = byName(tests, 'test_rejects_invalid_email[T12]');
    expect(failed).toMatchObject({
      suite: 'pytest',
      classname: 'tests.test_login',
      status: 'failed',
      file: 'tests/test_login.py',
      line: 20,
      durationMs: 3,
      tids: ['T12'],
    });
    expect(failed.message).toBe("AssertionError: assert 'ok' == 'error'\n  - error\n  + ok");
    expect(byName(tests, 'test_migrates').message).toContain('failed on setup');
    expect(byName(tests, 'test_recorded').tids).toEqual(['T7']);
    // failure and error on one testcase: error wins.
    expect(byName(tests, 'test_teardown_breaks').status).toBe('errored');
    expect(byName(tests, 'test_known_bug')).toMatchObject({ status: 'skipped', message: 'issue #4' });
    expect(byName(tests, 'test_unicode_é_✓').status).toBe('passed');
  });

  it('jest-junit: body-only failure message, describe-prefixed T12:: and T3,T4:: names', async () => {
    const { result, tests } = await parseFixture('jest-junit.xml');
    expect(counts(result)).toMatchObject({ suites: 2, tests: 5, passed: 3, failed: 1, skipped: 1 });
    const failed = byName(tests, 'LoginForm T12::rejects an invalid email');
    expect(failed.tids).toEqual(['T12']);
    expect(failed.message).toMatch(/^Error: expect\(received\)\.toBe\(expected\)/);
    expect(failed.message).toContain('at Object.<anonymous> (/app/src/LoginForm.test.tsx:14:27)');
    expect(byName(tests, 'LoginForm › submit T3,T4::disables the button while sending').tids).toEqual([
      'T3',
      'T4',
    ]);
    expect(byName(tests, 'LoginForm remembers the user')).toMatchObject({ status: 'skipped', durationMs: 0 });
  });

  it('Maven Surefire: flakyFailure/flakyError pass as flaky, rerunFailure after a failure stays failed', async () => {
    const { result, tests } = await parseFixture('surefire.xml');
    expect(counts(result)).toEqual({
      valid: true,
      suites: 1,
      tests: 8,
      passed: 5,
      failed: 1,
      errored: 1,
      skipped: 1,
      flaky: 3,
    });
    expect(byName(tests, 'appliesCoupon')).toMatchObject({
      status: 'passed',
      flaky: true,
      message: 'expected: <10> but was: <9>',
    });
    expect(byName(tests, 'talksToPayments')).toMatchObject({ status: 'passed', flaky: true });
    expect(byName(tests, 'retriedThenPassed')).toMatchObject({ status: 'passed', flaky: true });
    expect(byName(tests, 'alwaysBroken')).toMatchObject({ status: 'failed', flaky: false, message: 'boom' });
    expect(byName(tests, 'T21::refundsOrder').tids).toEqual(['T21']);
    expect(byName(tests, 'totalsTheCart')).toMatchObject({ flaky: false, durationMs: 11 });
  });

  it('Gradle: empty <properties/>, parameterised names, empty CDATA output', async () => {
    const { result, tests } = await parseFixture('gradle.xml');
    expect(counts(result)).toMatchObject({ suites: 1, tests: 4, passed: 2, failed: 1, skipped: 1 });
    expect(byName(tests, 'divides by zero()').message).toContain('Expected java.lang.ArithmeticException');
  });

  it('TestNG: comment before the root, CDATA failure, classname autoqa:T30', async () => {
    const { result, tests } = await parseFixture('testng.xml');
    expect(counts(result)).toMatchObject({ suites: 1, tests: 4, passed: 2, failed: 1, skipped: 1 });
    expect(byName(tests, 'sortsByDate').tids).toEqual(['T30']);
    expect(byName(tests, 'findsByAuthor').message).toBe('expected [3] but found [2]');
  });

  it('mocha: empty root suite, several [T5][T6] brackets', async () => {
    const { result, tests } = await parseFixture('mocha.xml');
    expect(counts(result)).toMatchObject({ suites: 2, tests: 4, passed: 2, failed: 1, skipped: 1 });
    expect(byName(tests, 'Cart totals [T5][T6]').tids).toEqual(['T5', 'T6']);
    expect(byName(tests, 'Cart adds an item [T5]')).toMatchObject({ suite: 'Cart', tids: ['T5'] });
  });

  it('PHPUnit: three levels of nested suites, data-provider suite, class= attribute', async () => {
    const { result, tests } = await parseFixture('phpunit.xml');
    expect(counts(result)).toMatchObject({ suites: 4, tests: 6, passed: 4, errored: 1, skipped: 1 });
    expect(byName(tests, 'testDeletesUser')).toMatchObject({
      suite: 'Tests\\Unit\\UserTest',
      classname: 'Tests.Unit.UserTest',
      status: 'errored',
      line: 20,
    });
    const dataSet = byName(tests, 'testValidatesEmail with data set "T40" [T40]');
    expect(dataSet).toMatchObject({ suite: 'Tests\\Unit\\UserTest::testValidatesEmail', tids: ['T40'] });
  });

  it('gotestsum: subtest T9:: after a slash, message with newlines, empty package suite', async () => {
    const { result, tests } = await parseFixture('gotestsum.xml');
    expect(counts(result)).toMatchObject({ suites: 3, tests: 5, passed: 3, failed: 1, skipped: 1 });
    expect(byName(tests, 'TestRemove/T9::negative_quantity')).toMatchObject({
      status: 'failed',
      tids: ['T9'],
    });
    expect(byName(tests, 'TestRemove/T9::negative_quantity').message).toBe('Failed');
    expect(byName(tests, 'TestNetwork').message).toContain('no network in CI');
  });

  it('cargo-nextest: flakyFailure without message uses its text; rerunFailure after failure; T50:: in a path', async () => {
    const { result, tests } = await parseFixture('nextest.xml');
    expect(counts(result)).toMatchObject({ suites: 1, tests: 4, passed: 2, failed: 1, skipped: 1, flaky: 1 });
    const flaky = byName(tests, 'net::tests::T50::retries_on_reset');
    expect(flaky).toMatchObject({ status: 'passed', flaky: true, tids: ['T50'] });
    expect(flaky.message).toMatch(/^thread 'net::tests::retries_on_reset' panicked/);
    expect(byName(tests, 'cart::tests::totals').message).toMatch(/assertion `left == right` failed/);
  });

  it('googletest: status="notrun" is skipped, result="skipped" with <skipped>, file/line attributes', async () => {
    const { result, tests } = await parseFixture('googletest.xml');
    expect(counts(result)).toMatchObject({ suites: 1, tests: 5, passed: 2, failed: 1, skipped: 2 });
    expect(byName(tests, 'DISABLED_Overflows').status).toBe('skipped');
    expect(byName(tests, 'SkipsOnArm')).toMatchObject({
      status: 'skipped',
      message: 'math_test.cc:26\nnot on ARM',
    });
    expect(byName(tests, 'Adds')).toMatchObject({
      status: 'passed',
      file: 'math_test.cc',
      line: 10,
      durationMs: 0,
    });
    expect(byName(tests, 'T8::Rounds').tids).toEqual(['T8']);
  });

  it('Catch2: status="run", suite properties, error and skipped children', async () => {
    const { result, tests } = await parseFixture('catch2.xml');
    expect(counts(result)).toMatchObject({
      suites: 1,
      tests: 5,
      passed: 2,
      failed: 1,
      errored: 1,
      skipped: 1,
    });
    expect(byName(tests, 'T3,T4::vectors can be sized and resized').tids).toEqual(['T3', 'T4']);
    expect(byName(tests, 'Factorials are computed').message).toBe('Factorial(0) == 1');
  });

  it('xunit converted to JUnit: CRLF character references, classname assay:T60,T61', async () => {
    const { result, tests } = await parseFixture('xunit-converted.xml');
    expect(counts(result)).toMatchObject({ suites: 1, tests: 4, passed: 2, failed: 1, skipped: 1 });
    expect(byName(tests, 'Shop.Tests.PriceTests.RoundsHalfUp').message).toBe(
      'Assert.Equal() Failure\r\nExpected: 10.5\r\nActual:   10.4',
    );
    expect(byName(tests, 'Shop.Tests.CheckoutTests.Completes').tids).toEqual(['T60', 'T61']);
  });

  it('matches element names whatever their namespace prefix', async () => {
    const { result } = await parseFixture('namespaced.xml');
    expect(counts(result)).toMatchObject({ valid: true, suites: 1, tests: 2, passed: 1, failed: 1 });
  });

  it('accepts an Eclipse <testrun> root holding suites', async () => {
    const xml =
      '<testrun name="all" project="p" tests="99"><testsuite name="A"><testsuite name="A.B"><testcase name="x" classname="A.B"/></testsuite></testsuite></testrun>';
    const { result } = await collect(xml);
    expect(counts(result)).toMatchObject({ valid: true, suites: 2, tests: 1, passed: 1 });
  });
});
