import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllowedHosts } from '../../../shared/crawl/address.ts';
import type { LoginStep } from '../../../shared/crawl/crawl.types.ts';
import { type CrawledPage, type CrawlSettings, runCrawl } from '../../../shared/crawl/crawler.ts';
import { locatorFor } from '../../../shared/crawl/locators.ts';
import { createNetworkGuard } from '../../../shared/crawl/network.ts';
import { launchChromium } from '../../support/chromium.ts';
import { type CrawlSite, SITE_PASSWORD, startCrawlSite } from '../../support/crawl-site.ts';
import { startRequestCounter } from '../../support/request-counter.ts';

// Real Chromium against a site on 127.0.0.1. Only 127.0.0.1:<site port> is allowed; the "victim" on
// 127.0.0.2 (loopback, not on the allow list) counts every connection that reaches it: there must be none.
let browser: Browser;
let plain: Browser;
let site: CrawlSite;
let victim: Awaited<ReturnType<typeof startRequestCounter>>;

beforeAll(async () => {
  victim = await startRequestCounter('127.0.0.2');
  site = await startCrawlSite({ victim: victim.origin });
  browser = await launchChromium({ isolateNetwork: true });
  plain = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await plain?.close();
  await site?.stop();
  await victim?.stop();
});

const settings = (overrides: Partial<CrawlSettings> = {}): CrawlSettings => ({
  startUrl: `${site.origin}/`,
  maxPages: 20,
  maxDepth: 2,
  scope: 'same-origin',
  loginSteps: [],
  exclude: [],
  respectRobotsTxt: true,
  pageTimeoutMs: 15_000,
  settleMs: 2_000,
  delayMs: 0,
  maxDurationMs: 120_000,
  maxResponseBytes: 5 * 1024 * 1024,
  ...overrides,
});

async function crawl(overrides: Partial<CrawlSettings> = {}, options: { cancelAfter?: number } = {}) {
  const guard = createNetworkGuard({ allowedHosts: parseAllowedHosts(`127.0.0.1:${site.port}`) });
  const pages: CrawledPage[] = [];
  const outcome = await runCrawl(browser, guard, settings(overrides), {
    page: async (page) => {
      pages.push(page);
    },
    cancelled: async () => options.cancelAfter !== undefined && pages.length >= options.cancelAfter,
  });
  const byPath = (path: string) => pages.find((p) => p.url === `${site.origin}${path}`);
  return { outcome, pages, byPath };
}

