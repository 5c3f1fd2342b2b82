import { repositoryMetrics } from '../../shared/analytics/metrics.service.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getRepoMetrics } from '../contracts/analytics.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(getRepoMetrics, async ({ params, query }, { access }) =>
  repositoryMetrics(await getDb(), access!.orgId, params, query),
);
