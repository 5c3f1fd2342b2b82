import { getCodeHealthRun as readCodeHealthRun } from '../../shared/code-health/code-health.service.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getCodeHealthRun } from '../contracts/code-health.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(getCodeHealthRun, async ({ params }, { access }) =>
  readCodeHealthRun(await getDb(), access!.orgId, params),
);
