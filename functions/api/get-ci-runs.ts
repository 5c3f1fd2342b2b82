import { listCiUploads } from '../../shared/ci/ci-runs-view.service.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getCiRuns } from '../contracts/repos.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(getCiRuns, async ({ params, query }, { access }) =>
  listCiUploads(await getDb(), access!.orgId, params, query),
);
