import { getAppSecret } from '../../shared/adapters/app-secrets.ts';
import { createObjectStore } from '../../shared/adapters/object-store.ts';
import { getConfig } from '../../shared/config.ts';
import { crawlMessageSchema } from '../../shared/crawl/crawl.types.ts';
import { crawlWithChromium } from '../../shared/crawl/run.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getLogger } from '../../shared/logger.ts';
import { queueHandler } from '../kit/queue-handler.ts';

const config = getConfig();
const objects = createObjectStore(config);

export const handler = queueHandler(crawlMessageSchema, async (message) => {
  const crawl = await crawlWithChromium(
    { db: await getDb(), objects, config, loginSecret: () => getAppSecret('session') },
    message,
  );
  getLogger().info('Crawl handled', {
    crawlId: message.crawlId,
    status: crawl?.status ?? 'already finished',
    pagesCrawled: crawl?.pagesCrawled,
    pagesFailed: crawl?.pagesFailed,
    pagesSkipped: crawl?.pagesSkipped,
    stopReason: crawl?.stopReason,
  });
});
