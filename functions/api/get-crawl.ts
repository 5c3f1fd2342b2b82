import { getCrawl as readCrawl } from '../../shared/crawl/crawl.service.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getCrawl } from '../contracts/crawls.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(getCrawl, async ({ params }, { access }) =>
  readCrawl(await getDb(), access!.orgId, params.id),
);
