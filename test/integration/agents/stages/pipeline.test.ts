import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AnalystIssue,
  CrawlFacts,
  PlaywrightFile,
  Requirement,
  RetrievedChunk,
  TestCase,
} from '../../../../shared/agents/agents.types.ts';
import { offlineProvider } from '../../../../shared/agents/llm/index.ts';
import { runAnalyst } from '../../../../shared/agents/stages/analyst.ts';
import {
  crawlFactsFromPages,
  crawlLocators,
  runAutomation,
} from '../../../../shared/agents/stages/automation.ts';
import { runQa } from '../../../../shared/agents/stages/qa.ts';
import { locatorsInCode, verifyPlaywrightFiles } from '../../../../shared/agents/verify/index.ts';
import { parseAllowedHosts } from '../../../../shared/crawl/address.ts';
import { type CrawledPage, runCrawl } from '../../../../shared/crawl/crawler.ts';
import { createNetworkGuard } from '../../../../shared/crawl/network.ts';
import type { JUnitTestCase } from '../../../../shared/reports/junit/index.ts';
import { parseJUnit } from '../../../../shared/reports/junit/index.ts';
import { launchChromium } from '../../../support/chromium.ts';
import { type CrawlSite, siteCrawlSettings, startCrawlSite } from '../../../support/crawl-site.ts';
import { startRequestCounter } from '../../../support/request-counter.ts';
import { recordingContext } from './stage-context.ts';

// The whole agent pipeline offline, against a real crawl of the local test site:
// crawl → facts → analyst → QA → automation → verify (type-check, locators, a real Playwright run).
let site: CrawlSite;
let victim: Awaited<ReturnType<typeof startRequestCounter>>;
let browser: Browser;
let crawl: CrawlFacts;

const DOC = '0b5f8a5e-3d7c-4c1e-9a51-6a4f0d7e2b10';
const chunks: RetrievedChunk[] = [
  {
    documentId: DOC,
    chunkId: '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f',
    documentName: 'Shop requirements.docx',
    headings: ['Accounts', 'Signing in'],
    text: 'Customers sign in with their email address and a password. The password must have at least 8 characters. After three failed sign-in attempts the account must be locked for 15 minutes.',
    score: 0.9,
  },
  {
    documentId: DOC,
    chunkId: '7a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    documentName: 'Shop requirements.docx',
    headings: ['Orders'],
    text: 'The orders page lists every order of the customer with its number, status and total. Customers should be able to filter orders by status.',
    score: 0.7,
  },
];
const issues: AnalystIssue[] = [
  {
    repository: 'acme/shop',
    number: 11,
    title: 'Sign in with email and password',
    body: 'Customers need to sign in before they can see their orders.\n\n- [ ] T1 …',
    criteria: [
      { tid: 'T1', text: 'A customer can enter their email address and password to sign in' },
      { tid: 'T2', text: 'Signing in with an empty email address is rejected' },
    ],
  },
  {
    repository: 'acme/shop',
    number: 12,
    title: 'Orders list',
    body: 'A list of the customer’s orders.',
    criteria: [
      { tid: 'T3', text: 'The orders can be filtered by status and order number' },
      { tid: 'T4', text: 'Contact: a visitor can write a message with their email' },
    ],
  },
];

beforeAll(async () => {
  victim = await startRequestCounter('127.0.0.2');
  site = await startCrawlSite({ app: true, catalogue: 2 });
  browser = await launchChromium({ isolateNetwork: true });
  const guard = createNetworkGuard({ allowedHosts: parseAllowedHosts(`127.0.0.1:${site.port}`) });
  const pages: CrawledPage[] = [];
  await runCrawl(browser, guard, siteCrawlSettings(site, { maxDepth: 2, maxDurationMs: 120_000 }), {
    page: async (page) => void pages.push(page),
    cancelled: async () => false,
  });
  crawl = crawlFactsFromPages('7d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a', `${site.origin}/`, pages);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await site?.stop();
  await victim?.stop();
});

