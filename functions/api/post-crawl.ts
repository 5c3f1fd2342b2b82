import { getAppSecret } from '../../shared/adapters/app-secrets.ts';
import { createQueuePublisher } from '../../shared/adapters/queue-publisher.ts';
import { getConfig } from '../../shared/config.ts';
import { crawlAllowedHosts, requestCrawl } from '../../shared/crawl/crawl.service.ts';
import { createNetworkGuard } from '../../shared/crawl/network.ts';
import { getDb } from '../../shared/db/connection.ts';
import { postCrawl } from '../contracts/crawls.ts';
import { httpHandler } from '../kit/http-handler.ts';

const publisher = createQueuePublisher(getConfig());
const loginSecret = () => getAppSecret('session');
const guard = createNetworkGuard({ allowedHosts: crawlAllowedHosts(getConfig()) });

export const handler = httpHandler(postCrawl, async ({ body }, { access, actor }) =>
  requestCrawl({ db: await getDb(), publisher, loginSecret, guard }, access!.orgId, actor, body),
);
