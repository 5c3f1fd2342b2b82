import { createS3Client } from '../../shared/adapters/object-store.ts';
import { createPresignGet } from '../../shared/ci/presigner.ts';
import { getConfig } from '../../shared/config.ts';
import { listCrawlPages } from '../../shared/crawl/crawl.service.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getCrawlPages } from '../contracts/crawls.ts';
import { httpHandler } from '../kit/http-handler.ts';

const config = getConfig();
const presignGet = createPresignGet(createS3Client(config), config.ASSAY_S3_BUCKET);

export const handler = httpHandler(getCrawlPages, async ({ params, query }, { access }) =>
  listCrawlPages({ db: await getDb(), presignGet }, access!.orgId, params.id, query),
);
