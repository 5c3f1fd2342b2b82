import { organisationMetrics } from '../../shared/analytics/metrics.service.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getOrgMetrics } from '../contracts/analytics.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(getOrgMetrics, async ({ query }, { access }) =>
  organisationMetrics(await getDb(), access!.orgId, query),
);
