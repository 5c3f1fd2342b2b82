import { listCrawls } from '../../shared/crawl/crawl.service.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getCrawls } from '../contracts/crawls.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(getCrawls, async ({ query }, { access }) =>
  listCrawls(await getDb(), access!.orgId, query),
);
