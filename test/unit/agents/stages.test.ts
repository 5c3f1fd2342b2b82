import { describe, expect, it } from 'vitest';
import type { CrawlFacts, Requirement, StageContext, TestCase } from '../../../shared/agents/agents.types.ts';
import { offlineProvider, promptTokens } from '../../../shared/agents/llm/index.ts';
import { offlineAnalyst } from '../../../shared/agents/llm/offline/analyst.ts';
import { offlineAutomation } from '../../../shared/agents/llm/offline/automation.ts';
import { offlineQa } from '../../../shared/agents/llm/offline/qa.ts';
import { crawlSummary, MAX_PROMPT_PAGES, PROMPT_VERSIONS } from '../../../shared/agents/prompts/index.ts';
import { analystSearchQueries } from '../../../shared/agents/stages/analyst.ts';
import {
  automationProblems,
  crawlFactsFromPages,
  runAutomation,
} from '../../../shared/agents/stages/automation.ts';
import { specPath, testTitle } from '../../../shared/agents/stages/naming.ts';
import { qaProblems, runQa } from '../../../shared/agents/stages/qa.ts';
import {
  canonicalLocator,
  locatorsInCode,
  testTitlesInCode,
  tidsInCode,
  typecheckFiles,
} from '../../../shared/agents/verify/index.ts';
import type { CrawlPageBody } from '../../../shared/crawl/crawl.types.ts';
import { countTokens } from '../../../shared/documents/tokens.ts';

const requirement: Requirement = {
  id: 'R3',
  title: 'Contact form',
  description: '',
  acceptanceCriteria: [
    { text: 'A visitor can send a message with their “Email”', tid: 'T7' },
    { text: 'Sending without an email is rejected' },
  ],
  sources: [],
};

const page = (overrides: Partial<CrawlPageBody>): CrawlPageBody => ({
  url: 'http://127.0.0.1:9/',
  depth: 0,
  httpStatus: 200,
  outcome: 'crawled',
  title: 'Home',
  headings: [],
  links: [],
  forms: [],
  buttons: [],
  ariaSnapshot: null,
  ...overrides,
});

const pages: CrawlPageBody[] = [
  page({ buttons: [{ name: 'Subscribe', locator: "getByRole('button', { name: 'Subscribe' })" }] }),
  page({ url: 'http://127.0.0.1:9/gone', outcome: 'failed', httpStatus: 404, title: 'Not found' }),
  page({
    url: 'http://127.0.0.1:9/contact',
    depth: 1,
    title: 'Contact',
    headings: [{ level: 1, text: 'Contact us' }],
    forms: [
      {
        locator: "locator('#contact-form')",
        action: 'http://127.0.0.1:9/contact',
        method: 'post',
        fields: [
          {
            label: 'Email',
            name: 'email',
            type: 'email',
            required: true,
            locator: "getByRole('textbox', { name: 'Email' })",
          },
          { label: null, name: 'csrf', type: 'hidden', required: false, locator: null },
          {
            label: 'Message',
            name: 'message',
            type: 'textarea',
            required: false,
            locator: "getByRole('textbox', { name: 'Message' })",
          },
        ],
        submit: { text: 'Send message', locator: "getByRole('button', { name: 'Send message' })" },
      },
    ],
  }),
];
const crawl: CrawlFacts = crawlFactsFromPages('c-1', 'http://127.0.0.1:9/', pages);

const offlineContext = (): StageContext => ({
  llm: offlineProvider(),
  reserveTokens: async () => undefined,
  recordCall: async () => undefined,
});

describe('crawlFactsFromPages', () => {
  it('keeps the pages whose HTML was read, with forms, fields and locators', () => {
    expect(crawl.pages.map((p) => p.url)).toEqual(['http://127.0.0.1:9/', 'http://127.0.0.1:9/contact']);
    expect(crawl.pages[1]?.forms[0]).toMatchObject({ action: 'http://127.0.0.1:9/contact', method: 'post' });
    expect(crawl.pages[1]?.forms[0]?.submit?.locator).toBe("getByRole('button', { name: 'Send message' })");
  });
});

