import { listCodeHealthRuns } from '../../shared/code-health/code-health.service.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getCodeHealthRuns } from '../contracts/code-health.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(getCodeHealthRuns, async ({ params, query }, { access }) =>
  listCodeHealthRuns(await getDb(), access!.orgId, params, query),
);
