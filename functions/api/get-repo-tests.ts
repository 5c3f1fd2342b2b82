import { listTests } from '../../shared/analytics/tests.service.ts';
import { getConfig } from '../../shared/config.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getRepoTests } from '../contracts/analytics.ts';
import { httpHandler } from '../kit/http-handler.ts';

const config = getConfig();

export const handler = httpHandler(getRepoTests, async ({ params, query }, { access }) =>
  listTests(await getDb(), access!.orgId, params, query, config.ASSAY_FLAKY_WINDOW_DAYS),
);