describe('code facts read from the syntax tree', () => {
  const code = `import { expect, test } from '@playwright/test';
test.describe('R1', () => {
  test("T12::signs in", async ({ page }) => {
    await page.getByRole("button", {name: "Sign in"}).click();
    await expect(page.getByLabel(\`Email\`)).toBeVisible();
    await page.locator('form').getByTestId('x').click();
  });
  test.skip('T3, T4::two at once', async () => {});
  test('R1.2::proposed', async () => {});
});`;
  it('finds every locator call in the crawl’s notation, whatever the quotes and spacing', () => {
    expect(locatorsInCode(code)).toEqual([
      "getByRole('button', { name: 'Sign in' })",
      "getByLabel('Email')",
      "getByTestId('x')",
      "locator('form')",
    ]);
    expect(canonicalLocator('getByRole("link",{ name:"It\'s" })')).toBe(
      "getByRole('link', { name: 'It\\'s' })",
    );
  });
  it('reads test titles and their TIDs; a proposed criterion’s test carries none', () => {
    expect(testTitlesInCode(code)).toEqual(['T12::signs in', 'T3, T4::two at once', 'R1.2::proposed']);
    expect(tidsInCode(code)).toEqual(['T3', 'T4', 'T12']);
  });
});

describe('naming', () => {
  it('titles tests by TID, or by requirement and criterion number when proposed', () => {
    expect(
      testTitle({ tid: 'T7', requirementId: 'R3', criterionIndex: 0, title: ' sends  a message ' }),
    ).toBe('T7::sends a message');
    expect(testTitle({ tid: null, requirementId: 'R3', criterionIndex: 1, title: 'rejects' })).toBe(
      'R3.2::rejects',
    );
    expect(specPath({ id: 'R12', title: 'Sign in / out: “Ünïcode” & more!' })).toBe(
      'tests/r12-sign-in-out-unicode-more.spec.ts',
    );
  });
});

describe('the offline agents', () => {
  it('searches per issue title and per criterion', () => {
    expect(
      analystSearchQueries([
        {
          repository: 'a/b',
          number: 1,
          title: 'Sign  in',
          body: '',
          criteria: [{ tid: 'T1', text: 'works\nwell' }],
        },
        { repository: 'a/b', number: 2, title: 'Sign in', body: '', criteria: [] },
      ]),
    ).toEqual(['Sign in', 'Sign in works well']);
  });

  it('builds requirements from documents alone when there are no issues', () => {
    const out = offlineAnalyst({
      issues: [],
      chunks: [
        {
          documentId: '0b5f8a5e-3d7c-4c1e-9a51-6a4f0d7e2b10',
          chunkId: '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f',
          documentName: 'policy.md',
          headings: ['Passwords'],
          text: 'This section is about passwords. Passwords must have at least 12 characters. Users should change them yearly.',
          score: 1,
        },
      ],
    });
    expect(out.requirements).toEqual([
      expect.objectContaining({
        id: 'R1',
        title: 'Passwords',
        acceptanceCriteria: [
          { text: 'Passwords must have at least 12 characters.', tid: null },
          { text: 'Users should change them yearly.', tid: null },
        ],
        sources: [
          {
            documentId: '0b5f8a5e-3d7c-4c1e-9a51-6a4f0d7e2b10',
            chunkId: '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f',
          },
        ],
      }),
    ]);
  });

  it('writes steps on the page a criterion is about, a negative case with an empty submit', () => {
    const { testCases } = offlineQa({ requirement, chunks: [], crawl });
    expect(testCases.map((tc) => [tc.tid, tc.criterionIndex, tc.type])).toEqual([
      ['T7', 0, 'functional'],
      [null, 1, 'negative'],
    ]);
    expect(testCases[0]?.steps).toEqual([
      { action: 'Open /contact', expected: 'The page “Contact” is shown' },
      {
        action: 'Enter “qa.tester@example.com” in “Email”',
        expected: '“Email” shows “qa.tester@example.com”',
      },
      {
        action: 'Enter “Written by the Assay QA agent.” in “Message”',
        expected: '“Message” shows “Written by the Assay QA agent.”',
      },
    ]);
    expect(testCases[1]?.steps[1]).toEqual({
      action: 'Leave “Email” empty and press “Send message”',
      expected: 'The form is not submitted: the page stays at /contact and “Email” is marked required',
    });
  });

  it('writes code that type-checks with role/label locators when there is no crawl', () => {
    const { testCases } = offlineQa({ requirement, chunks: [], crawl: null });
    const file = offlineAutomation({ requirement, testCases, crawl: null, path: 'tests/r3.spec.ts' });
    expect(file.content).not.toContain('baseURL');
    expect(locatorsInCode(file.content)).toEqual(["getByRole('button', { name: 'Email' })"]);
    expect(testTitlesInCode(file.content)).toEqual([
      'T7::A visitor can send a message with their “Email”',
      'R3.2::Sending without an email is rejected',
    ]);
    expect(typecheckFiles([file])).toEqual([]);
  }, 30_000);

  it('counts usage like an endpoint would: prompt and answer tokens', async () => {
    const llm = offlineProvider();
    const request = {
      stage: 'qa' as const,
      promptId: 'qa',
      promptVersion: PROMPT_VERSIONS.qa ?? '1',
      system: 'system text',
      user: 'user text',
      schema: {} as never,
      schemaName: 'x',
      input: { requirement, chunks: [], crawl },
      maxOutputTokens: 100,
    };
    const { raw, usage } = await llm.complete(request);
    expect(usage).toEqual({
      promptTokens: promptTokens(request),
      completionTokens: countTokens(raw),
      totalTokens: promptTokens(request) + countTokens(raw),
    });
    await expect(llm.complete({ ...request, promptId: 'poet' })).rejects.toThrow(/no agent for prompt poet/);
  });
});