describe('a crawl of the test site', () => {
  let result: Awaited<ReturnType<typeof crawl>>;
  beforeAll(async () => {
    result = await crawl({ exclude: ['/calendar*'] });
  }, 180_000);

  it('visits each page once, breadth-first, and reports its counts', () => {
    const { outcome, pages } = result;
    const urls = pages.map((p) => p.url);
    expect(new Set(urls).size).toBe(urls.length);
    expect(pages.map((p) => p.depth)).toEqual([...pages.map((p) => p.depth)].sort((a, b) => a - b));
    expect(urls[0]).toBe(`${site.origin}/`);
    expect(outcome).toMatchObject({ status: 'succeeded', stopReason: 'completed' });
    expect(outcome.pagesCrawled).toBe(pages.filter((p) => p.outcome === 'crawled').length);
    expect(outcome.pagesFailed).toBe(pages.filter((p) => p.outcome === 'failed').length);
    // Off-scope redirect, PDF, JSON, duplicate redirect, plus links skipped by robots.txt and exclude.
    expect(outcome.pagesSkipped).toBeGreaterThanOrEqual(6);
    expect(urls).not.toContain(`${site.origin}/about#team`);
  });

  it('records mailto, tel, javascript, off-scope, robots and excluded links without following them', () => {
    const links = Object.fromEntries(result.byPath('/')!.links.map((l) => [l.text, l]));
    expect(links['Mail us']).toMatchObject({
      href: 'mailto:help@example.com',
      followed: false,
      reason: 'scheme',
    });
    expect(links['Call us']).toMatchObject({ followed: false, reason: 'scheme' });
    expect(links['Do nothing']).toMatchObject({
      href: 'javascript:void(0)',
      followed: false,
      reason: 'scheme',
    });
    expect(links['Partner site']).toMatchObject({ followed: false, reason: 'off-scope' });
    expect(links.Private).toMatchObject({ followed: false, reason: 'robots' });
    expect(links.Calendar).toMatchObject({ followed: false, reason: 'excluded' });
    expect(links.Team).toMatchObject({ href: `${site.origin}/about#team`, followed: true });
    expect(site.requests.filter((r) => r === '/robots.txt')).toHaveLength(1);
    expect(site.requests.some((r) => r.startsWith('/private') || r.startsWith('/calendar'))).toBe(false);
  });

  it('finds links rendered on the client after the network settles', () => {
    expect(result.byPath('/spa')!.links.map((l) => l.text)).toEqual(['Widget 1', 'Widget 2']);
    expect(result.byPath('/widgets/2')).toMatchObject({ outcome: 'crawled', depth: 2, title: 'Widget 2' });
  });

  it('follows redirects within scope only, records errors and non-HTML pages with their status', () => {
    expect(result.byPath('/go/out')).toMatchObject({
      outcome: 'skipped',
      httpStatus: 302,
      error: `redirected off scope to http://127.0.0.2:${site.port}/landing`,
    });
    expect(result.byPath('/go/in')).toMatchObject({
      outcome: 'skipped',
      redirectedTo: `${site.origin}/about`,
    });
    expect(result.byPath('/missing')).toMatchObject({
      outcome: 'failed',
      httpStatus: 404,
      error: 'HTTP 404',
      title: 'Not found',
    });
    expect(result.byPath('/files/report.pdf')).toMatchObject({
      outcome: 'skipped',
      httpStatus: 200,
      error: 'not an HTML page (application/pdf)',
    });
    expect(result.byPath('/api/data.json')).toMatchObject({ error: 'not an HTML page (application/json)' });
  });

  it('never connects to a refused address: links, redirects, images, frames, fetches, preconnects, WebSockets', () => {
    expect(result.byPath('/embeds')).toMatchObject({ outcome: 'crawled', title: 'Embeds' });
    expect(site.requests).toContain('/go/pixel');
    expect(victim.requests).toEqual([]);
    expect(victim.connections()).toBe(0);
  });

  it('reads forms: labelled fields with type, name, required and options, hidden ones left out, the submit button', () => {
    const [contact, search] = result.byPath('/contact')!.forms;
    expect(contact).toEqual({
      locator: "locator('#contact-form')",
      action: `${site.origin}/contact`,
      method: 'post',
      fields: [
        {
          label: 'Email',
          name: 'email',
          type: 'email',
          required: true,
          locator: "getByRole('textbox', { name: 'Email' })",
        },
        {
          label: 'Topic Sales Support',
          name: 'topic',
          type: 'select',
          required: false,
          locator: "getByRole('combobox', { name: 'Topic' })",
          options: ['Sales', 'Support'],
        },
        {
          label: 'Message',
          name: 'message',
          type: 'textarea',
          required: false,
          locator: "getByRole('textbox', { name: 'Message' })",
        },
      ],
      submit: { text: 'Send message', locator: "getByRole('button', { name: 'Send message' })" },
    });
    expect(search).toMatchObject({ method: 'get', fields: [{ label: 'Search', type: 'search' }] });
  });

  it('chooses locators best first and falls back when one matches more than one element', () => {
    expect(result.byPath('/')!.buttons).toEqual([
      { name: 'Subscribe', locator: "getByRole('button', { name: 'Subscribe' })" },
      { name: 'Cart', locator: "getByTestId('cart-button')" },
    ]);
    const about = result.byPath('/about')!.buttons;
    expect(about.map((b) => b.locator)).toEqual([
      "locator('html > body:nth-of-type(1) > ul:nth-of-type(1) > li:nth-of-type(1) > button:nth-of-type(1)')",
      "locator('html > body:nth-of-type(1) > ul:nth-of-type(1) > li:nth-of-type(2) > button:nth-of-type(1)')",
      "locator('#save-about')",
      "locator('html > body:nth-of-type(1) > button:nth-of-type(2)')",
    ]);
  });

  it('records locators that each resolve to exactly one element on a fresh load of the page', async () => {
    const context = await plain.newContext();
    try {
      let checked = 0;
      for (const page of result.pages.filter((p) => p.outcome === 'crawled')) {
        const expressions = [
          ...page.buttons.map((b) => b.locator),
          ...page.forms.flatMap((f) => [f.locator, f.submit?.locator, ...f.fields.map((x) => x.locator)]),
        ].filter((x): x is string => typeof x === 'string');
        if (expressions.length === 0) continue;
        const tab = await context.newPage();
        await tab.goto(page.url, { waitUntil: 'networkidle' });
        for (const expression of expressions) {
          expect(await locatorFor(tab, expression).count(), `${page.url} ${expression}`).toBe(1);
          checked += 1;
        }
        await tab.close();
      }
      expect(checked).toBeGreaterThanOrEqual(12);
    } finally {
      await context.close();
    }
  });

  it('keeps headings, the aria snapshot and a PNG screenshot of each crawled page', () => {
    const about = result.byPath('/about')!;
    expect(about.headings).toEqual([
      { level: 1, text: 'About us' },
      { level: 2, text: 'Team' },
      { level: 3, text: 'Founders' },
    ]);
    expect(about.ariaSnapshot).toContain('- heading "About us" [level=1]');
    expect(about.screenshot?.subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
  });
});

describe('limits and bad input', () => {
  it('bounds an infinite ?page=N link space by maxPages', async () => {
    const { outcome, pages } = await crawl({
      startUrl: `${site.origin}/calendar?page=1`,
      maxPages: 3,
      maxDepth: 50,
    });
    expect(pages.map((p) => p.url)).toEqual([1, 2, 3].map((n) => `${site.origin}/calendar?page=${n}`));
    expect(outcome).toMatchObject({
      status: 'succeeded',
      stopReason: 'max-pages',
      pagesCrawled: 3,
      pagesSkipped: 1,
    });
    expect(pages[2]!.links[0]).toMatchObject({ followed: false, reason: 'max-pages' });
  }, 120_000);

  it('stops at the total time bound and says so', async () => {
    const { outcome, pages } = await crawl({
      startUrl: `${site.origin}/calendar?page=1`,
      maxPages: 100,
      maxDepth: 100,
      delayMs: 400,
      maxDurationMs: 1500,
    });
    expect(outcome).toMatchObject({ status: 'succeeded', stopReason: 'time-limit' });
    expect(pages.length).toBeGreaterThanOrEqual(1);
    expect(pages.length).toBeLessThan(100);
    expect(outcome.pagesSkipped).toBe(1);
  }, 60_000);

  it('bounds depth', async () => {
    const { pages } = await crawl({ startUrl: `${site.origin}/calendar?page=1`, maxPages: 10, maxDepth: 1 });
    expect(pages).toHaveLength(2);
    expect(pages[1]!.links[0]).toMatchObject({ followed: false, reason: 'depth' });
  }, 120_000);

  it.each([
    ['a page that never answers', '/never', 'timed out after 3000 ms'],
    ['a 10 MB page', '/big', `response is larger than ${2 * 1024 * 1024} bytes`],
  ])(
    'records %s as failed, and fails a crawl that starts there',
    async (_, path, error) => {
      const { outcome, pages } = await crawl({
        startUrl: `${site.origin}${path}`,
        pageTimeoutMs: 3000,
        maxResponseBytes: 2 * 1024 * 1024,
      });
      expect(pages).toEqual([expect.objectContaining({ outcome: 'failed', error })]);
      expect(outcome).toMatchObject({
        status: 'failed',
        pagesFailed: 1,
        error: expect.stringContaining(error),
      });
    },
    60_000,
  );

  it('fails with a clear reason for non-HTML start pages, unreachable servers, TLS errors and refused targets', async () => {
    const closed = await startRequestCounter('127.0.0.1');
    const closedPort = closed.port;
    await closed.stop();
    const cases: [string, string][] = [
      [`${site.origin}/files/report.pdf`, 'not an HTML page (application/pdf)'],
      [`http://127.0.0.1:${closedPort}/`, 'refused: 127.0.0.1 resolves to a loopback address'],
      [`https://127.0.0.1:${site.port}/`, 'TLS error'],
      [
        `${victim.origin}/`,
        'refused: 127.0.0.2 resolves to a loopback address (127.0.0.2), which is not allowed',
      ],
    ];
    for (const [startUrl, reason] of cases) {
      const { outcome } = await crawl({ startUrl, respectRobotsTxt: false });
      expect(outcome.status, startUrl).toBe('failed');
      expect(outcome.error, startUrl).toContain(reason);
    }
    expect(victim.connections()).toBe(0);
  }, 120_000);

  it('records a connection refused by an allowed host', async () => {
    const closed = await startRequestCounter('127.0.0.1');
    await closed.stop();
    const guard = createNetworkGuard({ allowedHosts: parseAllowedHosts(`127.0.0.1:${closed.port}`) });
    const outcome = await runCrawl(
      browser,
      guard,
      settings({ startUrl: `http://127.0.0.1:${closed.port}/` }),
      {
        page: async () => undefined,
        cancelled: async () => false,
      },
    );
    expect(outcome).toMatchObject({ status: 'failed', error: expect.stringContaining('connection refused') });
  }, 60_000);

  it('stops before the next page when cancelled', async () => {
    const { outcome, pages } = await crawl({ maxPages: 10 }, { cancelAfter: 1 });
    expect(pages).toHaveLength(1);
    expect(outcome).toMatchObject({ status: 'cancelled', stopReason: 'cancelled', pagesCrawled: 1 });
  }, 60_000);
});

describe('login', () => {
  const steps = (password: string): LoginStep[] => [
    { action: 'goto', url: '/login' },
    { action: 'fill', selector: "getByLabel('User')", value: 'ada' },
    { action: 'fill', selector: '#pw', value: password },
    { action: 'click', selector: "getByRole('button', { name: 'Sign in' })" },
  ];

  it('signs in first, crawls as the signed-in user, and does not follow logout links', async () => {
    const { outcome, pages, byPath } = await crawl({
      startUrl: `${site.origin}/account`,
      loginSteps: [...steps(SITE_PASSWORD), { action: 'waitFor', selector: 'h1:has-text("Your account")' }],
      maxDepth: 1,
    });
    expect(outcome.status).toBe('succeeded');
    expect(byPath('/account')).toMatchObject({ outcome: 'crawled', title: 'Account' });
    expect(byPath('/account/orders')).toMatchObject({
      outcome: 'crawled',
      httpStatus: 200,
      headings: [{ level: 1, text: 'Your orders' }],
    });
    const links = byPath('/account')!.links;
    expect(links.filter((l) => l.reason === 'logout').map((l) => l.text)).toEqual(['Log out', 'Sign out']);
    expect(pages.some((p) => p.url.includes('logout') || p.url.includes('sign-out'))).toBe(false);
  }, 120_000);

  it('fails the crawl with a clear reason when the login does not work, never showing the password', async () => {
    const wrong = 'not-the-password-1234';
    const { outcome, pages } = await crawl({ startUrl: `${site.origin}/account`, loginSteps: steps(wrong) });
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatch(
      /^Login failed: after the login steps the page still shows the password field \(#pw\)/,
    );
    expect(pages).toEqual([]);
    const missing = await crawl({
      startUrl: `${site.origin}/account`,
      loginSteps: [
        { action: 'goto', url: '/login' },
        { action: 'fill', selector: '#nope', value: wrong },
      ],
      pageTimeoutMs: 2000,
    });
    expect(missing.outcome.error).toMatch(/^Login step 2 \(fill #nope\) failed: /);
    expect(`${outcome.error} ${missing.outcome.error}`).not.toContain(wrong);
  }, 120_000);
});
