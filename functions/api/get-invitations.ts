import { getDb } from '../../shared/db/connection.ts';
import { listInvitations } from '../../shared/identity/invitations.service.ts';
import { getInvitations } from '../contracts/identity.ts';
import { httpHandler } from '../kit/http-handler.ts';

export const handler = httpHandler(getInvitations, async ({ query }, { access }) =>
  listInvitations(await getDb(), access!.orgId, query),
);