describe('output checks', () => {
  const good: TestCase = {
    requirementId: 'R3',
    criterionIndex: 0,
    tid: 'T7',
    title: 't',
    preconditions: [],
    steps: [{ action: 'a', expected: 'b' }],
    priority: 'low',
    type: 'functional',
  };
  it('QA: coverage of every criterion, right requirement, right TIDs', () => {
    expect(
      qaProblems(
        { testCases: [good, { ...good, criterionIndex: 5 }, { ...good, requirementId: 'R9', tid: 'T8' }] },
        requirement,
      ),
    ).toEqual([
      'testCases.1.criterionIndex: 5 is out of range (0–1)',
      'testCases.2.requirementId: expected R3, got R9',
      'testCases.2.tid: criterion 0 has TID T7, got T8',
      'criterion 1 (proposed: Sending without an email is rejected) has no test case',
    ]);
  });
  it('automation: the path, the import, a test per test case, only recorded locators', () => {
    const content = "test('T7::x', async ({ page }) => { await page.getByText('Hello').click(); });";
    expect(
      automationProblems(
        { path: 'tests/other.spec.ts', content },
        { path: 'tests/r3.spec.ts', testCases: [good, { ...good, tid: null, criterionIndex: 1 }], crawl },
      ),
    ).toEqual([
      'path: expected tests/r3.spec.ts, got tests/other.spec.ts',
      "content: the file must import { expect, test } from '@playwright/test'",
      // Without the import, `test` is a global outside the code allow-list.
      "content: 1:1 the global 'test' is not allowed (use the test API and standard built-ins)",
      'content: no test titled "R3.2::…" for the test case "t"',
      "content: the locator getByText('Hello') is acted on but was not recorded by the crawl (assertions may use any locator)",
    ]);
  });
  it('automation: assertions may look at any text, role or URL; TIDs only in test titles, only the test cases’', () => {
    const content = [
      "import { expect, test } from '@playwright/test';",
      "test.describe('T9::all of it', () => {",
      "  test('T7::x', async ({ page }) => {",
      "    await page.getByRole('button', { name: 'Send message' }).click();",
      "    await expect(page.getByText('Thank you')).toBeVisible();",
      "    await expect(page.getByRole('alert', { name: 'Sent' })).toBeVisible();",
      "    await expect(page).toHaveURL('/thanks');",
      '  });',
      "  test('T8::y', async ({ page }) => { await expect(page).toHaveURL('/'); });",
      "  test('R3.2::z', async ({ page }) => { await expect(page).toHaveURL('/'); });",
      '});',
    ].join('\n');
    expect(
      automationProblems(
        { path: 'tests/r3.spec.ts', content },
        { path: 'tests/r3.spec.ts', testCases: [good, { ...good, tid: null, criterionIndex: 1 }], crawl },
      ),
    ).toEqual([
      'content: the describe block "T9::all of it" carries a TID; only test titles may',
      'content: the test "T8::y" carries T8, which no test case has',
    ]);
  });
  it('the offline stages pass their own checks', async () => {
    const cases = await runQa(offlineContext(), { requirement, chunks: [], crawl });
    const [file] = await runAutomation(offlineContext(), { requirement, testCases: cases, crawl });
    expect(file).toMatchObject({ requirementId: 'R3', path: 'tests/r3-contact-form.spec.ts', tids: ['T7'] });
    expect(file?.locators).toEqual([
      "getByRole('textbox', { name: 'Email' })",
      "getByRole('textbox', { name: 'Message' })",
      "getByRole('button', { name: 'Send message' })",
    ]);
  });
});

