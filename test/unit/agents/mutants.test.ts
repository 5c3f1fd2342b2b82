import { describe, expect, it } from 'vitest';
import type { PlaywrightFile, Requirement, TestResult } from '../../../shared/agents/agents.types.ts';
import { canonicalLocator } from '../../../shared/agents/verify/index.ts';
import { caseResults, failureLineOf } from '../../../shared/agents/verify/junit-results.ts';
import {
  MUTANT_PATH,
  MUTANT_TITLE,
  mutableAssertions,
  mutantFixtureSource,
  mutantTsconfig,
  mutationFor,
} from '../../../shared/agents/verify/mutants.ts';
import { defuseTids, promotedTitle, retitleUnproven } from '../../../shared/agents/verify/retitle.ts';
import { GUARDED_PLAYWRIGHT_TEST } from '../../../shared/agents/verify/run-tests.ts';
import { actionLocatorsInCode, testsInCode } from '../../../shared/agents/verify/test-facts.ts';
import { extractTids } from '../../../shared/reports/junit/tids.ts';

const code = `import { expect, test } from '@playwright/test';
const heading = (name: string) => name;
test.describe('R1: sign in', () => {
  test('T1::shows the form', { tag: '@signed-in' }, async ({ page }) => {
    await page.goto('/signin');
    const email = page.getByLabel('Email address');
    await email.fill('a@b.co');
    await expect(email).toHaveValue('a@b.co');
    await expect(page).toHaveTitle(/Sign in/);
    await expect(
      page.getByRole('button', { name: 'Sign in', exact: true }).first(),
    ).toBeEnabled();
    await expect(page.getByText('Invalid')).not.toBeVisible();
    await expect(page.getByRole('alert')).toHaveCount(0);
    await expect(page.getByText(heading('x'))).toBeVisible();
    expect(1).toBe(1);
  });
  test(\`T2::no assertion\`, async ({ page }) => {
    await page.goto('/');
  });
});
`;

describe('what a generated test asserts, read from its syntax tree', () => {
  const [t1, t2] = testsInCode(code);

  it('finds each test with its describes, line, tags, paths and assertions', () => {
    expect(t1).toMatchObject({
      title: 'T1::shows the form',
      describes: ['R1: sign in'],
      line: 4,
      tags: ['@signed-in'],
      gotos: ['/signin'],
    });
    expect(t2).toMatchObject({ title: 'T2::no assertion', line: 18, assertions: [] });
    expect(t1?.assertions.map((a) => [a.matcher, a.negated, a.line, a.endLine])).toEqual([
      ['toHaveValue', false, 8, 8],
      ['toHaveTitle', false, 9, 9],
      ['toBeEnabled', false, 10, 12],
      ['toBeVisible', true, 13, 13],
      ['toHaveCount', false, 14, 14],
      ['toBeVisible', false, 15, 15],
      ['toBe', false, 16, 16],
    ]);
    // A const locator is followed; a computed argument is not a guess.
    expect(t1?.assertions[0]?.subject).toEqual([{ method: 'getByLabel', args: ['Email address'] }]);
    expect(t1?.assertions[2]?.subject).toEqual([
      { method: 'getByRole', args: ['button', { name: 'Sign in', exact: true }] },
      { method: 'first', args: [] },
    ]);
    expect(t1?.assertions[1]?.args).toEqual([{ regex: 'Sign in', flags: '' }]);
    expect(t1?.assertions[5]?.subject).toBeNull();
    expect(t1?.assertions[6]?.subject).toBeNull();
  });

  it('breaks each assertion with the opposite of what it checks', () => {
    expect(mutableAssertions(t1!).map((m) => m.mutation)).toEqual([
      { kind: 'value', target: [{ method: 'getByLabel', args: ['Email address'] }] },
      { kind: 'title', to: MUTANT_TITLE },
      { kind: 'disabled', target: expect.any(Array), to: true },
      // A negated assertion gets the opposite mutant: what it says is absent is added.
      { kind: 'add', target: [{ method: 'getByText', args: ['Invalid'] }] },
      { kind: 'add', target: [{ method: 'getByRole', args: ['alert'] }] },
    ]);
    const page = 'page' as const;
    const at = { line: 1, endLine: 1, args: [] };
    expect(mutationFor({ ...at, subject: page, matcher: 'toHaveURL', negated: false })).toEqual({
      kind: 'url',
      to: MUTANT_PATH,
    });
    expect(mutationFor({ ...at, subject: page, matcher: 'toHaveURL', negated: true, args: ['/x'] })).toEqual({
      kind: 'url',
      to: '/x',
    });
    const target = [{ method: 'getByRole', args: ['checkbox'] }];
    expect(mutationFor({ ...at, subject: target, matcher: 'toBeChecked', negated: false })).toMatchObject({
      kind: 'checked',
      to: false,
    });
    expect(mutationFor({ ...at, subject: target, matcher: 'toBeHidden', negated: false })).toMatchObject({
      kind: 'add',
    });
    expect(mutationFor({ ...at, subject: target, matcher: 'toBeHidden', negated: true })).toMatchObject({
      kind: 'remove',
    });
    expect(
      mutationFor({
        ...at,
        subject: target,
        matcher: 'toHaveJSProperty',
        negated: false,
        args: ['required', true],
      }),
    ).toMatchObject({ kind: 'property', name: 'required', to: false });
    expect(mutationFor({ ...at, subject: null, matcher: 'toBe', negated: false })).toBeNull();
    expect(mutationFor({ ...at, subject: target, matcher: 'toHaveText', negated: true })).toBeNull();
  });

  it('checks only acted-on locators against the crawl', () => {
    expect(actionLocatorsInCode(code, canonicalLocator)).toEqual(["getByLabel('Email address')"]);
  });
});

