import { getDb } from '../../shared/db/connection.ts';
import { listMembers } from '../../shared/identity/members.service.ts';
import { getMembers } from '../contracts/identity.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(getMembers, async ({ query }, { access }) =>
  listMembers(await getDb(), access!.orgId, query),
);
