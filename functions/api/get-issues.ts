import { listIssues } from '../../shared/checklists/issues.service.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getIssues } from '../contracts/issues.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(getIssues, async ({ params, query }, { access }) =>
  listIssues(await getDb(), access!.orgId, params, query),
);