describe('the offline agent pipeline on a crawled site', () => {
  let requirements: Requirement[];
  const testCases: TestCase[] = [];
  const files: PlaywrightFile[] = [];
  const { ctx, calls } = recordingContext(offlineProvider());

  beforeAll(async () => {
    requirements = await runAnalyst(ctx, { issues, chunks });
    for (const requirement of requirements) {
      const cases = await runQa(ctx, { requirement, chunks, crawl });
      testCases.push(...cases);
      files.push(...(await runAutomation(ctx, { requirement, testCases: cases, crawl })));
    }
  }, 60_000);

  it('keeps every issue criterion with its TID and proposes criteria from the documents', () => {
    expect(requirements.map((r) => r.id)).toEqual(['R1', 'R2']);
    expect(requirements[0]?.acceptanceCriteria.filter((c) => c.tid).map((c) => c.tid)).toEqual(['T1', 'T2']);
    const proposed = requirements.flatMap((r) => r.acceptanceCriteria.filter((c) => c.tid === undefined));
    expect(proposed.length).toBeGreaterThan(0);
    expect(proposed.some((c) => /8 characters|locked|filter orders/.test(c.text))).toBe(true);
    expect(requirements[0]?.sources).toContainEqual({ issue: 11, tid: 'T1' });
    expect(requirements.flatMap((r) => r.sources).filter((s) => 'chunkId' in s).length).toBeGreaterThan(0);
  });

  it('writes test cases for every criterion, with steps on the real pages', () => {
    for (const r of requirements) {
      r.acceptanceCriteria.forEach((_, index) => {
        expect(testCases.some((tc) => tc.requirementId === r.id && tc.criterionIndex === index)).toBe(true);
      });
    }
    const t1 = testCases.find((tc) => tc.tid === 'T1');
    expect(t1?.steps[0]?.action).toBe('Open /signin');
    expect(t1?.steps.map((s) => s.action).join('\n')).toContain('“Email address”');
    const t2 = testCases.find((tc) => tc.tid === 'T2');
    expect(t2?.type).toBe('negative');
    expect(t2?.steps[1]?.action).toMatch(/empty and press “Sign in”/);
    expect(testCases.find((tc) => tc.tid === 'T4')?.steps[0]?.action).toBe('Open /contact');
  });

  it('generates one file per requirement using only recorded locators, titled by TID', () => {
    expect(files.map((f) => f.path)).toEqual([
      'tests/r1-sign-in-with-email-and-password.spec.ts',
      'tests/r2-orders-list.spec.ts',
    ]);
    const recorded = crawlLocators(crawl);
    for (const file of files) {
      expect(file.content).toContain(`test.use({ baseURL: '${site.origin}/' });`);
      for (const locator of locatorsInCode(file.content)) expect(recorded.has(locator)).toBe(true);
      expect(file.locators).toEqual(locatorsInCode(file.content));
    }
    expect(files[0]?.tids).toEqual(['T1', 'T2']);
    expect(files[0]?.content).toContain(
      "test('T1::A customer can enter their email address and password to sign in'",
    );
    expect(files[0]?.content).toMatch(/test\('R1\.\d::/);
    expect(calls.every((c) => c.outcome === 'ok' && c.attempt === 1 && c.usage.promptTokens > 0)).toBe(true);
  });

  it('passes verify completely: type-check, locators and a headless run', async () => {
    const { outcome, junitXml } = await verifyPlaywrightFiles({
      files,
      crawl,
      run: { allowedHosts: [`127.0.0.1:${site.port}`], workers: 1 },
    });
    expect(outcome).toMatchObject({
      typecheck: 'ok',
      typeErrors: [],
      locatorsMissing: [],
      ran: true,
      failed: 0,
      skipped: 0,
    });
    expect(outcome.tests).toBe(testCases.length);
    expect(outcome.passed).toBe(testCases.length);
    // The report reads back through the CI parser with the same TIDs.
    const read: JUnitTestCase[] = [];
    const parsed = await parseJUnit(junitXml ?? '', { onTestCase: (tc) => void read.push(tc) });
    expect(parsed).toMatchObject({ valid: true, tests: testCases.length, passed: testCases.length });
    expect([...new Set(read.flatMap((tc) => tc.tids))].sort()).toEqual(['T1', 'T2', 'T3', 'T4']);
    expect(read.filter((tc) => tc.tids.length === 0).length).toBe(
      testCases.filter((tc) => tc.tid === null).length,
    );
    // Every offline test passed on the app and failed on a mutant that broke what it asserts.
    expect(outcome).toMatchObject({ proving: testCases.length, vacuous: 0 });
    expect(outcome.results.map((r) => r.outcome)).toEqual(testCases.map(() => 'proving'));
    expect(outcome.results.map((r) => r.tid).filter(Boolean)).toEqual(['T1', 'T2', 'T3', 'T4']);
  }, 600_000);
});

describe('verify on faulty files', () => {
  it('reports type errors, unrecorded locators, failing tests and refused requests without throwing', async () => {
    const head = `import { expect, test } from '@playwright/test';\ntest.use({ baseURL: '${site.origin}/' });\n`;
    const files: PlaywrightFile[] = [
      {
        requirementId: 'R1',
        path: 'tests/r1-wrong.spec.ts',
        content: `${head}test('T90::expects the wrong title', async ({ page }) => {\n  await page.goto('/contact');\n  await expect(page).toHaveTitle('Not the contact page', { timeout: 1000 });\n  await page.getByRole('link', { name: 'Invented' }).click();\n});\ntest('T91::passes', async ({ page }) => {\n  await page.goto('/contact');\n  await expect(page).toHaveTitle('Contact');\n});\n`,
        tids: ['T90', 'T91'],
        locators: [],
      },
      {
        requirementId: 'R2',
        path: 'tests/r2-escape.spec.ts',
        content: `${head}test('T92::reaches another host', async ({ page }) => {\n  const response = await page.goto('${victim.origin}/secret');\n  expect(response?.status()).toBe(200);\n});\n`,
        tids: ['T92'],
        locators: [],
      },
      {
        requirementId: 'R3',
        path: 'tests/r3-types.spec.ts',
        content: `${head}test('T93::does not type-check', async ({ page }) => {\n  const count: number = 'three';\n  await page.goto('/');\n  await expect(page.getByText('Invented')).toHaveCount(0);\n  expect(count).toBe('three');\n});\n`,
        tids: ['T93'],
        locators: [],
      },
      {
        requirementId: 'R4',
        path: 'tests/r4-broken.spec.ts',
        content: `${head}test('T94::never loads', async ({ page }) => {\n  await page.goto('/'\n});\n`,
        tids: ['T94'],
        locators: [],
      },
      {
        // Would pass on the app, but is outside the code allow-list: never run, its test failed, no TID kept.
        requirementId: 'R5',
        path: 'tests/r5-refused.spec.ts',
        content: `${head}test('T95::would pass but is refused', async ({ page }) => {\n  await page.context().addInitScript({ content: '' });\n  await page.goto('/contact');\n  await expect(page).toHaveTitle('Contact');\n});\n`,
        tids: ['T95'],
        locators: [],
      },
    ];
    const { outcome, junitXml } = await verifyPlaywrightFiles({
      files,
      crawl,
      run: { allowedHosts: [`127.0.0.1:${site.port}`], workers: 1 },
    });
    expect(outcome.typecheck).toBe('failed');
    expect(outcome.typeErrors).toEqual([
      expect.stringMatching(
        /^tests\/r3-types\.spec\.ts:4:9 Type 'string' is not assignable to type 'number'/,
      ),
      expect.stringMatching(/^tests\/r4-broken\.spec\.ts:5:1 /),
    ]);
    // Only what a test acts on must be recorded; an assertion may look at any text.
    expect(outcome.locatorsMissing).toEqual([
      { path: 'tests/r1-wrong.spec.ts', locator: "getByRole('link', { name: 'Invented' })" },
    ]);
    // The file that cannot load is not in the runner's report; its test counts as failed.
    expect(outcome).toMatchObject({ ran: true, tests: 6, passed: 2, failed: 4, skipped: 0, proving: 2 });
    expect(outcome.codeRefused).toEqual([
      expect.stringMatching(/^tests\/r5-refused\.spec\.ts:4:\d+ the property 'addInitScript' is not allowed/),
    ]);
    expect(outcome.results).toEqual([
      { title: 'T90::expects the wrong title', tid: 'T90', outcome: 'failed' },
      { title: 'T91::passes', tid: 'T91', outcome: 'proving' },
      { title: 'T92::reaches another host', tid: 'T92', outcome: 'failed' },
      // toHaveCount(0) proves: the mutant adds what it says is absent.
      { title: 'T93::does not type-check', tid: 'T93', outcome: 'proving' },
      { title: 'T94::never loads', tid: 'T94', outcome: 'failed' },
      { title: 'T95::would pass but is refused', tid: 'T95', outcome: 'failed' },
    ]);
    expect(junitXml).not.toContain('T95::');
    expect(junitXml).toContain('T92::reaches another host');
    expect(victim.connections()).toBe(0);
  }, 400_000);

  it('calls a test vacuous when it passes on a mutant that breaks what it asserts, whatever the disguise', async () => {
    const head = `import { expect, test } from '@playwright/test';\ntest.use({ baseURL: '${site.origin}/' });\n`;
    const tests = [
      // Hostile kinds of the issue, and variants: a constant, a caught assertion, one behind an if, a regex that
      // matches anything, a value taken once (not web-first), a negated assertion about something never there.
      ['T1::constant', 'expect(1).toBe(1);'],
      [
        'T2::caught',
        "try { await expect(page.getByRole('heading', { name: 'Contact' })).toBeVisible({ timeout: 500 }); } catch { /* swallowed */ }",
      ],
      ['T3::behind an if', "if (page.url().includes('/never')) await expect(page).toHaveTitle('Contact');"],
      ['T4::any url', 'await expect(page).toHaveURL(/.*/);'],
      ['T5::value once', 'expect(await page.title()).toBeTruthy();'],
      ['T6::proves', "await expect(page).toHaveTitle('Contact');"],
      ['T7::negated proves', "await expect(page.getByText('Message sent')).toBeHidden();"],
      ['T8::any text proves', "await expect(page.getByRole('heading', { name: 'Contact' })).toBeVisible();"],
    ];
    const content = `${head}${tests
      .map(
        ([title, body]) =>
          `test('${title}', async ({ page }) => {\n  await page.goto('/contact');\n  ${body}\n});\n`,
      )
      .join('')}`;
    const { outcome } = await verifyPlaywrightFiles({
      files: [{ requirementId: 'R1', path: 'tests/r1-hostile.spec.ts', content, tids: [], locators: [] }],
      crawl,
      run: { allowedHosts: [`127.0.0.1:${site.port}`], workers: 2 },
    });
    expect(outcome).toMatchObject({ ran: true, passed: 8, failed: 0, proving: 3, vacuous: 5 });
    expect(outcome.results.map((r) => `${r.tid}:${r.outcome}`)).toEqual([
      'T1:vacuous',
      'T2:vacuous',
      'T3:vacuous',
      'T4:vacuous',
      'T5:vacuous',
      'T6:proving',
      'T7:proving',
      'T8:proving',
    ]);
  }, 400_000);

  it('stops a run that outlasts its bound and says so', async () => {
    const { outcome, junitXml } = await verifyPlaywrightFiles({
      files: [
        {
          requirementId: 'R1',
          path: 'tests/r1-slow.spec.ts',
          content:
            "import { test } from '@playwright/test';\ntest('T1::waits', async ({ page }) => {\n  await page.waitForTimeout(60_000);\n});\n",
          tids: ['T1'],
          locators: [],
        },
      ],
      crawl,
      run: { allowedHosts: [`127.0.0.1:${site.port}`], timeoutMs: 1500 },
    });
    expect(outcome).toMatchObject({
      typecheck: 'ok',
      ran: false,
      notRunReason: 'the test run timed out',
      tests: 0,
    });
    expect(junitXml).toBeNull();
  }, 60_000);

  it('does not run the tests when the app is not on the allow list (loopback refused)', async () => {
    const { outcome, junitXml } = await verifyPlaywrightFiles({
      files: [
        {
          requirementId: 'R1',
          path: 'tests/r1.spec.ts',
          content:
            "import { test } from '@playwright/test';\ntest('T1::x', async ({ page }) => {\n  await page.goto('/');\n});\n",
          tids: ['T1'],
          locators: [],
        },
      ],
      crawl,
      run: { allowedHosts: [] },
    });
    expect(outcome).toMatchObject({ typecheck: 'ok', ran: false, tests: 0, proving: 0 });
    // Nothing unverified carries a TID: every declared test is listed as not run.
    expect(outcome.results).toEqual([{ title: 'T1::x', tid: 'T1', outcome: 'not_run' }]);
    expect(outcome.notRunReason).toMatch(/refused by the crawl's network rules: .*loopback/);
    expect(junitXml).toBeNull();
  });
});