describe('the crawl as prompts show it', () => {
  it('shows the start page and the pages the requirement is about, at most twelve, in crawl order', () => {
    const many: CrawlFacts = {
      crawlId: 'c',
      startUrl: 'http://127.0.0.1:9/',
      pages: Array.from({ length: 30 }, (_, i) => ({
        url: `http://127.0.0.1:9/p${i}`,
        title: i === 20 ? 'Your orders' : `Page ${i}`,
        headings: [],
        links: [],
        forms: [],
        buttons:
          i === 25
            ? [{ name: 'Filter orders', locator: "getByRole('button', { name: 'Filter orders' })" }]
            : [],
      })),
    };
    const shown = crawlSummary(many, 'Orders can be filtered') as { path: string }[];
    expect(shown).toHaveLength(MAX_PROMPT_PAGES);
    expect(shown.slice(0, 1).map((p) => p.path)).toEqual(['/p0']);
    expect(shown.map((p) => p.path)).toContain('/p20');
    expect(shown.map((p) => p.path)).toContain('/p25');
    expect(shown.map((p) => p.path).indexOf('/p20')).toBeLessThan(shown.map((p) => p.path).indexOf('/p25'));
  });
});

describe('the offline analyst with issues', () => {
  it('proposes a document sentence once, to the issue it is most about, citing its chunk', () => {
    const chunk = {
      documentId: '0b5f8a5e-3d7c-4c1e-9a51-6a4f0d7e2b10',
      chunkId: '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f',
      documentName: 'accounts.md',
      headings: ['Sign in'],
      text: 'Customers sign in with an email address. The password must have at least 8 characters.',
      score: 1,
    };
    const out = offlineAnalyst({
      issues: [
        {
          repository: 'a/b',
          number: 1,
          title: 'Sign in',
          body: 'Sign in with a password.',
          criteria: [{ tid: 'T1', text: 'A customer can sign in with a password' }],
        },
        {
          repository: 'a/b',
          number: 2,
          title: 'Sign in again',
          body: '',
          criteria: [{ tid: 'T2', text: 'A customer can sign in again with the password' }],
        },
      ],
      chunks: [chunk],
    });
    const proposed = out.requirements.flatMap((r) =>
      r.acceptanceCriteria.filter((c) => c.tid === null).map((c) => `${r.id}: ${c.text}`),
    );
    expect(proposed).toEqual(['R1: The password must have at least 8 characters.']);
    expect(out.requirements[0]?.sources).toEqual([
      { issue: 1, tid: 'T1' },
      { documentId: chunk.documentId, chunkId: chunk.chunkId },
    ]);
    expect(out.requirements[0]?.description).toContain(
      'Related documents:\n- accounts.md: Customers sign in with an email address.',
    );
  });
});
