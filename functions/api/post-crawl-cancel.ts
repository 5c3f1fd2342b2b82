import { cancelCrawl } from '../../shared/crawl/crawl.service.ts';
import { getDb } from '../../shared/db/connection.ts';
import { postCrawlCancel } from '../contracts/crawls.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(postCrawlCancel, async ({ params }, { access, actor }) =>
  cancelCrawl(await getDb(), access!.orgId, actor, params.id),
);
