import { getIssueWithChecklist } from '../../shared/checklists/issues.service.ts';
import { getDb } from '../../shared/db/connection.ts';
import { getIssue } from '../contracts/issues.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(getIssue, async ({ params }, { access }) =>
  getIssueWithChecklist(await getDb(), access!.orgId, params),
);
