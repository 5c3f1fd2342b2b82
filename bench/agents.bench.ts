/**
 * `npm run bench agents`: the agent pipeline (issue 18) offline, stage by
 * stage, on this machine:
 *
 * - input: 10 issues × 5 acceptance criteria about a local test site
 *   (sign-in form, orders list, contact form, product pages …), three
 *   requirement documents ingested into the embedded PGlite (offline
 *   embedder), and a 50-page crawl of the site by the real crawler;
 * - stages: retrieval (the analyst's queries through hybrid `searchDocuments`),
 *   analyst, QA (one call per requirement), automation (one per
 *   requirement), verify (type-check, locators, a headless run of the
 *   generated tests by the real `@playwright/test` runner through the SSRF
 *   proxy) — wall time of each, tokens metered, and the share of generated
 *   tests that pass verify (goal 100%);
 * - baselines in the same process: the crawl itself, and a bare Chromium
 *   launch that opens the page of each generated test in a fresh context
 *   (what the runner does before any assertion), as ratios.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type {
  AnalystIssue,
  LlmCallRecord,
  PlaywrightFile,
  StageContext,
  TestCase,
} from '../shared/agents/agents.types.ts';
import { offlineProvider } from '../shared/agents/llm/index.ts';
import { searchChunks } from '../shared/agents/retrieval.ts';
import { analystSearchQueries, runAnalyst } from '../shared/agents/stages/analyst.ts';
import { crawlFactsFromPages, runAutomation } from '../shared/agents/stages/automation.ts';
import { runQa } from '../shared/agents/stages/qa.ts';
import { verifyPlaywrightFiles } from '../shared/agents/verify/index.ts';
import { parseAllowedHosts } from '../shared/crawl/address.ts';
import { launchChromium } from '../shared/crawl/chromium.ts';
import { type CrawledPage, runCrawl } from '../shared/crawl/crawler.ts';
import { createNetworkGuard } from '../shared/crawl/network.ts';
import type { Database } from '../shared/db/database.ts';
import { createOfflineEmbedder } from '../shared/documents/embeddings/index.ts';
import { siteCrawlSettings, startCrawlSite } from '../test/support/crawl-site.ts';
import { ingestMarkdownDocuments } from '../test/support/documents/retrieval-eval.ts';
import { ensureOrg, openDatabase } from './support/database.ts';

const PAGES = 50;
const CHUNKS_PER_QUERY = 4;

/** Ten features of the test site, five criteria each. */
const FEATURES: { title: string; criteria: string[] }[] = [
  {
    title: 'Sign in with email and password',
    criteria: [
      'A customer can enter their email address and password to sign in',
      'Signing in with an empty email address is rejected',
      'The password is required to sign in',
      'A customer can tick Remember me when signing in',
      'The sign in page asks for the email address first',
    ],
  },
  {
    title: 'Orders list',
    criteria: [
      'Your orders can be filtered by status',
      'Orders can be searched by order number',
      'The filter orders button is shown on the orders page',
      'The order status filter offers every status',
      'A customer can type an order number to find an order',
    ],
  },
  {
    title: 'Contact form',
    criteria: [
      'A visitor can enter their email and a message on the contact page',
      'Sending a contact message without an email is rejected',
      'A visitor can choose a topic for their message',
      'The send message button is available on the contact page',
      'The contact message field accepts free text',
    ],
  },
  {
    title: 'Product quantity',
    criteria: [
      'The quantity of a product can be set before adding to cart',
      'Adding a product to the cart without a quantity is rejected',
      'A shopper can ask for gift wrap on a product',
      'The add to cart button is shown on a product page',
      'The product quantity field accepts a number',
    ],
  },
  {
    title: 'Wishlist and sharing',
    criteria: [
      'Shoppers can add a product to their wishlist',
      'The add to wishlist button is enabled on a product page',
      'A product page offers to share the product',
      'The wishlist button is visible without signing in',
      'Every product page has an add to wishlist button',
    ],
  },
  {
    title: 'Newsletter and cart on the home page',
    criteria: [
      'Visitors can subscribe from the shop home page',
      'The cart button is shown on the shop home page',
      'The subscribe button is enabled on the home page',
      'The home page welcomes visitors to the shop',
      'The cart can be opened from the home page',
    ],
  },
  {
    title: 'About us and the team',
    criteria: [
      'The about us page lets an editor save the page',
      'Each founder can be deleted from the team list',
      'The save button is shown on the about us page',
      'The about us page lists the team',
      'The delete buttons are enabled for each founder',
    ],
  },
  {
    title: 'Search',
    criteria: [
      'A visitor can search the shop by keyword',
      'The search field is available on the contact page',
      'The search button submits the search',
      'A search for test can be typed',
      'The search box is labelled Search',
    ],
  },
  {
    title: 'Catalogue product details',
    criteria: [
      'Product 3 shows its details',
      'Product 3 can be added to the cart with a quantity',
      'Product 3 can be gift wrapped',
      'Product 3 can be added to the wishlist',
      'Adding product 3 to the cart without a quantity is rejected',
    ],
  },
  {
    title: 'Sign in validation',
    criteria: [
      'Signing in without a password is rejected',
      'The email address field only takes an email address',
      'The sign in button is shown on the sign in page',
      'A wrong email address is refused when signing in',
      'The remember me choice is optional',
    ],
  },
];

