/**
 * Runs a queued crawl in a Chromium launched for it, network-isolated so
 * every request goes through the SSRF guard. Shared by the crawl consumer and
 * `assay crawl`.
 *
 * @module
 */
import { launchChromium } from './chromium.ts';
import { type CrawlRunDeps, crawlAllowedHosts, runQueuedCrawl } from './crawl.service.ts';
import type { CrawlMessage, CrawlView } from './crawl.types.ts';
import { runCrawl } from './crawler.ts';
import { createNetworkGuard } from './network.ts';

/** {@link runQueuedCrawl} with a Chromium of its own, closed when the run ends. */
export async function crawlWithChromium(
  deps: Omit<CrawlRunDeps, 'crawl'>,
  message: CrawlMessage,
): Promise<CrawlView | null> {
  const guard = createNetworkGuard({ allowedHosts: crawlAllowedHosts(deps.config) });
  return runQueuedCrawl(
    {
      ...deps,
      crawl: async (settings, sink) => {
        const browser = await launchChromium({ isolateNetwork: true });
        try {
          return await runCrawl(browser, guard, settings, sink);
        } finally {
          await browser.close().catch(() => undefined);
        }
      },
    },
    message,
  );
}
