/**
 * `npm run bench crawl`: the crawler (SPEC §8) on a local test site of 250+
 * pages served on 127.0.0.1 (a product catalogue with forms, duplicate
 * buttons and test ids), beside a baseline in the same run:
 * - crawler: `runCrawl` in network-isolated headless Chromium, every request
 *   through the SSRF guard, each page rendered (network idle ≤ 1 s), read,
 *   locators chosen and checked, aria snapshot and PNG screenshot taken;
 *   no polite delay;
 * - baseline: the same breadth-first walk with plain `fetch` and a regex for
 *   `href`s — no browser, no rendering, no locators.
 * Reported: pages per minute of each and their ratio; peak RSS of this
 * process and of the Chromium process tree (sampled from /proc every 200 ms);
 * and the share of recorded locators that match exactly one element when
 * each page is opened again in a separate, ordinary browser (goal 100%).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { parseAllowedHosts } from '../shared/crawl/address.ts';
import { launchChromium } from '../shared/crawl/chromium.ts';
import { type CrawledPage, runCrawl } from '../shared/crawl/crawler.ts';
import { locatorFor } from '../shared/crawl/locators.ts';
import { createNetworkGuard } from '../shared/crawl/network.ts';
import { normaliseUrl } from '../shared/crawl/urls.ts';
import { startCrawlSite } from '../test/support/crawl-site.ts';

const CATALOGUE = 240;
const MAX_PAGES = 260;

/** Resident set of `pid` and all its descendants, in MB (Linux /proc). */
function treeRssMb(root: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const ppid = Number(/PPid:\s+(\d+)/.exec(status)?.[1]);
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      rss.set(Number(entry), kb);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended meanwhile
    }
  }
  let total = 0;
  const stack = [...(children.get(root) ?? [])];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    total += rss.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total / 1024;
}

async function baselineCrawl(start: string, maxPages: number): Promise<number> {
  const seen = new Set([start]);
  const queue = [start];
  let pages = 0;
  while (queue.length > 0 && pages < maxPages) {
    const url = queue.shift()!;
    const response = await fetch(url, { redirect: 'manual' });
    pages += 1;
    if (!(response.headers.get('content-type') ?? '').includes('html')) continue;
    const html = await response.text();
    for (const match of html.matchAll(/href="([^"]+)"/g)) {
      const next = normaliseUrl(match[1]!, url);
      if (next?.startsWith(new URL(start).origin) && !seen.has(next) && seen.size < maxPages) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return pages;
}

export default async function bench(): Promise<void> {
  const site = await startCrawlSite({ catalogue: CATALOGUE });
  const browser = await launchChromium({ isolateNetwork: true });
  const guard = createNetworkGuard({ allowedHosts: parseAllowedHosts(`127.0.0.1:${site.port}`) });
  const pages: CrawledPage[] = [];
  let peakNode = 0;
  let peakChromium = 0;
  const sampler = setInterval(() => {
    peakNode = Math.max(peakNode, process.memoryUsage.rss() / 1024 / 1024);
    peakChromium = Math.max(peakChromium, treeRssMb(process.pid));
  }, 200);
  try {
    const started = performance.now();
    const outcome = await runCrawl(
      browser,
      guard,
      {
        startUrl: `${site.origin}/`,
        maxPages: MAX_PAGES,
        maxDepth: 20,
        scope: 'same-origin',
        loginSteps: [],
        exclude: ['/calendar*'],
        respectRobotsTxt: true,
        pageTimeoutMs: 20_000,
        settleMs: 1_000,
        delayMs: 0,
        maxDurationMs: 20 * 60_000,
        maxResponseBytes: 5 * 1024 * 1024,
      },
      {
        page: async (page) => {
          pages.push(page);
          if (pages.length % 50 === 0) console.log(`  … ${pages.length} pages`);
        },
        cancelled: async () => false,
      },
    );
    const crawlMinutes = (performance.now() - started) / 60_000;
    clearInterval(sampler);
    const visited = pages.length;

    const baseStarted = performance.now();
    const basePages = await baselineCrawl(`${site.origin}/`, MAX_PAGES);
    const baseMinutes = (performance.now() - baseStarted) / 60_000;

    // Every recorded locator, checked again on a fresh load in an ordinary browser.
    const plain = await launchChromium();
    const context = await plain.newContext();
    let total = 0;
    let unique = 0;
    let missing = 0;
    const byKind: Record<string, number> = {};
    try {
      for (const page of pages.filter((p) => p.outcome === 'crawled')) {
        const locators = [
          ...page.buttons.map((b) => b.locator),
          ...page.forms.flatMap((f) => [
            f.locator,
            ...(f.submit ? [f.submit.locator] : []),
            ...f.fields.map((x) => x.locator),
          ]),
        ];
        if (locators.length === 0) continue;
        const tab = await context.newPage();
        await tab.goto(page.url, { waitUntil: 'networkidle' });
        for (const expression of locators) {
          total += 1;
          if (expression === null) {
            missing += 1;
            continue;
          }
          const kind = expression.slice(0, expression.indexOf('('));
          byKind[kind] = (byKind[kind] ?? 0) + 1;
          if ((await locatorFor(tab, expression).count()) === 1) unique += 1;
        }
        await tab.close();
      }
    } finally {
      await plain.close();
    }

    const rate = visited / crawlMinutes;
    const baseRate = basePages / baseMinutes;
    console.log(
      `  crawler:  ${visited} pages (${outcome.pagesCrawled} crawled, ${outcome.pagesFailed} failed, ${outcome.pagesSkipped} skipped, stop: ${outcome.stopReason}) in ${(crawlMinutes * 60).toFixed(1)} s → ${rate.toFixed(0)} pages/min`,
    );
    console.log(
      `  baseline: ${basePages} pages by fetch + regex in ${(baseMinutes * 60).toFixed(2)} s → ${baseRate.toFixed(0)} pages/min`,
    );
    console.log(
      `  ratio:    the crawler runs at ${((rate / baseRate) * 100).toFixed(1)}% of the fetch-only baseline`,
    );
    console.log(
      `  peak RSS: this process ${peakNode.toFixed(0)} MB, Chromium process tree ${peakChromium.toFixed(0)} MB`,
    );
    console.log(
      `  locators: ${unique}/${total} resolve to exactly one element (${((unique / Math.max(1, total)) * 100).toFixed(1)}%; goal 100%), ${missing} elements without one; by kind ${JSON.stringify(byKind)}`,
    );
  } finally {
    clearInterval(sampler);
    await browser.close();
    await site.stop();
  }
}