describe('the runner report, per test', () => {
  const xml = `<testsuites><testsuite name="tests/r1.spec.ts">
<testcase name="R1: sign in › T1::shows the form" classname="tests/r1.spec.ts"><failure message="m" type="expect.toHaveTitle"><![CDATA[  tests/r1.spec.ts:4:3 › R1: sign in › T1::shows the form
    >  9 |     await expect(page).toHaveTitle(/Sign in/);
        at /tmp/assay-verify-x/tests/r1.spec.ts:9:24
]]></failure><system-out><![CDATA[at tests/r1.spec.ts:16:1]]></system-out></testcase>
<testcase name="R1: sign in › T2::no assertion" classname="tests/r1.spec.ts"></testcase>
<testcase name="x" classname="tests/r1.spec.ts"><skipped/></testcase>
</testsuite></testsuites>`;

  it('gives the status and the line a failure points at (the stack frame, not the title line)', () => {
    expect(caseResults(xml)).toEqual([
      {
        file: 'tests/r1.spec.ts',
        name: 'R1: sign in › T1::shows the form',
        status: 'failed',
        failureType: 'expect.toHaveTitle',
        failureLine: 9,
      },
      { file: 'tests/r1.spec.ts', name: 'R1: sign in › T2::no assertion', status: 'passed' },
      { file: 'tests/r1.spec.ts', name: 'x', status: 'skipped' },
    ]);
    expect(failureLineOf('    at tests/other.spec.ts:3:1', 'tests/r1.spec.ts')).toBeUndefined();
    expect(caseResults('<testsuites><testcase name="a" classname="f"></testsuites')).toEqual([]);
  });
});

describe('only a proving test keeps its TID', () => {
  const requirements: Requirement[] = [
    {
      id: 'R1',
      title: 'Sign in',
      description: '',
      acceptanceCriteria: [{ text: 'a', tid: 'T1' }, { text: 'b', tid: 'T2' }, { text: 'c' }],
      sources: [],
    },
  ];
  const file: PlaywrightFile = {
    requirementId: 'R1',
    path: 'tests/r1.spec.ts',
    content: code.replace("test.describe('R1: sign in'", "test.describe('R1 [T5]: sign in'"),
    tids: ['T1', 'T2'],
    locators: [],
  };
  const results = (first: TestResult['outcome'], second: TestResult['outcome']): TestResult[] => [
    { title: 'T1::shows the form', tid: 'T1', outcome: first },
    { title: 'T2::no assertion', tid: 'T2', outcome: second },
  ];

  it('retitles vacuous, failed and not-run tests with their draft tag, in place, and defuses describe TIDs', () => {
    for (const outcome of ['vacuous', 'failed', 'not_run'] as const) {
      const [changed] = retitleUnproven([file], results('proving', outcome), requirements);
      expect(changed?.content).toContain("test('T1::shows the form'");
      expect(changed?.content).toContain("test('R1.2::no assertion'");
      expect(changed?.content).toContain("test.describe('R1 [t5]: sign in'");
      expect(changed?.tids).toEqual(['T1']);
      expect(changed?.content.split('\n').length).toBe(file.content.split('\n').length);
    }
    const [none] = retitleUnproven([file], results('vacuous', 'vacuous'), requirements);
    expect(none?.tids).toEqual([]);
    expect(
      testsInCode(none?.content ?? '').flatMap((t) =>
        [...t.describes, t.title].flatMap((x) => extractTids(x, '')),
      ),
    ).toEqual([]);
  });

  it('defuses TIDs anywhere a JUnit reader finds them, and promotion puts the TID back', () => {
    expect(extractTids(defuseTids('x [T3] y T4::z'), '')).toEqual([]);
    expect(defuseTids('no tid here: Tab 3')).toBe('no tid here: Tab 3');
    expect(promotedTitle('R1.2::no assertion', 'T2')).toBe('T2::no assertion');
  });
});

describe('the mutant fixture', () => {
  const plan = { 'tests/r1.spec.ts:4': [{ kind: 'title' as const, to: MUTANT_TITLE }] };
  it('extends the guarded test it is given, never the name the tsconfig maps to it', () => {
    const source = mutantFixtureSource(plan, GUARDED_PLAYWRIGHT_TEST);
    expect(source).toContain(
      `import { expect as baseExpect, test as base } from "${GUARDED_PLAYWRIGHT_TEST}";`,
    );
    expect(source).toContain(`export * from "${GUARDED_PLAYWRIGHT_TEST}";`);
    expect(source).not.toMatch(/from ['"](@playwright\/test|playwright\/test)['"]/);
    expect(source).toContain(JSON.stringify(plan));
    expect(() => mutantFixtureSource(plan, '@playwright/test')).toThrow(/cannot extend/);
    expect(JSON.parse(mutantTsconfig('assay-verify/mutant-fixture.ts'))).toEqual({
      compilerOptions: { baseUrl: '.', paths: { '@playwright/test': ['./assay-verify/mutant-fixture.ts'] } },
    });
  });
});