const DOCUMENTS: { filename: string; markdown: string }[] = [
  {
    filename: 'accounts.md',
    markdown: `# Accounts\n\n## Signing in\n\nCustomers sign in with their email address and a password. The password must have at least 8 characters. After three failed sign-in attempts the account must be locked for 15 minutes.\n\n## Remember me\n\nCustomers may ask to be remembered on a device. A remembered session should last 30 days.\n`,
  },
  {
    filename: 'orders.md',
    markdown: `# Orders\n\nThe orders page lists every order with its number, status and total. Customers should be able to filter orders by status. Searching by order number must match partial numbers.\n\n# Cart\n\nA product can only be added to the cart with a quantity of at least 1. Gift wrap is optional and must be free of charge.\n`,
  },
  {
    filename: 'support.md',
    markdown: `# Contact\n\nVisitors must give an email address to send a message. Messages should be answered within two working days. The topic must be Sales or Support.\n\n# Newsletter\n\nVisitors can subscribe to the newsletter from the home page. Subscribing must not require an account.\n`,
  },
];

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function ingest(db: Kysely<Database>, orgId: string): Promise<void> {
  await ingestMarkdownDocuments(db, orgId, createOfflineEmbedder(384), DOCUMENTS);
}

export default async function bench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'assay-bench-agents-'));
  const database = await openDatabase(dir);
  const site = await startCrawlSite({ app: true, catalogue: 60 });
  const embedder = createOfflineEmbedder(384);
  try {
    const orgId = await ensureOrg(database.db, 'bench-agents');
    await ingest(database.db, orgId);

    // The crawl (also the first baseline).
    let started = performance.now();
    const browser = await launchChromium({ isolateNetwork: true });
    const guard = createNetworkGuard({ allowedHosts: parseAllowedHosts(`127.0.0.1:${site.port}`) });
    const pages: CrawledPage[] = [];
    try {
      await runCrawl(browser, guard, siteCrawlSettings(site, { maxPages: PAGES }), {
        page: async (page) => void pages.push(page),
        cancelled: async () => false,
      });
    } finally {
      await browser.close();
    }
    const crawlMs = performance.now() - started;
    const crawl = crawlFactsFromPages(randomUUID(), `${site.origin}/`, pages);

    const issues: AnalystIssue[] = FEATURES.map((feature, i) => ({
      repository: 'acme/shop',
      number: 100 + i,
      title: feature.title,
      body: `As a customer I want: ${feature.title.toLowerCase()}.`,
      criteria: feature.criteria.map((text, j) => ({ tid: `T${i * 5 + j + 1}`, text })),
    }));
    const calls: LlmCallRecord[] = [];
    const ctx: StageContext = {
      llm: offlineProvider(),
      reserveTokens: async () => undefined,
      recordCall: async (call) => void calls.push(call),
    };
    const times: Record<string, number> = {};

    started = performance.now();
    const chunks = await searchChunks({ db: database.db, embedder }, orgId, analystSearchQueries(issues), {
      limit: CHUNKS_PER_QUERY,
    });
    times.retrieval = performance.now() - started;

    started = performance.now();
    const requirements = await runAnalyst(ctx, { issues, chunks });
    times.analyst = performance.now() - started;

    started = performance.now();
    const testCases: TestCase[][] = [];
    for (const requirement of requirements) testCases.push(await runQa(ctx, { requirement, chunks, crawl }));
    times.qa = performance.now() - started;

    started = performance.now();
    const files: PlaywrightFile[] = [];
    for (const [i, requirement] of requirements.entries()) {
      files.push(...(await runAutomation(ctx, { requirement, testCases: testCases[i] ?? [], crawl })));
    }
    times.automation = performance.now() - started;

    started = performance.now();
    const { outcome } = await verifyPlaywrightFiles({
      files,
      crawl,
      run: { allowedHosts: [`127.0.0.1:${site.port}`], workers: 2 },
    });
    times.verify = performance.now() - started;

    // Baseline 3 (issue 25): the same verify unisolated (ASSAY_VERIFY_SANDBOX=off), then isolated again, both warm.
    const verifyOnce = async (sandbox: 'off' | 'auto') => {
      const previous = process.env.ASSAY_VERIFY_SANDBOX;
      process.env.ASSAY_VERIFY_SANDBOX = sandbox;
      const t0 = performance.now();
      try {
        const again = await verifyPlaywrightFiles({
          files,
          crawl,
          run: { allowedHosts: [`127.0.0.1:${site.port}`], workers: 2 },
        });
        return { ms: performance.now() - t0, passed: again.outcome.passed };
      } finally {
        if (previous === undefined) delete process.env.ASSAY_VERIFY_SANDBOX;
        else process.env.ASSAY_VERIFY_SANDBOX = previous;
      }
    };
    const unisolated = await verifyOnce('off');
    const isolated = await verifyOnce('auto');

    // Baseline 2: a bare Chromium that opens the page each test opens, in a fresh context per test as the runner does.
    const opened = files.flatMap((f) =>
      [...f.content.matchAll(/page\.goto\('([^']+)'\)/g)].map((m) => m[1] ?? '/'),
    );
    started = performance.now();
    const bare = await launchChromium();
    try {
      for (const path of opened) {
        const context = await bare.newContext();
        const tab = await context.newPage();
        await tab.goto(new URL(path, site.origin).href);
        await context.close();
      }
    } finally {
      await bare.close();
    }
    const bareMs = performance.now() - started;

    const cases = testCases.flat();
    const criteria = requirements.reduce((n, r) => n + r.acceptanceCriteria.length, 0);
    const agentsMs = times.analyst! + times.qa! + times.automation!;
    const total = Object.values(times).reduce((a, b) => a + b, 0);
    const tokens = (stage: string) =>
      calls.filter((c) => c.stage === stage).reduce((n, c) => n + c.usage.totalTokens, 0);
    console.log(
      `  input:      ${issues.length} issues × 5 criteria, ${DOCUMENTS.length} documents (${chunks.length} chunks retrieved), ${crawl.pages.length} pages crawled of ${pages.length} visited`,
    );
    console.log(
      `  output:     ${requirements.length} requirements, ${criteria} criteria (${criteria - 50} proposed), ${cases.length} test cases, ${files.length} Playwright files`,
    );
    for (const stage of ['retrieval', 'analyst', 'qa', 'automation', 'verify'] as const) {
      const t = tokens(stage);
      console.log(
        `  ${`${stage}:`.padEnd(11)} ${seconds(times[stage] ?? 0).padStart(8)}${t ? `   ${t} tokens` : ''}`,
      );
    }
    console.log(`  pipeline:   ${seconds(total)} (crawl not included)`);
    console.log(
      `  verify:     typecheck ${outcome.typecheck}, ${outcome.locatorsMissing.length} locators missing, ran ${outcome.ran}: ${outcome.passed}/${outcome.tests} tests passed (${((outcome.passed / Math.max(1, outcome.tests)) * 100).toFixed(1)}%; goal 100%), ${outcome.failed} failed`,
    );
    console.log(
      `  baseline:   crawl of ${pages.length} pages ${seconds(crawlMs)}; bare Chromium launch + ${opened.length} navigations ${seconds(bareMs)}`,
    );
    console.log(
      `  ratios:     offline agents (analyst+QA+automation) = ${((agentsMs / crawlMs) * 100).toFixed(1)}% of the crawl; verify = ${(times.verify! / crawlMs).toFixed(2)}× the crawl, ${(times.verify! / bareMs).toFixed(1)}× the bare browser`,
    );
    console.log(
      `  isolation:  verify in the sandbox ${seconds(isolated.ms)} (${isolated.passed} passed) vs unisolated ${seconds(unisolated.ms)} (${unisolated.passed} passed): ${(isolated.ms / unisolated.ms).toFixed(2)}× (both warm, same run)`,
    );
    if (outcome.notRunReason) console.log(`  note:       ${outcome.notRunReason}`);
  } finally {
    await site.stop();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
